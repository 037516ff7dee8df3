/** What messages that change add to the pane: reply quotes, reaction counts, and the lines above the input (typing, reply, edit). */
import {Text} from 'ink';
import type {PaneLine} from '../client/format.js';
import type {AppState} from '../client/state.js';
import {composeNotice, typingNotice} from '../client/typing.js';
import {useTheme} from './theme.js';

/** A reply's quote above it, or the reactions under a message (the user's own highlighted). */
export function ChangeLine({line}: {readonly line: PaneLine}) {
  const {c, color} = useTheme();
  if (line.kind === 'reply') {
    return (
      <Text dimColor inverse={line.selected} wrap="truncate">
        {line.text}
      </Text>
    );
  }
  return (
    <Text wrap="truncate" inverse={line.selected}>
      {line.text}
      {(line.reactions ?? []).map((r, i) =>
        r.mine ? (
          <Text key={i} color={c('cyan')} bold inverse={!color && !line.selected}>
            {r.text}
          </Text>
        ) : (
          <Text key={i}>{r.text}</Text>
        ),
      )}
    </Text>
  );
}

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
