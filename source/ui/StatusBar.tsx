import {Box, Text} from 'ink';
import {displayWidth} from '../client/format.js';
import type {AppState} from '../client/state.js';
import {useTheme} from './theme.js';

/**
 * Who, where, the link, what just happened, and what keys do. The latest event matters
 * most: when it is long, the identity part gives way to it, never the other way round.
 */
export function StatusBar({state}: {readonly state: AppState}) {
  const {t, c, color} = useTheme();
  const link =
    state.link === 'online'
      ? {text: t('status.online'), color: 'green'}
      : state.link === 'reconnecting'
        ? {text: t('status.reconnecting', {seconds: state.retryIn ?? 0}), color: 'red'}
        : {text: t('status.connecting'), color: 'yellow'};
  const moderator = state.user?.role === 'moderator';
  const flash = state.flash ? t(state.flash.key, state.flash.params) : null;
  const flashWidth = flash ? Math.min(displayWidth(flash), Math.max(10, state.columns - 14)) : 0;
  return (
    <Box width={state.columns}>
      <Box flexShrink={flash ? 1 : 0} flexGrow={1}>
        <Text wrap="truncate">
          <Text color={c(link.color)} inverse={!color}>{`● ${link.text}`}</Text>
          <Text bold>{state.user ? ` ${state.user.alias}` : ''}</Text>
          <Text dimColor>{` @ ${state.server}`}</Text>
          {moderator && state.pending.length > 0 ? <Text color={c('magenta')} bold>{`  ${t('status.pending', {count: state.pending.length})}`}</Text> : null}
        </Text>
      </Box>
      {flash ? (
        <Box flexShrink={0} width={flashWidth} marginLeft={1}>
          <Text color={c('yellow')} wrap="truncate">
            {flash}
          </Text>
        </Box>
      ) : (
        <Box flexShrink={1} marginLeft={2}>
          <Text dimColor wrap="truncate">
            {t('status.hints')}
          </Text>
        </Box>
      )}
    </Box>
  );
}
