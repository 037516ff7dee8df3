/** The windows that take the keyboard: join, salon switcher, join requests, help, search. */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {slashCommands} from '../client/commands.js';
import {messageLines} from '../client/format.js';
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
    case 'pending':
      return (
        <Window title={t('pending.title')} width={width}>
          {state.pending.length === 0 ? <Text dimColor>{t('pending.empty')}</Text> : null}
          {state.pending.map((r, i) => (
            <Text key={`${r.username}:${r.salon}`} inverse={i === modal.index}>
              {`  ${t('pending.line', {username: r.username, alias: r.alias, salon: r.salonName})}`}
            </Text>
          ))}
        </Window>
      );
    case 'help':
      return (
        <Window title={t('help.title')} width={width}>
          <Text wrap="wrap">{t('help.keys')}</Text>
          <Box flexDirection="column" marginTop={1}>
            {slashCommands
              .filter((cmd) => !cmd.moderator || state.user?.role === 'moderator')
              .map((cmd) => (
                <Text key={cmd.name} wrap="truncate">
                  {t(cmd.help)}
                </Text>
              ))}
          </Box>
        </Window>
      );
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
