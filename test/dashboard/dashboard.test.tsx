/**
 * The operator's dashboard under ink-testing-library, fed by a real server on port 0 over
 * a temp SQLite store, with clients speaking the real protocol. The server's clock is a
 * fake one the test moves, so countdowns are read, never waited for.
 */
import '../ui/setup.js';
import test, {type ExecutionContext} from 'ava';
import {render} from 'ink-testing-library';
import {DashboardController} from '../../source/dashboard/controller.js';
import {Dashboard} from '../../source/dashboard/Dashboard.js';
import {type Lang, translator} from '../../source/i18n/index.js';
import {displayWidth} from '../../source/client/format.js';
import {backends} from '../helpers/backends.js';
import {OPERATOR, PASSWORD, type TestServer, eventually, refusal, startTestServer} from '../helpers/server.js';
import {KEY, lines, plain, until} from '../ui/helpers.js';

interface Fixture {
  ts: TestServer;
  controller: DashboardController;
  frame(): string;
  raw(): string;
  press(...keys: string[]): Promise<void>;
  /** Reads the server again and waits until the frame shows `text`. */
  shows(text: string | RegExp): Promise<boolean>;
  clock: {now: number};
  stop(): void;
}

async function dashboard(t: ExecutionContext, {columns = 80, rows = 24, lang = 'en' as Lang} = {}): Promise<Fixture> {
  const db = await backends[0]!.create();
  const clock = {now: Date.now()};
  const ts = await startTestServer(db, {clock: () => clock.now, node: 'node-a'});
  const tr = translator(lang);
  const controller = new DashboardController({server: ts.server, operator: OPERATOR.username, t: tr, kill: async () => {}, columns, rows});
  const instance = render(<Dashboard controller={controller} t={tr} followSize={false} />);
  // Ink lays out within the terminal's width: the fake one must be as wide as the test says.
  Object.defineProperty(instance.stdout, 'columns', {get: () => columns, configurable: true});
  instance.stdout.emit('resize');
  await controller.start();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    controller.stop();
    instance.unmount();
  };
  t.teardown(async () => {
    stop();
    await ts.stop();
    await db.drop();
  });
  const frame = () => plain(instance.lastFrame());
  const matches = (text: string | RegExp) => (typeof text === 'string' ? frame().includes(text) : text.test(frame()));
  return {
    ts,
    controller,
    clock,
    frame,
    raw: () => instance.lastFrame() ?? '',
    stop,
    async press(...keys) {
      for (const key of keys) {
        const before = instance.frames.length;
        instance.stdin.write(key);
        await until(() => instance.frames.length > before, 500);
      }
    },
    async shows(text) {
      return until(() => matches(text), 3000).then(async (ok) => {
        if (ok) return true;
        await controller.refresh({all: true});
        return until(() => matches(text), 3000);
      });
    },
  };
}

test('sessions: each signed-in connection with its account, address, node and since when', async (t) => {
  const d = await dashboard(t);
  await d.ts.user('alice');
  await d.ts.user('bob');
  await d.controller.refresh();
  t.true(await d.shows('alice'), d.frame());
  const row = lines(d.frame()).find((l) => l.includes('alice')) ?? '';
  t.regex(row, /alice\s+127\.0\.0\.1\s+node-a\s+\d\d:\d\d:\d\d \(\d+ s\)/);
  t.regex(d.frame(), /1 Sessions 2/, 'the tab bar counts them');
});

test('in 80x24 every line fits and one panel shows at a time; Tab and numbers switch it', async (t) => {
  const d = await dashboard(t);
  await d.ts.user('alice');
  await d.controller.refresh();
  await d.shows('alice');
  const all = lines(d.frame());
  t.true(all.length <= 24, `${all.length} lines`);
  t.true(all.every((l) => displayWidth(l) <= 80), all.find((l) => displayWidth(l) > 80));
  t.regex(d.frame(), /↑↓ select · d disconnect/);
  await d.press(KEY.tab);
  t.true(await d.shows('No join request is waiting.'));
  t.false(d.frame().includes('alice'), 'the sessions panel is no longer on screen');
  await d.press('5');
  t.true(await d.shows(/5 Activity\s/));
  t.true(await d.shows('Général'));
});

