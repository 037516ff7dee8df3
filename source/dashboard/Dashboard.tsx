/**
 * The dashboard's screen: a tab bar, the panels (the focused one alone on a small terminal,
 * all six in a grid on a large one) and a status line that is also the command prompt.
 * It renders the controller's state and hands keys to it; the controller does the rest.
 */
import {Box, Text, useInput, useStdout} from 'ink';
import {useEffect, useSyncExternalStore} from 'react';
import type {Translate} from '../i18n/index.js';
import {type Segment, StyledLine} from '../ui/StyledLine.js';
import type {DashboardController} from './controller.js';
import {command} from './keys.js';
import {type Line, panelContent} from './rows.js';
import {type DashboardState, PANELS, type PanelId, isGrid, listWindow} from './state.js';

export interface DashboardProps {
  readonly controller: DashboardController;
  readonly t: Translate;
  readonly color?: boolean;
  /** Follow the terminal's size (off in tests, which give the size to the controller). */
  readonly followSize?: boolean;
}

export function Dashboard({controller, t, color = true, followSize = true}: DashboardProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const {stdout} = useStdout();

  useInput((input, key) => {
    const cmd = command(input, key, controller.getState());
    if (cmd) void controller.run(cmd);
  });

  useEffect(() => {
    if (!followSize) return;
    const resize = () => controller.dispatch({type: 'resize', columns: stdout.columns || 80, rows: stdout.rows || 24});
    resize();
    stdout.on('resize', resize);
    return () => void stdout.off('resize', resize);
  }, [controller, stdout, followSize]);

  const paint = (segments: readonly Segment[]): Segment[] => (color ? [...segments] : segments.map(({color: _, ...s}) => s));
  const body = state.rows - 2;
  return (
    <Box flexDirection="column" width={state.columns} height={state.rows}>
      <StyledLine segments={paint(tabBar(state, t))} width={state.columns} />
      {isGrid(state) ? (
        <Box flexDirection="row" height={body}>
          {[PANELS.slice(0, 3), PANELS.slice(3)].map((column, i) => (
            <Box key={i} flexDirection="column" width={Math.floor(state.columns / 2) + (i === 1 ? state.columns % 2 : 0)}>
              {column.map((panel, j) => (
                <Panel key={panel} panel={panel} state={state} t={t} color={color} width={Math.floor(state.columns / 2) + (i === 1 ? state.columns % 2 : 0)} height={Math.floor(body / 3) + (j === 2 ? body % 3 : 0)} />
              ))}
            </Box>
          ))}
        </Box>
      ) : (
        <Panel panel={state.focus} state={state} t={t} color={color} width={state.columns} height={body} />
      )}
      <StyledLine segments={paint(statusLine(state, t))} width={state.columns} />
    </Box>
  );
}

interface PanelProps {
  readonly panel: PanelId;
  readonly state: DashboardState;
  readonly t: Translate;
  readonly color: boolean;
  readonly width: number;
  readonly height: number;
}

/** One panel in a box: its title, its column header, and the rows that fit around the cursor. */
function Panel({panel, state, t, color, width, height}: PanelProps) {
  const focused = state.focus === panel;
  const inner = Math.max(1, width - 4);
  const content = panelContent(panel, state, t, inner);
  const room = Math.max(1, height - 3 - (content.header ? 1 : 0) - (content.footer ? 1 : 0));
  const cursor = state.cursor[panel];
  const {start, end} = listWindow(content.rows.length, cursor, room);
  const title: Line = [
    {text: `${PANELS.indexOf(panel) + 1} ${t(`dashboard.tab.${panel}`)}`, bold: true, color: focused ? 'yellow' : undefined},
    {text: content.rows.length > room ? `  ${start + 1}-${end}/${content.rows.length}` : '', dim: true},
  ];
  const strip = (line: Line): Segment[] => (color ? [...line] : line.map(({color: _, ...s}) => s));
  return (
    <Box flexDirection="column" borderStyle={focused ? 'double' : 'round'} borderColor={color ? (focused ? 'yellow' : 'gray') : undefined} paddingX={1} width={width} height={height}>
      <StyledLine segments={strip(title)} width={inner} />
      {content.header ? <StyledLine segments={strip(content.header)} width={inner} /> : null}
      {content.rows.length === 0 ? (
        <Text dimColor wrap="truncate">
          {content.empty}
        </Text>
      ) : (
        content.rows.slice(start, end).map((line, i) => {
          // The selected row of the focused panel is drawn inverse, with or without colours.
          const selected = focused && panel !== 'console' && start + i === cursor;
          return <StyledLine key={start + i} segments={strip(selected ? line.map((s) => ({...s, inverse: true})) : line)} width={inner} />;
        })
      )}
      {content.footer ? (
        <Text color={color ? 'yellow' : undefined} wrap="truncate">
          {content.footer}
        </Text>
      ) : null}
    </Box>
  );
}

function tabBar(state: DashboardState, t: Translate): Segment[] {
  const counts: Partial<Record<PanelId, number>> = {sessions: state.sessions.rows.length, pending: state.pending.length};
  const segments: Segment[] = [];
  for (const [i, panel] of PANELS.entries()) {
    const focused = state.focus === panel;
    const count = counts[panel];
    segments.push({text: ` ${i + 1} ${t(`dashboard.tab.${panel}`)}${count === undefined ? '' : ` ${count}`} `, inverse: focused, bold: focused, color: panel === 'pending' && (count ?? 0) > 0 ? 'magenta' : undefined});
  }
  return segments;
}

function statusLine(state: DashboardState, t: Translate): Segment[] {
  const c = state.confirm;
  // The answer keys come first: a long question is cut at the right, never them.
  const ask = (text: string, color: string): Segment[] => [{text: ` ${t('dashboard.yesNo')} `, inverse: true, bold: true}, {text: ` ${text}`, color, bold: true}];
  if (c?.kind === 'disconnect') return ask(t('dashboard.confirm.disconnect', {username: c.session.username, address: c.session.address, node: c.session.nodeName}), 'yellow');
  if (c?.kind === 'unblock') return ask(t('dashboard.confirm.unblock', {username: c.username}), 'yellow');
  if (c?.kind === 'stop') return ask(t('dashboard.confirm.stop'), 'red');
  if (state.prompt !== null) {
    // The end of a long line stays in view, as in a shell.
    const room = Math.max(1, state.columns - 3);
    const shown = [...state.prompt].slice(-room).join('');
    return [{text: ': ', bold: true}, {text: shown}, {text: ' ', inverse: true}, {text: shown ? '' : `  ${t('dashboard.hints.prompt')}`, dim: true}];
  }
  if (state.flash) return [{text: state.flash, color: 'yellow'}];
  const hints = state.focus === 'sessions' || state.focus === 'pending' || state.focus === 'blocks' ? t(`dashboard.hints.${state.focus}`) : t('dashboard.hints.other');
  return [{text: hints, dim: true}];
}
