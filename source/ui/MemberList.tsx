import {Box, Text} from 'ink';
import type {AppState} from '../client/state.js';
import {aliasColor} from '../client/format.js';
import {useTheme} from './theme.js';

/** Members of the current salon, online ones first. */
export function MemberList({state, width}: {readonly state: AppState; readonly width: number}) {
  const {t, c} = useTheme();
  const members = [...state.members].sort((a, b) => Number(b.online) - Number(a.online) || a.alias.localeCompare(b.alias));
  return (
    <Box flexDirection="column" width={width} flexShrink={0} borderStyle="round" borderColor={c('gray')}>
      <Text bold>{` ${t('members.title')} (${members.filter((m) => m.online).length}/${members.length})`}</Text>
      {members.map((m) => (
        <Text key={m.username} wrap="truncate" dimColor={!m.online}>
          <Text color={c(m.online ? 'green' : 'gray')}>{m.online ? '●' : '○'}</Text>
          <Text color={c(m.online ? aliasColor(m.alias) : undefined)}>{` ${m.alias}`}</Text>
        </Text>
      ))}
    </Box>
  );
}
