/**
 * Desktop notifications (client/notify.ts, client/on-mention.ts): the exact bytes written for
 * each terminal and multiplexer, texts from other people flattened so that none can write a
 * sequence of its own, and the --on-mention command: bounded, no shell, failures told once.
 */
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {clientTranslator} from '../../source/i18n/client.js';
import {
  type Alert,
  type NotifyPlan,
  BODY_MAX,
  Notifier,
  SCREEN_MAX_BYTES,
  TITLE_MAX,
  alertOf,
  notificationBytes,
  notificationText,
  parseNotifyChoice,
  planNotifications,
  wrapFor,
} from '../../source/client/notify.js';
import {CommandRunner, splitCommand} from '../../source/client/on-mention.js';
import {reducer} from '../../source/client/reducer.js';
import {type AppState, type Notice, initialState} from '../../source/client/state.js';
import type {Event, SalonInfo} from '../../source/protocol/frames.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;
const plan = (p: Partial<NotifyPlan>): NotifyPlan => ({mode: 'osc', kind: 'osc777', mux: null, bellToo: false, ...p});

/** No C0, DEL or C1 code point: nothing a terminal could read as the start or end of a sequence. */
const controlFree = (s: string) => !/[\u0000-\u001f\u007f-\u009f]/u.test(s);

// ---- the sequences, byte for byte --------------------------------------------------------

test('OSC 777 by default: notify, the title, the body, ended by BEL', (t) => {
  t.is(notificationBytes(plan({}), 'Général', 'Bob: hi @alice', 'chat1'), `${ESC}]777;notify;Général;Bob: hi @alice${BEL}`);
});

test('OSC 777: a semicolon in the title cannot start the body; one in the body stays', (t) => {
  t.is(notificationBytes(plan({}), 'a;b', 'Bob: x;y', 'chat1'), `${ESC}]777;notify;a\uff1bb;Bob: x;y${BEL}`);
});

test('OSC 9 (iTerm2, WezTerm, Ghostty): one text, the conversation first', (t) => {
  t.is(notificationBytes(plan({kind: 'osc9'}), 'Général', 'Bob: hi', 'chat1'), `${ESC}]9;[Général] Bob: hi${BEL}`);
});

test("OSC 99 (kitty): the title then the body of one notification, i= the same, d=0 then d=1, ended by ST", (t) => {
  t.is(notificationBytes(plan({kind: 'osc99'}), 'Général', 'Bob: hi', 'chat7'), `${ESC}]99;i=chat7:d=0:p=title;Général${ST}${ESC}]99;i=chat7:d=1:p=body;Bob: hi${ST}`);
});

test('the bell, nothing when off, and the bell after the OSC for a terminal not recognised', (t) => {
  t.is(notificationBytes(plan({mode: 'bell'}), 'T', 'B', 'chat1'), BEL);
  t.is(notificationBytes(plan({mode: 'off'}), 'T', 'B', 'chat1'), '');
  t.is(notificationBytes(plan({bellToo: true}), 'T', 'B', 'chat1'), `${ESC}]777;notify;T;B${BEL}${BEL}`);
  t.is(notificationBytes(plan({mode: 'bell', mux: 'tmux'}), 'T', 'B', 'chat1'), BEL, 'tmux passes a bell on by itself');
});

test('tmux: ESC P tmux; with every ESC of the sequence doubled, then ST', (t) => {
  t.is(notificationBytes(plan({mux: 'tmux'}), 'T', 'B', 'chat1'), `${ESC}Ptmux;${ESC}${ESC}]777;notify;T;B${BEL}${ST}`);
  t.is(notificationBytes(plan({mux: 'tmux', kind: 'osc9'}), 'T', 'B', 'chat1'), `${ESC}Ptmux;${ESC}${ESC}]9;[T] B${BEL}${ST}`);
  t.is(
    notificationBytes(plan({mux: 'tmux', kind: 'osc99'}), 'T', 'B', 'chat1'),
    `${ESC}Ptmux;${ESC}${ESC}]99;i=chat1:d=0:p=title;T${ESC}${ESC}\\${ST}${ESC}Ptmux;${ESC}${ESC}]99;i=chat1:d=1:p=body;B${ESC}${ESC}\\${ST}`,
  );
  t.is(notificationBytes(plan({mux: 'tmux', bellToo: true}), 'T', 'B', 'chat1'), `${ESC}Ptmux;${ESC}${ESC}]777;notify;T;B${BEL}${ST}${BEL}`);
});

