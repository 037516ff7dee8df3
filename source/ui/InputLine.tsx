import {Box, Text} from 'ink';
import type {AppState} from '../client/state.js';
import {currentSalon} from '../client/state.js';
import {sanitize} from '../client/format.js';
import {clusters} from '../client/width.js';
import {inputHeight} from '../client/pane.js';
import {useTheme} from './theme.js';

/** The input, with its cursor; a multi-line draft shows its lines. */
export function InputLine({state}: {readonly state: AppState}) {
  const {t, c} = useTheme();
  const focused = state.focus === 'input';
  const {text, cursor} = state.editor;
  const salon = currentSalon(state);
  const before = sanitize(text.slice(0, cursor));
  // The cursor sits on a whole character (a grapheme cluster), as the editor moves it.
  const at: string | undefined = clusters(text.slice(cursor)).next().value;
  const after = sanitize(text.slice(cursor + (at?.length ?? 0)));
  const shownAt = at === undefined || at === '\n' ? ' ' : sanitize(at) || ' ';
  return (
    <Box borderStyle="round" borderColor={c(focused ? 'cyan' : 'gray')} paddingX={1} height={inputHeight(text, state.columns)} overflow="hidden">
      <Box flexShrink={0} width={2}>
        <Text color={c('cyan')}>›</Text>
      </Box>
      {text === '' && !focused ? (
        <Text dimColor>{salon ? t('input.placeholder', {salon: salon.name}) : ''}</Text>
      ) : (
        <Text wrap="wrap">
          {before}
          {focused ? <Text inverse>{shownAt}</Text> : at === undefined || at === '\n' ? '' : sanitize(at)}
          {at === '\n' ? '\n' : ''}
          {after}
          {text === '' && focused && salon ? <Text dimColor>{` ${t('input.placeholder', {salon: salon.name})}`}</Text> : null}
        </Text>
      )}
    </Box>
  );
}
