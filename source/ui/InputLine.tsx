import {Box, Text} from 'ink';
import {sanitize} from '../client/format.js';
import {inputHeight, inputWindow} from '../client/input-view.js';
import type {AppState} from '../client/state.js';
import {currentSalon} from '../client/state.js';
import {clusters} from '../client/width.js';
import {useTheme} from './theme.js';

/** The input, with its cursor; a multi-line draft shows the lines around the cursor, ↑ ↓ marking more. */
export function InputLine({state}: {readonly state: AppState}) {
  const {t, c} = useTheme();
  const focused = state.focus === 'input';
  const {text, cursor} = state.editor;
  const salon = currentSalon(state);
  const height = inputHeight(text, state.columns);
  const shown = inputWindow(text, cursor, state.columns);
  const before = sanitize(text.slice(shown.start, cursor));
  // The cursor sits on a whole character (a grapheme cluster), as the editor moves it.
  const at: string | undefined = cursor < shown.end ? clusters(text.slice(cursor, shown.end)).next().value : undefined;
  const after = sanitize(text.slice(cursor + (at?.length ?? 0), shown.end));
  const shownAt = at === undefined || at === '\n' ? ' ' : sanitize(at) || ' ';
  return (
    <Box borderStyle="round" borderColor={c(focused ? 'cyan' : 'gray')} paddingX={1} height={height} overflowY="hidden">
      <Box flexShrink={0} width={2} flexDirection="column" justifyContent="space-between">
        <Text color={c('cyan')}>{shown.hiddenAbove ? '↑' : '›'}</Text>
        {shown.hiddenBelow && height > 3 ? <Text color={c('cyan')}>↓</Text> : null}
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
