/** The windows that take the keyboard: join, salon switcher, join requests, help, search. */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {slashCommands} from '../client/commands.js';
import {messageLines, sanitizeLine, wrap} from '../client/format.js';
import {switcherMatches} from '../client/keys.js';
import type {AppState, Modal} from '../client/state.js';
import {useTheme} from './theme.js';

function Window({title, children, width}: {readonly title: string; readonly children?: ReactNode; readonly width: number}) {
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

const titleRows = (title: string, width: number) => wrap(title, Math.max(10, width - 4)).length;

export function ModalView({state, modal, width, height}: {readonly state: AppState; readonly modal: Modal; readonly width: number; readonly height: number}) {
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
      if (action.type === 'ban') {
        return (
          <Window title={t('confirm.ban', {username: action.username})} width={width}>
            <Text>{t('confirm.banNote')}</Text>
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
      const matches = switcherMatches(state.salons.map((s) => s.name), modal.query);
      return (
        <Window title={t('switcher.title')} width={width}>
          <Text>
            {'› '}
            {modal.query}
            <Text inverse> </Text>
          </Text>
          {matches.map((name, i) => (
            <Text key={name} inverse={i === modal.index}>
              {`  ${name}`}
            </Text>
          ))}
        </Window>
      );
    }
    case 'pending': {
      // A window of the list that keeps the chosen request in view.
      const rows = Math.max(1, height - 2 - titleRows(t('pending.title'), width));
      const first = Math.max(0, Math.min(modal.index - rows + 1, state.pending.length - rows));
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
    case 'help': {
      const commands = slashCommands.filter((cmd) => !cmd.moderator || state.user?.role === 'moderator').map((cmd) => t(cmd.help));
      // Commands first: they are what /help is opened for; the key list fills what is left.
      const keys = t('help.keys').split('\n').flatMap((line) => wrap(line, width - 4));
      const room = Math.max(0, height - 2 - titleRows(t('help.title'), width) - commands.length - 1);
      return (
        <Window title={t('help.title')} width={width}>
          {commands.map((line) => (
            <Text key={line} wrap="truncate">
              {line}
            </Text>
          ))}
          {room > 0 ? <Text> </Text> : null}
          {keys.slice(0, room).map((line, i) => (
            <Text key={i} wrap="truncate">
              {line}
            </Text>
          ))}
        </Window>
      );
    }
    case 'search': {
      const salon = state.salons.find((s) => s.id === state.current);
      const lines = (modal.results ?? []).flatMap((m) => messageLines(m, width - 4, state.user ?? {username: '', alias: ''}));
      return (
        <Window title={t('search.title', {query: modal.query, salon: salon?.name ?? ''})} width={width}>
          {modal.results === null ? <Text dimColor>{t('search.running')}</Text> : null}
          {modal.error ? <Text color={c('red')}>{t(modal.error.key, modal.error.params)}</Text> : null}
          {modal.results?.length === 0 && !modal.error ? <Text dimColor>{t('search.none', {query: modal.query})}</Text> : null}
          {lines.slice(0, Math.max(1, height - 4)).map((line) => (
            <Text key={line.key} wrap="truncate">
              {line.time ? <Text dimColor>{`${line.time} `}</Text> : null}
              {line.alias ? <Text bold>{`${line.alias} `}</Text> : null}
              {line.text}
            </Text>
          ))}
        </Window>
      );
    }
  }
}
