import {Box, Text} from 'ink';
import type {AppState} from '../client/state.js';
import {aliasColor} from '../client/format.js';
import {useTheme} from './theme.js';

/** Members of the current salon, online ones first. */
export function MemberList({state, width, height}: {readonly state: AppState; readonly width: number; readonly height: number}) {
  const {t, c} = useTheme();
  const members = [...state.members].sort((a, b) => Number(b.online) - Number(a.online) || a.alias.localeCompare(b.alias));
  // Online members first, as many as fit; one row says how many more there are.
  const rows = height - 1;
  const shown = members.length > rows ? members.slice(0, Math.max(0, rows - 1)) : members;
  return (
    <Box flexDirection="column" width={width} flexShrink={0} borderStyle="round" borderColor={c('gray')} height={height + 2} overflow="hidden">
      <Text bold wrap="truncate">{` ${t('members.title')} (${members.filter((m) => m.online).length}/${members.length})`}</Text>
      {shown.map((m) => (
        <Text key={m.username} wrap="truncate" dimColor={!m.online}>
          <Text color={c(m.online ? 'green' : 'gray')}>{m.online ? '●' : '○'}</Text>
          <Text color={c(m.online ? aliasColor(m.alias) : undefined)}>{` ${m.alias}`}</Text>
        </Text>
      ))}
      {shown.length < members.length ? <Text dimColor wrap="truncate">{` ${t('members.more', {count: members.length - shown.length})}`}</Text> : null}
    </Box>
  );
}
