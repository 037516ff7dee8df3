/** The root: subscribes to the controller, routes every key through one router, rings the bell. */
import {useInput, useStdout} from 'ink';
import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {Controller} from '../client/controller.js';
import {KeyRouter} from '../client/keys.js';
import {Connecting} from './Connecting.js';
import {LoginForm, RegisterForm} from './Forms.js';
import {MainScreen} from './MainScreen.js';
import {ThemeContext, screenTranslator} from './theme.js';

export interface AppProps {
  readonly controller: Controller;
  readonly color?: boolean;
  readonly now?: () => number;
  /** false: the bell is rung elsewhere (client/notify.ts), or not at all. */
  readonly bell?: boolean;
}

export function App({controller, color = true, now = Date.now, bell = true}: AppProps) {
  // Redrawn once per frame, however many changes a burst brings (client/frames.ts).
  const state = useSyncExternalStore(controller.subscribeFrames, controller.getState);
  const router = useMemo(() => new KeyRouter(controller), [controller]);
  const theme = useMemo(() => ({color, t: screenTranslator(state.lang)}), [color, state.lang]);
  const {stdout} = useStdout();

  useInput((input, key) => {
    router.handle(input, key);
    controller.drawSoon();
  });

  useEffect(() => {
    const resize = () => {
      controller.dispatch({type: 'resize', columns: stdout.columns || 80, rows: stdout.rows || 24});
      controller.drawSoon();
    };
    resize();
    stdout.on('resize', resize);
    return () => {
      stdout.off('resize', resize);
    };
  }, [controller, stdout]);

  useEffect(() => {
    if (bell && state.bell > 0) stdout.write('\u0007');
  }, [bell, state.bell, stdout]);

  return (
    <ThemeContext.Provider value={theme}>
      {state.screen === 'main' ? (
        <MainScreen state={state} now={now()} />
      ) : state.screen === 'login' ? (
        <LoginForm state={state} />
      ) : state.screen === 'register' ? (
        <RegisterForm state={state} />
      ) : (
        <Connecting state={state} />
      )}
    </ThemeContext.Provider>
  );
}
