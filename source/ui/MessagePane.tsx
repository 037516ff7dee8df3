import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {type PaneLine, sanitizeLine, wrap} from '../client/format.js';
import {paneView} from '../client/pane.js';
import {type AppState, currentSalon} from '../client/state.js';
import {useTheme} from './theme.js';

function Line({line}: {readonly line: PaneLine}) {
  const {c, color} = useTheme();
  switch (line.kind) {
    case 'day':
      return <Text dimColor>{`── ${line.text} ──`}</Text>;
    case 'unread':
      return <Text color={c('red')}>{`── ${line.text} ──`}</Text>;
    case 'system':
      return <Text color={c('green')} italic>{line.text}</Text>;
    case 'continuation':
      return <Text bold={line.mention} color={c(line.mention ? 'magenta' : undefined)}>{line.text}</Text>;
    case 'message':
      return (
        <Text wrap="truncate">
          <Text dimColor>{line.time} </Text>
          <Text color={c(line.color)} bold inverse={Boolean(line.own) && !color}>
            {line.alias}
          </Text>
          <Text> </Text>
          <Text bold={line.mention || line.own} color={c(line.mention ? 'magenta' : undefined)}>
            {line.text}
          </Text>
        </Text>
      );
  }
}

/** Only the lines that fit are rendered, whatever the salon's length. */
export function MessagePane({state, width, height, now}: {readonly state: AppState; readonly width: number; readonly height: number; readonly now: number}) {
  const {t, c} = useTheme();
  const salon = currentSalon(state);
  const focused = state.focus === 'messages';
  let body: ReactNode;
  const pending = salon ? state.outbox.filter((o) => o.salonId === salon.id) : [];
  if (!salon || !state.user) body = null;
  else if (salon.state !== 'member') {
    // Wrapped here: Ink measures a box's text before its width is known.
    const text = t(salon.state === 'none' ? 'messages.notMember' : 'messages.pendingJoin', {salon: salon.name});
    body = wrap(text, width).map((part, i) => (
      <Text key={i} color={c('yellow')}>
        {part}
      </Text>
    ));
  }
  else {
    const reserved = pending.length + (salon.newBelow ? 1 : 0) + (salon.loadingOlder ? 1 : 0);
    const view = paneView(salon, Math.max(1, height - reserved), {width, me: state.user, lang: state.lang, now});
    body = (
      <>
        {salon.loadingOlder && <Text dimColor>{t('messages.loadingOlder')}</Text>}
        {view.atTop && !salon.hasOlder && salon.loaded && <Text dimColor>{t(view.lines.length ? 'messages.start' : 'messages.empty', {salon: salon.name})}</Text>}
        {view.lines.map((line) => (
          <Line key={line.key} line={line} />
        ))}
        {salon.anchor === null &&
          pending.map((o) => (
            <Text key={o.clientMsgId} dimColor wrap="truncate">
              {`… ${state.user?.alias ?? ''} ${sanitizeLine(o.text).replace(/\s+/g, ' ')}  (${o.error ? t('messages.notSent', {reason: t(o.error.key, o.error.params)}) : t('messages.sending')})`}
            </Text>
          ))}
        {salon.newBelow && <Text color={c('cyan')} bold>{t('messages.newBelow')}</Text>}
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
