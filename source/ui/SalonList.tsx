import {Box, Text} from 'ink';
import {truncate} from '../client/format.js';
import {type AppState, unread} from '../client/state.js';
import {windowAround} from '../client/windows.js';
import {useTheme} from './theme.js';

/** The blank line and three lines of the legend. */
const LEGEND_ROWS = 4;

/** The salons, with a mark for the user's state, unread and mention counts. */
export function SalonList({state, width, height}: {readonly state: AppState; readonly width: number; readonly height: number}) {
  const {t, c} = useTheme();
  const focused = state.focus === 'salons';
  // Rows inside the border, less the title. The legend goes first when space runs out, then
  // the list shows a window around the chosen salon, with ↑ n / ↓ n for those out of view.
  const rows = height - 1;
  const legend = state.salons.length + LEGEND_ROWS <= rows;
  const overflow = state.salons.length > rows;
  const shownRows = overflow ? Math.max(1, rows - 2) : state.salons.length;
  const chosen = focused ? state.cursor : Math.max(0, state.salons.findIndex((s) => s.id === state.current));
  const first = overflow ? windowAround(chosen, state.salons.length, shownRows) : 0;
  const below = state.salons.length - first - shownRows;
  return (
    <Box flexDirection="column" width={width} flexShrink={0} borderStyle="round" borderColor={c(focused ? 'cyan' : 'gray')} paddingX={0} height={height + 2} overflow="hidden">
      <Text bold>{` ${t('salons.title')}`}</Text>
      {overflow ? <Text dimColor>{first > 0 ? ` ↑ ${first}` : ' '}</Text> : null}
      {state.salons.slice(first, first + shownRows).map((salon, i) => {
        const index = first + i;
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
              underline={focused && index === state.cursor}
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
