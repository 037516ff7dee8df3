import {Box, Text} from 'ink';
import {truncate} from '../client/format.js';
import {type AppState, unread} from '../client/state.js';
import {useTheme} from './theme.js';

/** The salons, with a mark for the user's state, unread and mention counts. */
export function SalonList({state, width}: {readonly state: AppState; readonly width: number}) {
  const {t, c} = useTheme();
  const focused = state.focus === 'salons';
  return (
    <Box flexDirection="column" width={width} flexShrink={0} borderStyle="round" borderColor={c(focused ? 'cyan' : 'gray')} paddingX={0}>
      <Text bold>{` ${t('salons.title')}`}</Text>
      {state.salons.map((salon, index) => {
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
      <Box flexDirection="column" marginTop={1}>
        <Text dimColor wrap="truncate">{`+ ${t('salons.open')}`}</Text>
        <Text dimColor wrap="truncate">{`⊘ ${t('salons.locked')}`}</Text>
        <Text dimColor wrap="truncate">{`… ${t('salons.pending')}`}</Text>
      </Box>
    </Box>
  );
}
