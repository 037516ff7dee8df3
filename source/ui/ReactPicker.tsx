/** The reaction picker: common reactions, filtered by the shortcode typed; the user's own marked. */
import {Box, Text} from 'ink';
import {reactionChoices} from '../client/changes.js';
import {sanitizeLine} from '../client/format.js';
import type {AppState, Modal} from '../client/state.js';
import {bodyRows, windowAround} from '../client/windows.js';
import {useTheme} from './theme.js';

export function ReactPicker({state, modal, width}: {readonly state: AppState; readonly modal: Modal & {kind: 'react'}; readonly width: number; readonly height: number}) {
  const {t, c} = useTheme();
  const choices = reactionChoices(modal.query);
  const message = state.salons.find((s) => s.id === modal.salonId)?.entries.message(modal.seq);
  const title = t('react.title');
  const rows = Math.max(1, bodyRows(state, title) - 1);
  const first = windowAround(modal.index, choices.length, rows);
  return (
    <Box flexDirection="column" borderStyle="double" borderColor={c('yellow')} paddingX={1} width={width}>
      <Text bold color={c('yellow')} wrap="wrap">
        {title}
      </Text>
      <Text>
        {'› '}
        {modal.query}
        <Text inverse> </Text>
      </Text>
      {choices.length === 0 ? <Text dimColor wrap="truncate">{t('react.none')}</Text> : null}
      {choices.slice(first, first + rows).map((choice, i) => {
        const mine = message?.reactions?.some((r) => r.emoji === choice.emoji && r.mine) ?? false;
        return (
          <Text key={choice.code} inverse={first + i === modal.index} wrap="truncate">
            {`  ${sanitizeLine(choice.emoji)}  :${choice.code}:`}
            {mine ? <Text color={c('cyan')}>{`  ${t('react.mine')}`}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
