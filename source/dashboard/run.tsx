/**
 * Puts the dashboard on the operator's terminal in place of the line prompt: the alternate
 * screen (as the client does), Ink in raw mode, and the terminal restored when it closes,
 * so that the server's last words (stopping, stopped) are printed on the normal screen.
 */
import {writeSync} from 'node:fs';
import {render} from 'ink';
import type {Notice} from '../server/notices.js';
import {DashboardController, type DashboardDeps} from './controller.js';
import {Dashboard} from './Dashboard.js';

const ALT_SCREEN_ON = '\u001b[?1049h\u001b[H';
const ALT_SCREEN_OFF = '\u001b[?1049l';

export interface DashboardHandle {
  notice(notice: Notice): void;
  /** Unmounts and gives the terminal back; idempotent. */
  close(): void;
}

export function openDashboard(deps: DashboardDeps & {color: boolean}): DashboardHandle {
  const {stdout} = process;
  const controller = new DashboardController({...deps, columns: stdout.columns || 80, rows: stdout.rows || 24});
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    writeSync(stdout.fd, ALT_SCREEN_OFF);
  };
  stdout.write(ALT_SCREEN_ON);
  // However the process ends, a crash included, the operator's terminal comes back.
  process.once('exit', restore);
  // The line prompt's readline paused stdin when it closed; Ink only adds a 'readable'
  // listener, which does not start a paused TTY reading again (keys never arrived).
  process.stdin.resume();
  const instance = render(<Dashboard controller={controller} t={deps.t} color={deps.color} />, {exitOnCtrlC: false});
  void controller.start();
  let closed = false;
  return {
    notice: (notice) => controller.notice(notice),
    close() {
      if (closed) return;
      closed = true;
      controller.stop();
      instance.unmount();
      restore();
      process.off('exit', restore);
    },
  };
}
