/** The client's Controller against a real server: started clients, waiting on state, signing in. */
import {Controller} from '../../source/client/controller.js';
import type {AppState} from '../../source/client/state.js';
import {PASSWORD, type TestServer} from './server.js';

export function startClient(srv: TestServer, username = ''): Controller {
  const controller = new Controller({host: '127.0.0.1', port: srv.server.port, lang: 'en', username, backoff: {initial: 30, max: 200}});
  controller.start();
  return controller;
}

/**
 * Waits for a state that passes the check, looking at every state the controller goes
 * through: a poll could miss a short one.
 */
export const untilState = (controller: Controller, check: (state: AppState) => boolean, timeoutMs = 5000) =>
  new Promise<void>((resolve, reject) => {
    if (check(controller.getState())) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error('condition not met in time'));
    }, timeoutMs);
    const stop = controller.subscribe(() => {
      if (!check(controller.getState())) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });

export async function signIn(controller: Controller, username: string, password = PASSWORD): Promise<void> {
  await untilState(controller, (s) => s.screen === 'login');
  controller.dispatch({type: 'formInput', form: 'login', value: username});
  controller.dispatch({type: 'formNext', form: 'login', delta: 1});
  controller.dispatch({type: 'formInput', form: 'login', value: password});
  await controller.submitLogin();
  await untilState(controller, (s) => s.screen === 'main');
}

/** Types a line into the input and presses Enter. */
export function say(controller: Controller, text: string): void {
  controller.dispatch({type: 'editor', action: {type: 'set', text}});
  controller.submitInput();
}

export const texts = (state: AppState, salonId: number) =>
  state.salons.find((s) => s.id === salonId)?.entries.flatMap((e) => (e.kind === 'message' ? [e.message.text] : [])) ?? [];
