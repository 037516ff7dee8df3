import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {type PaneLine, sanitizeLine, wrap} from '../client/format.js';
import {paneView, viewport} from '../client/pane.js';
import {type AppState, currentSalon} from '../client/state.js';
import {InfoLines} from './ChangeLines.js';
import {StyledLine} from './StyledLine.js';
import {useTheme} from './theme.js';

// Every line is cut, never wrapped: the pane counted one row per line (client/pane.ts).
function Line({line, width}: {readonly line: PaneLine; readonly width: number}) {
  const {c, color} = useTheme();
  switch (line.kind) {
    case 'start':
      return <StyledLine width={width} segments={[{text: line.text, dim: true}]} />;
    case 'day':
      return <StyledLine width={width} segments={[{text: `── ${line.text} ──`, dim: true}]} />;
    case 'unread':
      return <StyledLine width={width} segments={[{text: `── ${line.text} ──`, color: c('red')}]} />;
    case 'system':
      return <StyledLine width={width} segments={[{text: line.text, color: c('green'), italic: true, inverse: line.selected}]} />;
    case 'reply':
      return <StyledLine width={width} segments={[{text: line.text, dim: true, inverse: line.selected}]} />;
    case 'reactions':
      // The user's own reactions highlighted (inverse where there is no colour).
      return (
        <StyledLine
          width={width}
          segments={[
            {text: line.text, inverse: line.selected},
            ...(line.reactions ?? []).map((r) =>
              r.mine ? {text: r.text, color: c('cyan'), bold: true, inverse: line.selected ? true : !color} : {text: r.text, inverse: line.selected},
            ),
          ]}
        />
      );
    case 'continuation':
      return (
        <StyledLine
          width={width}
          segments={[
            {text: line.text, bold: line.mention, color: c(line.mention ? 'magenta' : undefined), inverse: line.selected, dim: line.deleted, italic: line.deleted},
            ...(line.edited ? [{text: line.edited, dim: true, inverse: line.selected}] : []),
          ]}
        />
      );
    case 'message':
      return (
        <StyledLine
          width={width}
          segments={[
            {text: `${line.time} `, dim: true, inverse: line.selected},
            {text: line.alias ?? '', color: c(line.color), bold: true, inverse: line.selected || (Boolean(line.own) && !color)},
            {text: ' ', inverse: line.selected},
            {text: line.text, bold: line.mention || line.own, color: c(line.mention ? 'magenta' : undefined), inverse: line.selected, dim: line.deleted, italic: line.deleted},
            ...(line.edited ? [{text: line.edited, dim: true, inverse: line.selected}] : []),
          ]}
        />
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
          <Line key={line.key} line={line} width={width} />
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
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor={c(focused ? 'cyan' : 'gray')} paddingX={0} height={height + 2} overflowY="hidden">
      <Box flexDirection="column" justifyContent="flex-end" flexGrow={1}>
        {body}
      </Box>
    </Box>
  );
}
