import {Box, Text} from 'ink';
import type {AppState} from '../client/state.js';
import {useTheme} from './theme.js';

/** Who, where, the link, what just happened, and what keys do. */
export function StatusBar({state}: {readonly state: AppState}) {
  const {t, c, color} = useTheme();
  const link =
    state.link === 'online'
      ? {text: t('status.online'), color: 'green'}
      : state.link === 'reconnecting'
        ? {text: t('status.reconnecting', {seconds: state.retryIn ?? 0}), color: 'red'}
        : {text: t('status.connecting'), color: 'yellow'};
  const moderator = state.user?.role === 'moderator';
  return (
    <Box width={state.columns} justifyContent="space-between">
      <Box flexShrink={0}>
      <Text>
        <Text bold>{state.user ? `${state.user.alias} (${state.user.username})` : ''}</Text>
        <Text dimColor>{` @ ${state.server} `}</Text>
        <Text color={c(link.color)} inverse={!color}>{`● ${link.text}`}</Text>
        {moderator && state.pending.length > 0 ? <Text color={c('magenta')} bold>{`  ${t('status.pending', {count: state.pending.length})}`}</Text> : null}
      </Text>
      </Box>
      <Box flexShrink={1} marginLeft={2}>
        {state.flash ? (
          <Text color={c('yellow')} wrap="truncate">
            {t(state.flash.key, state.flash.params)}
          </Text>
        ) : (
          <Text dimColor wrap="truncate">
            {t('status.hints')}
          </Text>
        )}
      </Box>
    </Box>
  );
}
