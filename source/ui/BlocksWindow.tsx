/**
 * The moderators' blocks window (Alt+K, /blocks): one row per kick or ban (name, kind, time
 * left counting down, reason), the chosen one told in full under the list, and the y/n
 * question when lifting one.
 */
import {Text} from 'ink';
import {blockRows, shownBlocks} from '../client/blocks.js';
import {wrap} from '../client/format.js';
import type {AppState, BlocksWindow as BlocksModal} from '../client/state.js';
import {bodyRows, windowAround} from '../client/windows.js';
import {Window} from './Modals.js';
import {useTheme} from './theme.js';

/** Lines under the list for the chosen block: what it is, then its reason. */
const DETAIL_ROWS = 3;
/** Usernames are at most 32 characters; a longer column would starve the reasons. */
const NAME_COLUMN_MAX = 16;

export function BlocksWindow({state, modal, width}: {readonly state: AppState; readonly modal: BlocksModal; readonly width: number}) {
  const {t, c} = useTheme();
  const title = t('blocks.title');
  const rows = blockRows(modal, state.lang);
  const index = Math.max(0, Math.min(rows.length - 1, modal.index));
  const chosen = rows[index];
  const textWidth = Math.max(10, width - 4);
  // The list takes what the title, the detail lines and an error leave.
  const listRows = Math.max(1, bodyRows(state, title) - DETAIL_ROWS - (modal.error ? 1 : 0));
  const first = windowAround(index, rows.length, listRows);
  const nameWidth = Math.min(NAME_COLUMN_MAX, Math.max(0, ...rows.map((r) => r.username.length)));
  const kindWidth = Math.max(0, ...rows.map((r) => r.kind.length));
  const leftWidth = Math.max(0, ...rows.map((r) => r.left.length));
  const blocks = shownBlocks(modal);
  const lifting = (modal.blocks ?? []).find((b) => b.username === modal.confirm);
  const detail = chosen
    ? [
        chosen.until ? t('blocks.kickedUntil', {username: chosen.username, time: chosen.until}) : t('blocks.bannedFor', {username: chosen.username}),
        ...wrap(chosen.reason ? t('blocks.reason', {reason: chosen.reason}) : t('blocks.noReason'), textWidth).slice(0, DETAIL_ROWS - 1),
      ]
    : [];
  return (
    <Window title={title} width={width}>
      {modal.blocks === null ? <Text dimColor>{t('blocks.loading')}</Text> : null}
      {modal.blocks !== null && rows.length === 0 ? <Text dimColor>{t('blocks.empty')}</Text> : null}
      {rows.slice(first, first + listRows).map((row, i) => {
        const selected = first + i === index;
        const name = row.username.length > nameWidth ? `${row.username.slice(0, nameWidth - 1)}…` : row.username.padEnd(nameWidth);
        return (
          <Text key={row.username} wrap="truncate">
            {selected ? '› ' : '  '}
            <Text inverse={selected}>
              <Text bold>{name}</Text>
              {'  '}
              <Text color={c(blocks[first + i]?.kind === 'ban' ? 'red' : 'yellow')}>{row.kind.padEnd(kindWidth)}</Text>
              {'  '}
              {row.left.padStart(leftWidth)}
            </Text>
            {row.reason ? <Text dimColor>{`  ${row.reason}`}</Text> : null}
          </Text>
        );
      })}
      {modal.error ? (
        <Text color={c('red')} wrap="truncate">
          {t(modal.error.key, modal.error.params)}
        </Text>
      ) : null}
      {modal.confirm !== undefined ? (
        <Text bold color={c('yellow')} wrap="wrap">
          {t(lifting?.kind === 'ban' ? 'blocks.confirmBan' : 'blocks.confirmKick', {username: modal.confirm})}
        </Text>
      ) : (
        detail.map((line, i) => (
          <Text key={i} dimColor={i > 0} wrap="truncate">
            {line}
          </Text>
        ))
      )}
    </Window>
  );
}
