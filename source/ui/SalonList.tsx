import {Box, Text} from 'ink';
import {truncate} from '../client/format.js';
import {cursorIndex, isDirect, listOrder} from '../client/lists.js';
import {type AppState, type SalonView, unread} from '../client/state.js';
import {windowAround} from '../client/windows.js';
import {useTheme} from './theme.js';

/** The blank line and three lines of the legend. */
const LEGEND_ROWS = 4;

/** A row of the list: a conversation with its number (Alt+number opens it), or the direct messages' title. */
type Row = {kind: 'conversation'; salon: SalonView; index: number} | {kind: 'section'};

function rowsOf(order: readonly SalonView[]): Row[] {
  const rows: Row[] = [];
  order.forEach((salon, index) => {
    if (isDirect(salon) && !(index > 0 && isDirect(order[index - 1] as SalonView))) rows.push({kind: 'section'});
    rows.push({kind: 'conversation', salon, index});
  });
  return rows;
}

/**
 * The salons, then the direct messages and groups by last activity (lists.ts), with a mark
 * for the user's state, unread and mention counts.
 */
export function SalonList({state, width, height}: {readonly state: AppState; readonly width: number; readonly height: number}) {
  const {t, c} = useTheme();
  const focused = state.focus === 'salons';
  const order = listOrder(state);
  const all = rowsOf(order);
  // Rows inside the border, less the title. The legend goes first when space runs out, then
  // the list shows a window around the chosen salon, with ↑ n / ↓ n for those out of view.
  const rows = height - 1;
  const legend = all.length + LEGEND_ROWS <= rows;
  const overflow = all.length > rows;
  const shownRows = overflow ? Math.max(1, rows - 2) : all.length;
  const chosen = focused ? cursorIndex(state) : Math.max(0, order.findIndex((s) => s.id === state.current));
  const chosenRow = Math.max(0, all.findIndex((row) => row.kind === 'conversation' && row.index === chosen));
  const first = overflow ? windowAround(chosenRow, all.length, shownRows) : 0;
  const below = all.length - first - shownRows;
  return (
    <Box flexDirection="column" width={width} flexShrink={0} borderStyle="round" borderColor={c(focused ? 'cyan' : 'gray')} paddingX={0} height={height + 2} overflow="hidden">
      <Text bold>{` ${t('salons.title')}`}</Text>
      {overflow ? <Text dimColor>{first > 0 ? ` ↑ ${first}` : ' '}</Text> : null}
      {all.slice(first, first + shownRows).map((row) => {
        if (row.kind === 'section') {
          return (
            <Text key="section:direct" bold wrap="truncate">
              {` ${t('salons.direct')}`}
            </Text>
          );
        }
        const {salon, index} = row;
        const isCurrent = salon.id === state.current;
        const count = unread(salon);
        const mark = salon.state === 'member' ? ' ' : salon.state === 'pending' ? '…' : salon.moderated ? '⊘' : '+';
        const badge = salon.mentions > 0 ? `@${salon.mentions}` : count > 0 ? String(count > 999 ? '999+' : count) : '';
        const name = `${mark}${index + 1} ${salon.name}`;
        const room = Math.max(1, width - 2 - badge.length - 1);
        return (
          <Box key={salon.id} justifyContent="space-between">
            <Text
              inverse={isCurrent}
              bold={isCurrent || count > 0}
              dimColor={salon.state !== 'member' && !isCurrent}
              underline={focused && index === chosen}
              wrap="truncate"
            >
              {truncate(name, room)}
            </Text>
            <Text color={c(salon.mentions > 0 ? 'magenta' : 'yellow')} bold>
              {badge}
            </Text>
          </Box>
        );
      })}
      {overflow ? <Text dimColor>{below > 0 ? ` ↓ ${below}` : ' '}</Text> : null}
      {legend ? (
        <Box flexDirection="column" marginTop={1}>
          <Text dimColor wrap="truncate">{`+ ${t('salons.open')}`}</Text>
          <Text dimColor wrap="truncate">{`⊘ ${t('salons.locked')}`}</Text>
          <Text dimColor wrap="truncate">{`… ${t('salons.pending')}`}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
