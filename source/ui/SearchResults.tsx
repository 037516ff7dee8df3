/** The search results window: a cursor over results from every conversation, matches marked. */
import {Text} from 'ink';
import {type ResultLine, searchTitle, searchView} from '../client/search-view.js';
import type {AppState, SearchWindow} from '../client/state.js';
import {Window} from './Modals.js';
import {useTheme} from './theme.js';

export function SearchResults({state, modal, width, now}: {readonly state: AppState; readonly modal: SearchWindow; readonly width: number; readonly now: number}) {
  const {t, c} = useTheme();
  const view = searchView(state, modal, now);
  const count = modal.results?.length ?? 0;
  // Where the cursor stands, then whether more can come: always one row, so the window never jumps.
  const tail = modal.loadingMore ? t('search.loadingMore') : modal.hasMore ? t('search.more') : t('search.noMore');
  return (
    <Window title={searchTitle(state, modal)} width={width}>
      {modal.results === null ? <Text dimColor>{t('search.running')}</Text> : null}
      {count === 0 && modal.results !== null && !modal.error ? <Text dimColor>{t(modal.hasMore ? 'search.noneYet' : 'search.none', {query: modal.query})}</Text> : null}
      {view.lines.slice(view.first, view.first + view.rows).map((line) => (
        <Line key={line.key} line={line} selected={line.result === view.index} />
      ))}
      {modal.error ? (
        <Text color={c('red')} wrap="truncate">
          {t(modal.error.key, modal.error.params)}
        </Text>
      ) : null}
      {count === 0 && modal.results !== null ? <Text dimColor>{modal.loadingMore ? t('search.loadingMore') : modal.hasMore ? `${t('search.more')} · ${t('search.keys')}` : t('search.keys')}</Text> : null}
      {count > 0 ? (
        <Text color={c('yellow')} wrap="truncate">
          {`${t('search.position', {n: view.index + 1, count})} · ${tail} · ${t('search.keys')}`}
        </Text>
      ) : null}
    </Window>
  );
}

function Line({line, selected}: {readonly line: ResultLine; readonly selected: boolean}) {
  const {c} = useTheme();
  if (line.kind === 'head') {
    // The cursor's result: a mark in the margin (without colour too) and its head line inverse.
    return (
      <Text wrap="truncate">
        {selected ? '› ' : '  '}
        <Text inverse={selected}>
          <Text bold color={c('cyan')}>
            {line.conversation}
          </Text>
          {' · '}
          <Text color={c(line.color)}>{line.alias}</Text>
          {' · '}
          <Text dimColor={!selected}>{line.time}</Text>
        </Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate">
      {'  '}
      {(line.segments ?? []).map((segment, i) =>
        segment.match ? (
          <Text key={i} bold underline color={c('yellow')}>
            {segment.text}
          </Text>
        ) : (
          segment.text
        ),
      )}
    </Text>
  );
}
