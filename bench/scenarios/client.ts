/**
 * client: what the terminal client costs while a salon is busy. The real `chat` binary runs
 * in a real pseudo-terminal (tmux, 80x24 by default), signs in with the keyboard as the
 * last account, and looks at Général (or, with --background, at a quiet salon while
 * Général is busy: unread counting only). The load process's senders then send --rate
 * msgs/s into Général for --duration seconds. Reported: the client's CPU, its peak RSS,
 * its RSS once the traffic is over and after --quiet seconds more, and the frames it drew.
 */
import type {Result} from '../report.js';
import {BENCH_PASSWORD} from '../seed.js';
import {usernameOf} from '../layout.js';
import {Sampler} from '../server-process.js';
import type {Session} from '../session.js';
import {ClientTerminal} from '../terminal.js';
import type {Scenario} from './scenario.js';
import {runTraffic, trafficFields} from './traffic.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
/** The quiet salon the client looks at with --background (the account is made a member). */
const QUIET_SALON = 2;

/** The account the terminal signs in as: the last one, never a sender. */
const chatAccount = (session: Session) => session.opts.clients - 1;

/** The text of the last message sent (round-robin over the senders, layout.ts messageText). */
function lastText(sent: number, senders: number): string {
  const k = sent - 1;
  return `${k % senders}:${Math.floor(k / senders) + 1}:`;
}

export const client: Scenario = {
  layout: 'general',
  async seed(session) {
    await session.db.run('INSERT INTO salons_adheres (username, salon_id) VALUES (?, ?)', [usernameOf(chatAccount(session)), QUIET_SALON]);
  },
  async measure(session) {
    const {opts} = session;
    const server = session.server;
    if (!server) throw new Error('no server');
    const term = await ClientTerminal.open({port: server.port, user: usernameOf(chatAccount(session)), columns: opts.columns, rows: opts.rows, heapMB: opts.clientHeap, workDir: session.db.workDir});
    session.cleanups.push(() => term.close());
    session.progress(`chat client in tmux (${opts.columns}x${opts.rows}${opts.clientHeap ? `, --max-old-space-size=${opts.clientHeap}` : ''}): signing in`);
    await term.waitFor(/Password/);
    await term.type(BENCH_PASSWORD);
    await term.press('Enter');
    await term.waitFor(/● connected/);
    if (opts.background) {
      await term.press('M-2');
      await term.waitFor(/No messages yet/);
    }
    const pid = await term.pid();
    const tmuxPid = Number((await term.tmux('display-message', '-p', '#{pid}')).stdout.trim());
    session.progress(`chat client pid ${pid}`);
    const sampler = new Sampler(pid);
    const tmuxSampler = new Sampler(tmuxPid);
    await term.countFrames();
    // Settled: the first page drawn, the read marker sent.
    await sleep(1000);
    // Frames drawn in a second with nothing happening (a clock, a spinner would show here).
    const idleFrames = term.frames;
    await sleep(1000);
    const idleFramesPerSec = term.frames - idleFrames;

    session.progress(`sending ${opts.rate} msgs/s into Général for ${opts.duration} s; the client ${opts.background ? 'looks at another salon' : 'looks at Général'}`);
    const before = sampler.take();
    const framesBefore = term.frames;
    const bytesBefore = term.bytes;
    const report = await runTraffic(session, opts.senders, opts.rate, opts.duration);
    const trafficEnd = Math.max(report.sendEndAt, report.lastDeliveryAt);
    const frames = term.frames - framesBefore;
    const bytes = term.bytes - bytesBefore;
    const afterTraffic = sampler.take();
    session.progress(`traffic over; quiet for ${opts.quiet} s`);
    await sleep(opts.quiet * 1000);
    const final = sampler.take();
    const sent = report.acknowledged;
    // What a user would see: the newest message on screen, or Général's unread count (the
    // client draws what the network brings a few times a second: given 5 s to show it).
    const expected = opts.background ? new RegExp(`Général\\s+${sent > 999 ? '999\\+' : sent}(?!\\d)`) : new RegExp(`\\b${lastText(sent, opts.senders)}`);
    const shown = sent > 0 && (await term.waitFor(expected, 5000).then(() => true, () => false));
    const alive = !(await term.dead());
    const screen = await term.screen().catch(() => '');
    sampler.stop();
    tmuxSampler.stop();

    const fields = trafficFields(session, report, opts.rate);
    const during = sampler.usage(report.firstSendAt, trafficEnd);
    const tmux = tmuxSampler.usage(report.firstSendAt, trafficEnd);
    const seconds = (trafficEnd - report.firstSendAt) / 1000;
    if (!alive) session.warn(`the chat client died; its last screen:\n${screen.trimEnd().split('\n').slice(-8).join('\n')}`);
    else if (!shown) session.warn(`the chat client's screen does not show ${opts.background ? `an unread count of ${sent} for Général` : `the last message (${lastText(sent, opts.senders)}…)`}:\n${screen}`);
    await term.close();
    const result: Partial<Result> = {
      ...fields,
      ...(fields.otherCpuPercent === undefined ? {} : {otherCpuPercent: Math.max(0, Math.round((fields.otherCpuPercent - during.cpuPercent - tmux.cpuPercent) * 10) / 10)}),
      client: {
        mode: opts.background ? 'background' : 'current',
        columns: opts.columns,
        rows: opts.rows,
        heapMB: opts.clientHeap,
        received: sent,
        cpuPercent: during.cpuPercent,
        peakCpuPercent: during.peakCpuPercent,
        rssBeforeMB: mb(before?.rssKB ?? 0),
        peakRssMB: mb(Math.max(0, ...sampler.samples.map((s) => s.rssKB))),
        rssAfterTrafficMB: mb(afterTraffic?.rssKB ?? 0),
        finalRssMB: mb(final?.rssKB ?? 0),
        quietS: opts.quiet,
        frames,
        framesPerSec: seconds > 0 ? Math.round((frames / seconds) * 10) / 10 : 0,
        idleFramesPerSec,
        kBPerSec: seconds > 0 ? Math.round(bytes / 1024 / seconds) : 0,
        tmuxCpuPercent: tmux.cpuPercent,
        alive,
        shown,
      },
    };
    return result;
  },
};
