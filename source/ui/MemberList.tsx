import {Box, Text} from 'ink';
import type {AppState} from '../client/state.js';
import {aliasColor} from '../client/format.js';
import {memberCursorIndex, memberOrder} from '../client/lists.js';
import {windowAround} from '../client/windows.js';
import {useTheme} from './theme.js';

/** Members of the current salon, online ones first; with the focus, a cursor (Enter: direct message). */
export function MemberList({state, width, height}: {readonly state: AppState; readonly width: number; readonly height: number}) {
  const {t, c} = useTheme();
  const focused = state.focus === 'members';
  const members = memberOrder(state);
  const cursor = memberCursorIndex(state);
  // Online members first, as many as fit; one row says how many more there are. With the
  // focus, the rows shown follow the cursor.
  const rows = height - 1;
  const room = Math.max(0, rows - 1);
  const first = members.length > rows && focused ? windowAround(cursor, members.length, room) : 0;
  const shown = members.length > rows ? members.slice(first, first + room) : members;
  return (
    <Box flexDirection="column" width={width} flexShrink={0} borderStyle="round" borderColor={c(focused ? 'cyan' : 'gray')} height={height + 2} overflow="hidden">
      <Text bold wrap="truncate">{` ${t('members.title')} (${members.filter((m) => m.online).length}/${members.length})`}</Text>
      {shown.map((m, i) => (
        <Text key={m.username} wrap="truncate" dimColor={!m.online} inverse={focused && first + i === cursor}>
          <Text color={c(m.online ? 'green' : 'gray')}>{m.online ? '●' : '○'}</Text>
          <Text color={c(m.online ? aliasColor(m.alias) : undefined)}>{` ${m.alias}`}</Text>
        </Text>
      ))}
      {shown.length < members.length ? <Text dimColor wrap="truncate">{` ${t('members.more', {count: members.length - shown.length})}`}</Text> : null}
    </Box>
  );
}
