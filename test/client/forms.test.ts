/**
 * The sign-in and registration forms through the real key router and controller against a
 * real server: Enter does what the hint says.
 */
import test, {type ExecutionContext} from 'ava';
import {KeyRouter} from '../../source/client/keys.js';
import {backends} from '../helpers/backends.js';
import {startClient, untilState} from '../helpers/controller.js';
import {PASSWORD, startTestServer} from '../helpers/server.js';

async function setup(t: ExecutionContext) {
  const db = await backends[0]!.create();
  const srv = await startTestServer(db);
  const ctl = startClient(srv);
  t.teardown(async () => {
    await ctl.quit();
    await srv.stop();
    await db.drop();
  });
  await srv.user('exemple', 'Exemple');
  await untilState(ctl, (s) => s.screen === 'login');
  const keys = new KeyRouter(ctl);
  const type = (text: string) => [...text].forEach((char) => keys.handle(char, {}));
  const press = (key: Parameters<KeyRouter['handle']>[1], times = 1) => {
    for (let i = 0; i < times; i++) keys.handle('', key);
  };
  return {ctl, type, press};
}

test('registration: after a refused alias, the cursor is on the alias, and one Enter creates the account', async (t) => {
  const {ctl, type, press} = await setup(t);
  ctl.dispatch({type: 'showRegister'});
  type('zoe');
  press({tab: true});
  type('Exemple');
  press({tab: true});
  type(PASSWORD);
  press({tab: true});
  type(PASSWORD);
  press({return: true});
  await untilState(ctl, (s) => s.register.error?.key === 'error.ALIAS_TAKEN');
  t.is(ctl.getState().register.field, 1, 'the field to correct');
  press({backspace: true}, 'Exemple'.length);
  type('Zoé');
  press({return: true});
  await untilState(ctl, (s) => s.screen === 'main');
  t.is(ctl.getState().user?.alias, 'Zoé');
});

test('registration: Enter on an incomplete form goes to the next empty field, not past it', async (t) => {
  const {ctl, type, press} = await setup(t);
  ctl.dispatch({type: 'showRegister'});
  type('zoe');
  press({return: true});
  t.is(ctl.getState().register.field, 1);
  press({tab: true}, 2);
  type(PASSWORD);
  press({return: true});
  t.is(ctl.getState().register.field, 1, 'back to the alias, the first field still empty');
  t.false(ctl.getState().register.busy);
});

test('sign-in: Enter from the username field signs in once both fields are filled', async (t) => {
  const {ctl, type, press} = await setup(t);
  press({tab: true});
  type(PASSWORD);
  press({tab: true});
  type('exemple');
  t.is(ctl.getState().login.field, 0);
  press({return: true});
  await untilState(ctl, (s) => s.screen === 'main');
  t.is(ctl.getState().user?.username, 'exemple');
});
