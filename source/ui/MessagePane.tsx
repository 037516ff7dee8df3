import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {type PaneLine, sanitizeLine, wrap} from '../client/format.js';
import {paneView, viewport} from '../client/pane.js';
import {type AppState, currentSalon} from '../client/state.js';
import {ChangeLine, InfoLines} from './ChangeLines.js';
import {useTheme} from './theme.js';

// Every line is cut, never wrapped: the pane counted one row per line (client/pane.ts).
function Line({line}: {readonly line: PaneLine}) {
  const {c, color} = useTheme();
  switch (line.kind) {
    case 'start':
      return <Text dimColor wrap="truncate">{line.text}</Text>;
    case 'day':
      return <Text dimColor wrap="truncate">{`── ${line.text} ──`}</Text>;
    case 'unread':
      return <Text color={c('red')} wrap="truncate">{`── ${line.text} ──`}</Text>;
    case 'system':
      return <Text color={c('green')} italic wrap="truncate">{line.text}</Text>;
    case 'reply':
    case 'reactions':
      return <ChangeLine line={line} />;
    case 'continuation':
      return (
        <Text bold={line.mention} color={c(line.mention ? 'magenta' : undefined)} inverse={line.selected} dimColor={line.deleted} italic={line.deleted} wrap="truncate">
          {line.text}
          {line.edited ? <Text dimColor>{line.edited}</Text> : null}
        </Text>
      );
    case 'message':
      return (
        <Text wrap="truncate" inverse={line.selected}>
          <Text dimColor>{line.time} </Text>
          <Text color={c(line.color)} bold inverse={Boolean(line.own) && !color && !line.selected}>
            {line.alias}
          </Text>
          <Text> </Text>
          <Text bold={line.mention || line.own} color={c(line.mention ? 'magenta' : undefined)} dimColor={line.deleted} italic={line.deleted}>
            {line.text}
          </Text>
          {line.edited ? <Text dimColor>{line.edited}</Text> : null}
        </Text>
      );
  }
}

/** Only the lines that fit are rendered, whatever the salon's length. */
export function MessagePane({state, height, now}: {readonly state: AppState; readonly height: number; readonly now: number}) {
  const {t, c} = useTheme();
  const salon = currentSalon(state);
  const focused = state.focus === 'messages';
  let body: ReactNode;
  if (!salon || !state.user) body = null;
  else if (salon.state !== 'member') {
    // Wrapped here: Ink measures a box's text before its width is known.
    const text = t(salon.state === 'none' ? 'messages.notMember' : 'messages.pendingJoin', {salon: salon.name});
    body = wrap(text, viewport(state, salon).width).map((part, i) => (
      <Text key={i} color={c('yellow')}>
        {part}
      </Text>
    ));
  } else {
    const {width, rows} = viewport(state, salon);
    const selected = state.selected?.salonId === salon.id ? state.selected.key : undefined;
    const view = paneView(salon, rows.messages, {width, me: state.user, lang: state.lang, now, selected});
    const empty = salon.loaded && !salon.hasOlder && view.lines.length === 0;
    body = (
      <>
        {salon.loadingOlder && <Text dimColor>{t('messages.loadingOlder')}</Text>}
        {empty && <Text dimColor>{t('messages.empty')}</Text>}
        {view.lines.map((line) => (
          <Line key={line.key} line={line} />
        ))}
        {rows.pending.map((o) => (
          <Text key={o.clientMsgId} dimColor wrap="truncate">
            {`… ${state.user?.alias ?? ''} ${sanitizeLine(o.text).replace(/\s+/g, ' ')}  (${o.error ? t('messages.notSent', {reason: t(o.error.key, o.error.params)}) : t('messages.sending')})`}
          </Text>
        ))}
        {salon.loadingNewer && <Text dimColor wrap="truncate">{t('messages.loadingNewer')}</Text>}
        {rows.morePending > 0 && <Text dimColor wrap="truncate">{t('messages.morePending', {count: rows.morePending})}</Text>}
        {salon.newBelow && <Text color={c('cyan')} bold wrap="truncate">{t('messages.newBelow')}</Text>}
        <InfoLines state={state} salonId={salon.id} />
      </>
    );
  }
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor={c(focused ? 'cyan' : 'gray')} paddingX={0} height={height + 2} overflow="hidden">
      <Box flexDirection="column" justifyContent="flex-end" flexGrow={1}>
        {body}
      </Box>
    </Box>
  );
}