test('pending requests: `a` accepts the selected one on the server, with one key', async (t) => {
  const d = await dashboard(t);
  const bob = await d.ts.user('bob');
  await bob.request('join', {salon: 'Comptabilité'});
  await d.press('2');
  t.true(await d.shows(/bob\s+Bob\s+Comptabilité/), d.frame());
  t.regex(d.frame(), /2 Requests 1/);
  await d.press('a');
  await eventually(async () => d.ts.server.hub.user('bob')?.salons.has(3));
  await bob.waitFor('membership', (e) => e.salon === 3 && e.state === 'member');
  t.true(await d.shows('bob accepted into Comptabilité.'));
  t.true(await d.shows('No join request is waiting.'));
  const [record] = await d.ts.server.moderation.audit({limit: 1});
  t.like(record, {actor: 'admin', via: 'console', action: 'accept', targetUser: 'bob', targetSalon: 'Comptabilité', outcome: 'ok'});
});

test('pending requests: `r` rejects', async (t) => {
  const d = await dashboard(t);
  const bob = await d.ts.user('bob');
  await bob.request('join', {salon: 'Marketing'});
  await d.press('2');
  t.true(await d.shows(/bob\s+Bob\s+Marketing/));
  await d.press('r');
  await bob.waitFor('membership', (e) => e.salonName === 'Marketing' && e.state === 'none' && e.reason === 'rejected');
  t.true(await d.shows('The request of bob for Marketing was rejected.'));
});

test('blocks: kicks count down with the server clock, bans have no end; `u` lifts one after y', async (t) => {
  const d = await dashboard(t);
  await d.ts.user('carol');
  await d.ts.user('dave');
  await d.ts.server.moderation.kick('carol', {durationMs: 30 * 60_000, reason: 'flood'}, OPERATOR);
  await d.ts.server.moderation.ban('dave', 'spam', OPERATOR);
  await d.press('3');
  t.true(await d.shows(/carol\s+kick\s+30 min 00 s\s+flood/), d.frame());
  t.regex(d.frame(), /dave\s+ban\s+no end\s+spam/);
  d.clock.now += 65_000;
  await d.controller.refresh();
  t.true(await d.shows(/carol\s+kick\s+28 min 55 s/), d.frame());
  await d.press('u');
  t.true(await d.shows('y/n  Lift the block on carol?'));
  await d.press('y');
  t.true(await d.shows('The kick of carol is over: they may sign in again.'));
  t.is(d.ts.server.hub.user('carol')?.kickedUntil, null);
  t.true(await d.shows(/^(?![\s\S]*carol\s+kick)/));
});

