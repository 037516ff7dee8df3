/**
 * "A message is acknowledged only once it is stored": the real chat-server binary is killed
 * with SIGKILL while four users send as fast as they can, then restarted on the same store.
 */
import {eachBackend} from '../helpers/each-backend.js';
import {
  type Binary,
  type MessageInfo,
  type Row,
  type Sent,
  duplicates,
  outcome,
  sendContinuously,
  seqProblems,
  sleep,
  startBinary,
  storeArgs,
  storedMessages,
  until,
  within,
} from './support.js';

const USERS = ['ann', 'ben', 'cat', 'dan'];
/** Sends each client keeps in flight. */
const WINDOW = 12;

eachBackend('a message is acknowledged only once it is stored, even when the server is killed', async (t, db) => {
  t.timeout(30_000);
  let first: Binary | undefined;
  let second: Binary | undefined;
  try {
    first = await startBinary(storeArgs(db));
    const clients = await Promise.all(USERS.map((name) => first!.user(name)));
    await Promise.all(clients.map((c) => c.request('join', {salon: 'Blabla'})));

    // Every user sends continuously to Général (1) and Blabla (2), WINDOW sends in flight.
    const flow = sendContinuously(clients.map((client, k) => ({user: USERS[k] as string, client})), WINDOW);
    const {sent} = flow;

    // About 300 ms of traffic, and at least some acknowledgements even on a loaded machine.
    await sleep(300);
    await until(() => sent.filter((s) => s.code === 'ok').length >= 40, 10_000);
    const inFlightAtKill = flow.inFlight();
    first.child.kill('SIGKILL');
    t.is(await within(5000, first.exit, 'the killed server exiting'), 'SIGKILL');
    await within(5000, Promise.all(clients.map((c) => c.closed)), 'clients seeing the connection close');
    await flow.stop();

    const acked = sent.filter((s) => s.code === 'ok');
    const unanswered = sent.filter((s) => s.code === 'CONNECTION_CLOSED');
    t.deepEqual(
      sent.filter((s) => s.code !== 'ok' && s.code !== 'CONNECTION_CLOSED').map((s) => `${s.clientMsgId}: ${s.code}`),
      [],
      'a send is either acknowledged or unanswered',
    );
    t.true(acked.length > 0, 'some sends were acknowledged before the kill');
    t.true(inFlightAtKill > 0 && unanswered.length > 0, 'the kill hit sends in flight');
    t.log(`${db.url ? 'mysql' : 'sqlite'}: ${sent.length} sends, ${acked.length} acknowledged, ${unanswered.length} unanswered (${inFlightAtKill} in flight at the kill)`);

    const ids = new Map((await db.query<{client_id: number; username: string}>('SELECT client_id, username FROM clients')).map((r) => [Number(r.client_id), String(r.username)]));
    const keyOfRow = (r: Row) => `${r.author === null ? '?' : ids.get(r.author)}/${r.clientMsgId}`;
    const keyOfSent = (s: Sent) => `${s.user}/${s.clientMsgId}`;
    const sentByKey = new Map(sent.map((s) => [keyOfSent(s), s]));

    // 1. Straight after the kill, before any restart: what the database holds.
    const afterKill = await storedMessages(db);
    const storedByKey = new Map<string, Row[]>();
    for (const r of afterKill) storedByKey.set(keyOfRow(r), [...(storedByKey.get(keyOfRow(r)) ?? []), r]);
    const lostOrWrong = acked.flatMap((s) => {
      const rows = storedByKey.get(keyOfSent(s)) ?? [];
      if (rows.length !== 1) return [`${s.clientMsgId} acknowledged, stored ${rows.length} times`];
      const [row] = rows as [Row];
      const m = s.message!;
      return row.id === m.id && row.seq === m.seq && row.salon === m.salon && row.text === s.text && m.clientMsgId === s.clientMsgId
        ? []
        : [`${s.clientMsgId} acknowledged as ${JSON.stringify(m)}, stored as ${JSON.stringify(row)}`];
    });
    t.deepEqual(lostOrWrong.slice(0, 10), [], 'every acknowledged message is stored exactly once, as acknowledged');
    t.log(`${unanswered.filter((s) => storedByKey.has(keyOfSent(s))).length} of the unanswered sends had been stored (killed between commit and answer)`);
    const strangers = afterKill.filter((r) => sentByKey.get(keyOfRow(r))?.text !== r.text).map(keyOfRow);
    t.deepEqual(strangers.slice(0, 10), [], 'nothing is stored that was not sent');
    t.deepEqual(duplicates(afterKill), []);
    t.deepEqual(await seqProblems(db, afterKill), [], 'seq is 1..n in each salon and the counters agree');
    // What other users saw live was stored too.
    const seen = clients.flatMap((c) => c.events.filter((e) => e.event === 'message')) as unknown as MessageInfo[];
    const storedIds = new Set(afterKill.map((r) => r.id));
    t.deepEqual(seen.filter((m) => !storedIds.has(m.id)).slice(0, 10), [], 'every message delivered live is stored');

    // 2. The server restarts on the same store; each user logs in again and retries every
    // send it had made, the unanswered ones and the acknowledged ones, with the same ids.
    second = await startBinary(storeArgs(db));
    const again = await Promise.all(USERS.map((name) => second!.user(name, {register: false})));
    const retries = await within(
      15_000,
      Promise.all(
        again.map((client, k) =>
          Promise.all(
            sent
              .filter((s) => s.user === USERS[k])
              .map(async (s) => ({s, o: await outcome(client.request('send', {salon: s.salon, text: s.text, clientMsgId: s.clientMsgId}))})),
          ),
        ),
      ),
      'retrying the sends',
    );
    const flat = retries.flat();
    t.deepEqual(flat.filter(({o}) => o.code !== 'ok').map(({s, o}) => `${s.clientMsgId}: ${o.code}`).slice(0, 10), [], 'every retry is accepted');
    const answer = (o: (typeof flat)[number]['o']) => ('result' in o ? (o.result as {message: MessageInfo}).message : undefined);
    const moved = flat.flatMap(({s, o}) => {
      const m = answer(o);
      const before = storedByKey.get(keyOfSent(s))?.[0];
      return before && m && (m.id !== before.id || m.seq !== before.seq) ? [`${s.clientMsgId}: first stored as ${before.id}/${before.seq}, retry answered ${m.id}/${m.seq}`] : [];
    });
    t.deepEqual(moved.slice(0, 10), [], 'a retry of a stored message answers the first stored message');

    const final = await storedMessages(db);
    t.deepEqual(duplicates(final), [], 'each clientMsgId is stored at most once');
    t.deepEqual(final.map(keyOfRow).sort(), [...sentByKey.keys()].sort(), 'after the retries every send is stored, once');
    t.is(final.length, sent.length);
    t.deepEqual(await seqProblems(db, final), [], 'seq is still 1..n in each salon after the retries');

    // 3. A reconnecting client pages through history: every stored message, in order.
    const reader = await second.user('ann', {register: false});
    const listed = await reader.request('salons', {});
    for (const salon of [1, 2]) {
      const expected = final.filter((r) => r.salon === salon);
      const info = (listed.salons as {id: number; lastSeq: number}[]).find((s) => s.id === salon);
      t.is(info?.lastSeq, expected.length, `lastSeq of salon ${salon}`);
      const pages: MessageInfo[] = [];
      for (let after = 0; ; ) {
        const page = await reader.request('history', {salon, after, limit: 200});
        pages.push(...(page.messages as MessageInfo[]));
        if (!page.hasMore) break;
        after = pages.at(-1)!.seq;
      }
      t.deepEqual(
        pages.map((m) => [m.seq, m.id, m.clientMsgId ?? null, m.text]),
        expected.map((r) => [r.seq, r.id, r.clientMsgId, r.text]),
        `history of salon ${salon} is every stored message, in order`,
      );
    }
  } finally {
    await first?.kill();
    await second?.kill();
  }
});
