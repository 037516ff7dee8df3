import {Box, Text} from 'ink';
import type {AppState} from '../client/state.js';
import {Spinner} from './Spinner.js';
import {useTheme} from './theme.js';

export function Connecting({state}: {readonly state: AppState}) {
  const {t, c} = useTheme();
  const retrying = state.link === 'reconnecting' && state.retryIn !== null;
  return (
    <Box flexDirection="column" padding={1}>
      <Box gap={1}>
        <Spinner />
        <Text>{t('connect.connecting', {server: state.server})}</Text>
      </Box>
      {retrying && (
        <Text color={c('yellow')}>
          {t('connect.retry', {server: state.server, reason: String(state.linkError?.params?.message ?? ''), seconds: state.retryIn ?? 0})}
        </Text>
      )}
    </Box>
  );
}