test('screen: ESC P … ST, an inner ST turned into BEL (screen would end its string there)', (t) => {
  t.is(notificationBytes(plan({mux: 'screen'}), 'T', 'B', 'chat1'), `${ESC}P${ESC}]777;notify;T;B${BEL}${ST}`);
  t.is(notificationBytes(plan({mux: 'screen', kind: 'osc9'}), 'T', 'B', 'chat1'), `${ESC}P${ESC}]9;[T] B${BEL}${ST}`);
  t.is(
    notificationBytes(plan({mux: 'screen', kind: 'osc99'}), 'T', 'B', 'chat1'),
    `${ESC}P${ESC}]99;i=chat1:d=0:p=title;T${BEL}${ST}${ESC}P${ESC}]99;i=chat1:d=1:p=body;B${BEL}${ST}`,
  );
  t.is(wrapFor(null, 'x'), 'x');
});

test("screen: a long body of wide characters is cut to fit screen's string buffer", (t) => {
  for (const kind of ['osc777', 'osc9', 'osc99'] as const) {
    const bytes = notificationBytes(plan({mux: 'screen', kind}), 'Général', `Bob: ${'漢'.repeat(300)}`, 'chat1');
    for (const part of bytes.split(ST).filter(Boolean)) t.true(Buffer.byteLength(part + ST) <= SCREEN_MAX_BYTES, kind);
    t.true(bytes.includes('漢…'), kind);
  }
});

// ---- hostile texts ----------------------------------------------------------------------

const hostile = [
  `${ESC}]777;notify;pwned;yes${BEL}`,
  `${ESC}]52;c;ZWNobyBwd25lZA==${BEL}`,
  `a${ESC}[2J${ESC}[31mred`,
  `x${ESC}\\y`,
  `${ESC}P+q${ST}`,
  `end${BEL}more`,
  `c1 \u009d0;title\u009c and \u009b31m and \u0090dcs\u009c \u0085 NEL`,
  `del\u007f nul\u0000 tab\t cr\r lf\n`,
  `${ESC}${ESC}]]9;x${BEL}`,
  `half ${ESC}`,
  `${ESC}]8;;http://evil/${ST}link${ESC}]8;;${ST}`,
  `\u202Egnp.exe\u202C bidi`,
  `ZW\u200Bspace`,
];

test('hostile texts: no control character, no ESC, BEL or ST survives; the words do', (t) => {
  for (const text of hostile) {
    const clean = notificationText(text, BODY_MAX);
    t.true(controlFree(clean), JSON.stringify(text));
    t.false(clean.includes('\u202E'), 'bidi overrides go');
  }
  t.is(notificationText(`a${ESC}[2J${ESC}[31mred`, BODY_MAX), 'ared');
  t.is(notificationText(`end${BEL}more`, BODY_MAX), 'end more');
  t.is(notificationText(`del\u007f nul\u0000 tab\t cr\r lf\n`, BODY_MAX), 'del nul tab cr lf');
  t.is(notificationText(`${ESC}]52;c;ZWNobyBwd25lZA==${BEL}after`, BODY_MAX), 'after');
});

