/** The lines above the input that messages that change add: who is typing, and what Enter will do (reply, edit). Reply quotes and reactions are pane lines (MessagePane). */
import {Text} from 'ink';
import type {AppState} from '../client/state.js';
import {composeNotice, typingNotice} from '../client/typing.js';
import {useTheme} from './theme.js';

/** Under the messages, right above the input: who is typing, and what Enter will do. */
export function InfoLines({state, salonId}: {readonly state: AppState; readonly salonId: number}) {
  const {t, c} = useTheme();
  const typing = typingNotice(state, salonId);
  const compose = composeNotice(state, salonId);
  return (
    <>
      {typing ? (
        <Text dimColor italic wrap="truncate">
          {t(typing.key, typing.params)}
        </Text>
      ) : null}
      {compose ? (
        <Text color={c('cyan')} wrap="truncate">
          {t(compose.key, compose.params)}
        </Text>
      ) : null}
    </>
  );
}