test('audit: the tail of the log, newest first, with who did what', async (t) => {
  const d = await dashboard(t);
  await d.ts.user('erin');
  await d.ts.server.moderation.kick('erin', {durationMs: 60_000}, OPERATOR);
  await d.ts.server.moderation.createSalon('Support', true, {username: 'marc', via: 'client'});
  await d.press('4');
  t.true(await d.shows(/marc\s+salon_create\s+#Support\s+ok/), d.frame());
  const tail = lines(d.frame());
  const create = tail.findIndex((l) => l.includes('salon_create'));
  const kick = tail.findIndex((l) => /admin@node-a\s+kick\s+erin/.test(l));
  t.true(create >= 0 && kick > create, 'newest first');
});

test('activity: messages per minute and members online, per salon; direct messages together', async (t) => {
  const d = await dashboard(t);
  const alice = await d.ts.user('alice');
  await d.ts.user('bob');
  for (const text of ['one', 'two', 'three']) await alice.request('send', {salon: 'Général', text});
  await alice.request('join', {salon: 'Blabla'});
  await alice.request('send', {salon: 'Blabla', text: 'hi'});
  await d.press('5');
  t.true(await d.shows(/Général\s+3\s+2\s+2/), d.frame());
  t.regex(d.frame(), /Blabla\s+1\s+/);
  t.regex(d.frame(), /\(direct messages and groups\)\s+0/);
  // A minute later, without a message, the rate is back to nothing.
  d.clock.now += 61_000;
  await d.controller.refresh();
  t.true(await d.shows(/Général\s+0\s+2\s+2/), d.frame());
});

test('disconnect: asks first, then ends that session with an event, revokes its token and records it', async (t) => {
  const d = await dashboard(t);
  const alice = await d.ts.connect();
  await alice.request('register', {username: 'alice', alias: 'Alice', password: PASSWORD});
  const {token} = await alice.request('login', {username: 'alice', password: PASSWORD});
  await d.controller.refresh();
  t.true(await d.shows('alice'));
  await d.press('d');
  t.true(await d.shows(/y\/n  End the session of alice \(127\.0\.0\.1, node-a\)\? It must sign in again\./));
  await d.press('n');
  t.true(await d.shows('↑↓ select · d disconnect'), 'n leaves it be');
  t.false(d.frame().includes('End the session'));
  await d.press('d', 'y');
  const event = await alice.waitFor('disconnected');
  t.is(event.reason, 'operator');
  await alice.closed;
  t.true(await d.shows('Session of alice on node-a ended.'));
  t.true(await d.shows('Nobody is signed in.'));
  const again = await d.ts.connect();
  t.is(await refusal(again.request('resume', {token})), 'INVALID_TOKEN', 'the client must sign in again');
  const [record] = await d.ts.server.moderation.audit({limit: 1});
  t.like(record, {actor: 'admin', via: 'console', action: 'disconnect', targetUser: 'alice', outcome: 'ok'});
});

test('`:` runs any console command, its output in the console panel', async (t) => {
  const d = await dashboard(t);
  await d.ts.user('alice');
  await d.press(':', 'KICK:alice:10m:too loud');
  t.true(await d.shows(': KICK:alice:10m:too loud'));
  await d.press(KEY.enter);
  t.true(await d.shows(/alice kicked until .* \(10 min 00 s\)\./), d.frame());
  t.is(d.ts.server.hub.user('alice')?.kickReason, 'too loud');
  await d.press(':', 'HELP', KEY.enter);
  t.true(await d.shows(/6 Console/));
  t.true(await d.shows('Console commands (case does not matter):'));
  await d.press(':', KEY.up);
  t.true(await d.shows(': HELP'), 'earlier commands come back with ↑');
  await d.press(KEY.escape);
  t.false(d.frame().includes(': HELP'));
});

test('server notices land in the console panel', async (t) => {
  const d = await dashboard(t);
  d.controller.notice({kind: 'node_joined', node: 'node-b'});
  await d.press('6');
  t.true(await d.shows('Node node-b joined.'));
});

test('in French, every label', async (t) => {
  const d = await dashboard(t, {lang: 'fr'});
  await d.ts.user('alice');
  await d.controller.refresh();
  t.true(await d.shows(/1 Sessions 1\s+2 Demandes 0\s+3 Blocages\s+4 Audit\s+5 Activité\s+6 Console/), d.frame());
  t.regex(d.frame(), /Compte\s+Adresse\s+Nœud\s+Depuis/);
  t.regex(d.frame(), /d déconnecter/);
  await d.press('d');
  t.true(await d.shows(/o\/n  Mettre fin à la session de alice/), d.frame());
});

test('a large terminal shows every panel at once', async (t) => {
  const d = await dashboard(t, {columns: 160, rows: 40});
  await d.ts.user('alice');
  await d.controller.refresh({all: true});
  for (const title of ['1 Sessions', '2 Requests', '3 Blocks', '4 Audit', '5 Activity', '6 Console']) t.true(await d.shows(new RegExp(`│ ${title}|║ ${title}`)), title);
  t.true(await d.shows('Général'));
  const all = lines(d.frame());
  t.true(all.length <= 40);
  t.true(all.every((l) => displayWidth(l) <= 160));
  t.regex(d.frame(), /║ 1 Sessions.*│ 4 Audit/, 'two columns side by side');
  t.regex(d.frame(), /│ Général\s+0\s+1\s+1\s*│/);
});