test('hostile texts in every sequence: the only controls are the ones the sequence is made of', (t) => {
  for (const kind of ['osc777', 'osc9', 'osc99'] as const) {
    for (const mux of [null, 'tmux', 'screen'] as const) {
      for (const text of hostile) {
        const bytes = notificationBytes(plan({kind, mux}), text, text, 'chat1');
        const bare = notificationBytes(plan({kind, mux}), 'T', 'B', 'chat1');
        // Same structure: as many ESC and BEL as the sequence with harmless texts.
        const count = (s: string, c: string) => s.split(c).length - 1;
        t.is(count(bytes, ESC), count(bare, ESC), `${kind} ${mux} ${JSON.stringify(text)}`);
        t.is(count(bytes, BEL), count(bare, BEL));
        t.false(/[\u0080-\u009f]/u.test(bytes));
      }
    }
  }
});

test('random text never leaves a control character', (t) => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const alphabet = [ESC, BEL, '\u009c', '\u009d', '\u009b', '[', ']', '\\', ';', 'P', '\u007f', '\u0000', '\n', 'a', 'é', '😀', '\u200D', '\u0301'];
  for (let i = 0; i < 2000; i++) {
    let text = '';
    for (let n = Math.floor(random() * 40); n > 0; n--) text += alphabet[Math.floor(random() * alphabet.length)];
    const clean = notificationText(text, 30);
    t.true(controlFree(clean), JSON.stringify(text));
    t.true([...clean].length <= 30);
  }
});

test('length: titles at most 64 code points, bodies 200, cut between emoji, not inside one', (t) => {
  const long = 'x'.repeat(10_000);
  t.is([...notificationText(long, TITLE_MAX)].length, TITLE_MAX);
  t.is([...notificationText(long, BODY_MAX)].length, BODY_MAX);
  t.true(notificationText(long, BODY_MAX).endsWith('…'));
  t.is(notificationText('short 😀', BODY_MAX), 'short 😀');
  // A family emoji is 5 code points: it goes whole or not at all.
  const family = '👩‍👩‍👧';
  const cut = notificationText(`${'a'.repeat(8)}${family}${family}`, 15);
  t.is(cut, `${'a'.repeat(8)}${family}…`);
  t.false(/[\uD800-\uDBFF]$/.test(cut));
  t.is(notificationText('🇫🇷🇫🇷🇫🇷', 4), '🇫🇷…', 'flags are pairs: never half a flag');
  const bytes = notificationBytes(plan({kind: 'osc9'}), 'x'.repeat(500), long, 'chat1');
  t.true([...bytes].length <= `${ESC}]9;[] ${BEL}`.length + TITLE_MAX + BODY_MAX);
});

// ---- choosing ------------------------------------------------------------------------------

test('the terminal chooses the sequence; the bell for the Linux console and Apple Terminal', (t) => {
  const auto = (env: NodeJS.ProcessEnv) => planNotifications('auto', env);
  t.deepEqual(auto({TERM: 'xterm-256color'}), {mode: 'osc', kind: 'osc777', mux: null, bellToo: true});
  t.deepEqual(auto({TERM: 'foot'}), {mode: 'osc', kind: 'osc777', mux: null, bellToo: false});
  t.deepEqual(auto({TERM: 'xterm-kitty', KITTY_WINDOW_ID: '1'}), {mode: 'osc', kind: 'osc99', mux: null, bellToo: false});
  t.is(auto({TERM_PROGRAM: 'iTerm.app'}).kind, 'osc9');
  t.is(auto({LC_TERMINAL: 'iTerm2'}).kind, 'osc9');
  t.is(auto({TERM_PROGRAM: 'WezTerm'}).kind, 'osc9');
  t.is(auto({WEZTERM_PANE: '3'}).kind, 'osc9');
  t.is(auto({TERM_PROGRAM: 'ghostty'}).kind, 'osc9');
  t.is(auto({GHOSTTY_RESOURCES_DIR: '/usr/share/ghostty'}).kind, 'osc9');
  t.is(auto({TERM: 'linux'}).mode, 'bell');
  t.is(auto({TERM_PROGRAM: 'Apple_Terminal'}).mode, 'bell');
  // In tmux started from kitty: TERM_PROGRAM says tmux, KITTY_WINDOW_ID still says kitty.
  t.deepEqual(auto({TERM: 'tmux-256color', TERM_PROGRAM: 'tmux', TMUX: '/tmp/tmux-1/default,1,0', KITTY_WINDOW_ID: '1'}), {mode: 'osc', kind: 'osc99', mux: 'tmux', bellToo: false});
  t.is(auto({STY: '123.pts-0.host'}).mux, 'screen');
  t.is(auto({STY: '123.pts-0.host', TMUX: '/tmp/x,1,0'}).mux, 'tmux', 'tmux inside screen: tmux reads our output');
});

