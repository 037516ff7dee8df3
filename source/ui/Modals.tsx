/** The windows that take the keyboard: join, salon switcher, join requests, help, search, blocks. */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {sanitizeLine} from '../client/format.js';
import {isDirect, listOrder, switcherMatches} from '../client/lists.js';
import type {AppState, Modal} from '../client/state.js';
import {type Scrolled, bodyRows, helpLines, scrolled, windowAround, windowTitle} from '../client/windows.js';
import {BlocksWindow} from './BlocksWindow.js';
import {ReactPicker} from './ReactPicker.js';
import {SearchResults} from './SearchResults.js';
import {useTheme} from './theme.js';

export function Window({title, children, width}: {readonly title: string; readonly children?: ReactNode; readonly width: number}) {
  const {c} = useTheme();
  return (
    <Box flexDirection="column" borderStyle="double" borderColor={c('yellow')} paddingX={1} width={width}>
      <Text bold color={c('yellow')} wrap="wrap">
        {title}
      </Text>
      {children}
    </Box>
  );
}

export function ModalView({state, modal, width, height, now = Date.now()}: {readonly state: AppState; readonly modal: Modal; readonly width: number; readonly height: number; readonly now?: number}) {
  const {t, c} = useTheme();
  const salonName = (id: number) => state.salons.find((s) => s.id === id)?.name ?? String(id);
  switch (modal.kind) {
    case 'join': {
      const salon = state.salons.find((s) => s.id === modal.salonId);
      return (
        <Window title={t('join.question', {salon: salonName(modal.salonId)})} width={width}>
          {salon?.moderated ? <Text>{t('join.moderatedNote')}</Text> : null}
        </Window>
      );
    }
    case 'confirm': {
      const action = modal.action;
      if (action.type === 'delete') {
        return (
          <Window title={t('confirm.delete')} width={width}>
            <Text>{t('confirm.deleteNote')}</Text>
          </Window>
        );
      }
      if (action.type === 'ban') {
        return (
          <Window title={t('confirm.ban', {username: action.username})} width={width}>
            <Text>{t('confirm.banNote')}</Text>
            {action.reason ? <Text wrap="wrap">{t('confirm.banReason', {reason: action.reason})}</Text> : null}
          </Window>
        );
      }
      // The start of the text, so that a slip shows for what it is.
      const preview = action.text.split('\n').slice(0, Math.max(1, Math.min(5, height - 6)));
      return (
        <Window title={t('confirm.send', {lines: action.lines, chars: action.chars, salon: salonName(action.salonId)})} width={width}>
          {preview.map((line, i) => (
            <Text key={i} dimColor wrap="truncate">
              {`  ${sanitizeLine(line)}`}
            </Text>
          ))}
          <Text>{t('confirm.sendNote')}</Text>
        </Window>
      );
    }
    case 'switcher': {
      const matches = switcherMatches(listOrder(state), modal.query, state.user?.username);
      const rows = Math.max(1, bodyRows(state, t('switcher.title')) - 1);
      const first = windowAround(modal.index, matches.length, rows);
      return (
        <Window title={t('switcher.title')} width={width}>
          <Text>
            {'› '}
            {modal.query}
            <Text inverse> </Text>
          </Text>
          {matches.slice(first, first + rows).map((salon, i) => (
            <Text key={salon.id} inverse={first + i === modal.index} wrap="truncate">
              {`  ${salon.name}`}
              {isDirect(salon) ? <Text dimColor>{`  · ${t('salons.direct')}`}</Text> : null}
            </Text>
          ))}
        </Window>
      );
    }
    case 'pending': {
      // A window of the list that keeps the chosen request in view.
      const rows = Math.max(1, bodyRows(state, t('pending.title')));
      const first = windowAround(modal.index, state.pending.length, rows);
      return (
        <Window title={t('pending.title')} width={width}>
          {state.pending.length === 0 ? <Text dimColor>{t('pending.empty')}</Text> : null}
          {state.pending.slice(first, first + rows).map((r, i) => (
            <Text key={`${r.username}:${r.salon}`} inverse={first + i === modal.index} wrap="truncate">
              {`  ${t('pending.line', {username: r.username, alias: r.alias, salon: r.salonName})}`}
            </Text>
          ))}
        </Window>
      );
    }
    case 'react':
      return <ReactPicker state={state} modal={modal} width={width} height={height} />;
    case 'help': {
      const title = windowTitle(state, modal);
      const view = scrolled(helpLines(state), bodyRows(state, title), modal.offset ?? 0);
      return (
        <Window title={title} width={width}>
          {view.shown.map((line, i) => (
            <Text key={i} wrap="truncate">
              {line || ' '}
            </Text>
          ))}
          <Position position={view.position} />
        </Window>
      );
    }
    case 'search':
      return <SearchResults state={state} modal={modal} width={width} now={now} />;
    case 'blocks':
      return <BlocksWindow state={state} modal={modal} width={width} />;
  }
}

/** Where a scrolled window stands, and how to move it. */
function Position({position}: {readonly position: Scrolled<unknown>['position']}) {
  const {t, c} = useTheme();
  if (!position) return null;
  return (
    <Text color={c('yellow')} wrap="truncate">
      {t('window.position', position)}
    </Text>
  );
}
