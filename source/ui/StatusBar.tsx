import {Box, Text} from 'ink';
import type {AppState} from '../client/state.js';
import {cursorHints} from '../client/message-actions.js';
import {fitStatus} from '../client/status.js';
import {useTheme} from './theme.js';

/** Who, where, the link, what just happened, and what keys do: what fits, by priority (client/status.ts). */
export function StatusBar({state}: {readonly state: AppState}) {
  const {t, c, color} = useTheme();
  const link =
    state.link === 'online'
      ? {text: t('status.online'), color: 'green'}
      : state.link === 'reconnecting'
        ? {text: t('status.reconnecting', {seconds: state.retryIn ?? 0}), color: 'red'}
        : {text: t('status.connecting'), color: 'yellow'};
  const moderator = state.user?.role === 'moderator';
  const fit = fitStatus(
    {
      link: link.text,
      alias: state.user?.alias ?? '',
      server: state.server,
      pending: moderator && state.pending.length > 0 ? t('status.pending', {count: state.pending.length}) : '',
      flash: state.flash ? t(state.flash.key, state.flash.params) : null,
      // While the message cursor is on: what may be done to the message it is on.
      hints: state.selected ? cursorHints(state).map((key) => t(key)).join(' · ') : t('status.hints'),
    },
    state.columns,
  );
  return (
    <Box width={state.columns}>
      <Text wrap="truncate">
        <Text color={c(link.color)} inverse={!color}>
          {fit.link}
        </Text>
        <Text bold>{fit.alias}</Text>
        <Text dimColor>{fit.server}</Text>
        <Text color={c('magenta')} bold>
          {fit.pending}
        </Text>
        <Text color={c('yellow')}>{fit.flash}</Text>
        <Text dimColor>{fit.hints}</Text>
      </Text>
    </Box>
  );
}