test('--notify overrides the choice; a wrong value is refused', (t) => {
  t.is(planNotifications('off', {KITTY_WINDOW_ID: '1'}).mode, 'off');
  t.is(planNotifications('bell', {KITTY_WINDOW_ID: '1'}).mode, 'bell');
  t.deepEqual(planNotifications('osc', {TERM: 'xterm'}), {mode: 'osc', kind: 'osc777', mux: null, bellToo: false});
  t.deepEqual(planNotifications('osc', {TERM: 'linux'}), {mode: 'osc', kind: 'osc777', mux: null, bellToo: false});
  t.is(planNotifications('osc99', {TERM: 'xterm'}).kind, 'osc99');
  t.is(planNotifications('osc9', {KITTY_WINDOW_ID: '1'}).kind, 'osc9');
  t.is(parseNotifyChoice(undefined), 'auto');
  t.is(parseNotifyChoice(''), 'auto');
  t.is(parseNotifyChoice('OSC'), 'osc');
  t.is(parseNotifyChoice('loud'), null);
});

// ---- what raises one ---------------------------------------------------------------------

const salons: SalonInfo[] = [
  {id: 1, name: 'Général', moderated: false, state: 'member', lastSeq: 0, readSeq: 0},
  {id: 2, name: 'Blabla', moderated: false, state: 'member', lastSeq: 0, readSeq: 0},
  {id: 3, name: 'Bob', kind: 'dm', moderated: false, state: 'member', lastSeq: 0, readSeq: 0},
];
const signedIn = (): AppState => {
  let state = initialState('en', 'localhost:5000');
  state = reducer(state, {type: 'loggedIn', user: {id: 1, username: 'alice', alias: 'Alice', role: 'moderator'}, salons});
  return reducer(state, {type: 'open', salonId: 1});
};
const t_ = clientTranslator('en');
const raise = (state: AppState, event: Event) => alertOf(state, reducer(state, {type: 'event', event, now: 0}), event, t_);
const msg = (salon: number, text: string, author = 'bob'): Event => ({event: 'message', id: salon * 100, salon, seq: 1, author, alias: author === 'bob' ? 'Bob' : author, text, ts: 0});

test('a mention elsewhere, a direct message, a join request raise one; the salon on screen and own messages do not', (t) => {
  const state = signedIn();
  t.is(state.current, 1);
  t.deepEqual(raise(state, msg(2, 'hi @alice')), {kind: 'mention', conversation: 'Blabla', sender: 'Bob', username: 'bob', text: 'hi @alice'});
  t.deepEqual(raise(state, msg(3, 'psst')), {kind: 'direct', conversation: 'Bob', sender: 'Bob', username: 'bob', text: 'psst'});
  t.is(raise(state, msg(1, 'hi @alice')), null, 'on screen');
  t.is(raise(state, msg(2, 'hi all')), null, 'no mention');
  t.is(raise(state, msg(2, 'me @alice', 'alice')), null, 'own');
  const request: Event = {event: 'join_request', username: 'carol', alias: 'Carol', salon: 2, salonName: 'Blabla', ts: 0};
  t.deepEqual(raise(state, request), {kind: 'request', conversation: 'Blabla', sender: 'Carol', username: 'carol', text: 'Carol asks to join Blabla'});
  t.is(raise(reducer(state, {type: 'modal', modal: {kind: 'pending', index: 0}}), request), null, 'the pending window is open');
});

test('the notifier: "Alias: text" under the conversation; a burst in one conversation raises one', (t) => {
  const written: string[] = [];
  let now = 0;
  const notifier = new Notifier({plan: plan({}), write: (b) => written.push(b), clock: () => now});
  const alert: Alert = {kind: 'mention', conversation: 'Blabla', sender: 'Bob', username: 'bob', text: 'hi @alice'};
  notifier.alert(alert);
  notifier.alert({...alert, text: 'again'});
  notifier.alert({...alert, conversation: 'Général'});
  now += Notifier.QUIET_MS;
  notifier.alert({...alert, text: 'later'});
  t.deepEqual(written, [`${ESC}]777;notify;Blabla;Bob: hi @alice${BEL}`, `${ESC}]777;notify;Général;Bob: hi @alice${BEL}`, `${ESC}]777;notify;Blabla;Bob: later${BEL}`]);
});

// ---- --on-mention --------------------------------------------------------------------------

test('the command is split on spaces, no shell, no quoting', (t) => {
  t.deepEqual(splitCommand('notify-send  -u critical'), ['notify-send', '-u', 'critical']);
  t.deepEqual(splitCommand('   '), []);
});

test('--on-mention: the script gets CHAT_* in its environment; a message cannot reach a shell', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-on-mention-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const script = join(dir, 'hook.sh');
  writeFileSync(script, `#!/bin/sh\nprintf '%s|%s|%s|%s|%s\\n' "$CHAT_KIND" "$CHAT_CONVERSATION" "$CHAT_SENDER" "$CHAT_TEXT" "$1" >> "${join(dir, 'out')}"\n`);
  chmodSync(script, 0o755);
  const reports: Notice[] = [];
  const runner = new CommandRunner({command: `${script} arg`, env: {PATH: process.env.PATH}, report: (n) => reports.push(n)});
  runner.run({kind: 'mention', conversation: 'Général', sender: 'Bob', username: 'bob', text: `$(touch ${join(dir, 'pwned')}) ${ESC}[2J; rm -rf /`});
  await runner.settled();
  t.is(readFileSync(join(dir, 'out'), 'utf8'), `mention|Général|Bob|$(touch ${join(dir, 'pwned')}) ; rm -rf /|arg\n`);
  t.throws(() => readFileSync(join(dir, 'pwned')));
  t.deepEqual(reports, []);
});

test('--on-mention: one process at a time, only the newest alert waits; a failure is told once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-on-mention-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const script = join(dir, 'slow.sh');
  writeFileSync(script, `#!/bin/sh\nsleep 0.3\necho "$CHAT_TEXT" >> "${join(dir, 'out')}"\n`);
  chmodSync(script, 0o755);
  const runner = new CommandRunner({command: script, env: {PATH: process.env.PATH}, report: () => {}});
  const alert = (text: string): Alert => ({kind: 'direct', conversation: 'Bob', sender: 'Bob', username: 'bob', text});
  for (const text of ['one', 'two', 'three', 'four']) runner.run(alert(text));
  await runner.settled();
  t.is(runner.started, 2);
  t.is(readFileSync(join(dir, 'out'), 'utf8'), 'one\nfour\n');

  const reports: Notice[] = [];
  const missing = new CommandRunner({command: join(dir, 'no-such-program'), report: (n) => reports.push(n)});
  missing.run(alert('a'));
  await missing.settled();
  missing.run(alert('b'));
  await missing.settled();
  const failing = new CommandRunner({command: 'false', report: (n) => reports.push(n)});
  failing.run(alert('c'));
  await failing.settled();
  t.is(reports.length, 2, 'once per runner');
  t.is(reports[0]?.key, 'notify.commandFailed');
  t.regex(String(reports[0]?.params?.reason), /ENOENT/);
  t.is(reports[1]?.params?.reason, 'exit 1');
});
