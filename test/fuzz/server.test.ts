/**
 * Fuzzing a live server over TCP: raw sockets send thousands of random and mutated lines, in
 * random chunks, before hello, after hello and after login, while a well-behaved client keeps
 * chatting. Every line must get exactly the answer its shape calls for, and nothing may break
 * the server or the bystanders. Failure messages give the seed; rerun with FUZZ_SEED=<seed>.
 */
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {type Socket, connect} from 'node:net';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {LineDecoder} from '../../source/protocol/codec.js';
import type {RequestType} from '../../source/protocol/frames.js';
import {limits} from '../../source/protocol/limits.js';
import {parseRequest} from '../../source/protocol/parse.js';
import {defaultConnectionLimits} from '../../source/server/server.js';
import {backends} from '../helpers/backends.js';
import {PASSWORD, type TestClient, startTestServer} from '../helpers/server.js';
import {type Rng, Deep, errorViolations, excerpt, fuzzCase, fuzzSeed, rng, toJson} from './gen.js';

const SEED = fuzzSeed(0x0f_22_5e_7e);
// The edge does not depend on the backend: SQLite keeps this quick.
const sqlite = backends[0]!;
const MAX_BAD = defaultConnectionLimits.maxBadFrames;
const VALIDATION = new Set(['BAD_FRAME', 'FRAME_TOO_LARGE', 'BAD_REQUEST', 'UNKNOWN_TYPE']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- a raw peer that reads every line the server sends ----------------------------------

type Frame = Record<string, unknown>;

class RawPeer {
  readonly responses: Frame[] = [];
  readonly events: Frame[] = [];
  readonly violations: string[] = [];
  closed = false;
  private waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    const decoder = new LineDecoder(16 * 1024 * 1024, {
      line: (text) => {
        let frame: unknown;
        try {
          frame = JSON.parse(text);
        } catch {
          this.violations.push(`server sent a line that is not JSON: ${excerpt(text)}`);
          return;
        }
        if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) this.violations.push(`server sent a non-object: ${excerpt(text)}`);
        else if ('event' in frame) {
          // Message events carry the message's id; no event carries `ok`.
          if ('ok' in frame || typeof (frame as Frame).event !== 'string') this.violations.push(`malformed event: ${excerpt(text)}`);
          this.events.push(frame as Frame);
        } else if ('ok' in frame) this.responses.push(frame as Frame);
        else this.violations.push(`neither response nor event: ${excerpt(text)}`);
        this.wake();
      },
      fault: (code) => this.violations.push(`server sent a frame the client cannot read: ${code}`),
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => {});
    socket.once('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async open(port: number): Promise<RawPeer> {
    const socket = connect({host: '127.0.0.1', port});
    await once(socket, 'connect');
    return new RawPeer(socket);
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves when the check passes, the socket closes, or the time is up. */
  until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(poll);
        resolve(value);
      };
      const poll = () => {
        if (check()) done(true);
        else if (this.closed) done(check());
      };
      const timer = setTimeout(() => done(check()), timeoutMs);
      this.waiters.add(poll);
    });
  }

  /** Writes in random chunks, yielding now and then so the server sees many boundaries. */
  async writeChunked(bytes: Buffer, r: Rng): Promise<void> {
    for (let at = 0; at < bytes.length && !this.closed; ) {
      const n = Math.min(bytes.length - at, r.pick([1, 3, 17, 256, 1500, 8192, 65_536]));
      const ok = this.socket.write(bytes.subarray(at, at + n));
      at += n;
      if (!ok) await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close')]);
      else if (r.chance(0.15)) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

// ---- planning what to send, and what each line must get -----------------------------------

type Stage = 'hello' | 'guest' | 'user';

type Expect =
  | {kind: 'bad'; id: string | number | null; code: string; line: string}
  | {kind: 'request'; id: string; type: RequestType; okAllowed: boolean; codes: readonly string[]; line: string};

interface Plan {
  name: string;
  stage: Stage;
  bytes: Buffer;
  /** In order, one per non-blank line up to the point the server must close. */
  expects: Expect[];
  /** Lines sent after the bad frame that closes the connection: they must get nothing. */
  afterClose: number;
  flood: boolean;
  skippedCrashers: string[];
}

const USER_GATED = new Set<RequestType>(['logout', 'salons', 'join', 'members', 'read', 'history', 'search', 'send', 'dm', 'block', 'unblock', 'edit', 'delete', 'react', 'reactions', 'typing']);
const MODERATOR_GATED = new Set<RequestType>(['pending', 'accept', 'reject', 'kick', 'ban', 'salon_create', 'salon_archive', 'blocks', 'lift']);

/** Requests a stage must not run for real: they would change the stage or trip abuse guards. */
function replaced(stage: Stage, type: RequestType): boolean {
  if (stage === 'hello') return type === 'hello';
  if (stage === 'guest') return type === 'register' || type === 'login';
  return type === 'logout';
}

/** The answers a valid request may get at this stage (gates first, then the handler's). */
function allowed(stage: Stage, type: RequestType): {okAllowed: boolean; codes: string[]} {
  if (stage === 'hello') return {okAllowed: false, codes: ['HELLO_REQUIRED']};
  if (type === 'hello') return {okAllowed: true, codes: ['UNSUPPORTED_VERSION']};
  if (type === 'ping') return {okAllowed: true, codes: []};
  if (stage === 'guest') {
    if (USER_GATED.has(type) || MODERATOR_GATED.has(type)) return {okAllowed: false, codes: ['NOT_AUTHENTICATED']};
    if (type === 'resume') return {okAllowed: false, codes: ['INVALID_TOKEN', 'RATE_LIMITED']};
    return {okAllowed: false, codes: []};
  }
  if (type === 'register' || type === 'login' || type === 'resume') return {okAllowed: false, codes: ['ALREADY_AUTHENTICATED']};
  if (MODERATOR_GATED.has(type)) return {okAllowed: false, codes: ['FORBIDDEN']};
  switch (type) {
    case 'salons':
      return {okAllowed: true, codes: []};
    case 'join':
      return {okAllowed: true, codes: ['UNKNOWN_SALON', 'ALREADY_MEMBER', 'ALREADY_PENDING']};
    case 'send':
      return {okAllowed: true, codes: ['UNKNOWN_SALON', 'NOT_MEMBER', 'RATE_LIMITED', 'OVERLOADED', 'CANNOT_MESSAGE']};
    case 'dm':
      return {okAllowed: true, codes: ['CANNOT_MESSAGE', 'BAD_REQUEST']};
    case 'search':
      return {okAllowed: true, codes: ['UNKNOWN_SALON', 'NOT_MEMBER', 'BAD_SEARCH', 'RATE_LIMITED']};
    case 'edit':
    case 'delete':
    case 'react':
      return {okAllowed: true, codes: ['UNKNOWN_SALON', 'NOT_MEMBER', 'RATE_LIMITED', 'OVERLOADED', 'CANNOT_MESSAGE', 'UNKNOWN_MESSAGE', 'NOT_YOURS', 'DELETED', 'TOO_MANY_REACTIONS']};
    case 'block':
    case 'unblock':
      return {okAllowed: true, codes: ['UNKNOWN_USER', 'BAD_REQUEST']};
    default:
      return {okAllowed: true, codes: ['UNKNOWN_SALON', 'NOT_MEMBER']};
  }
}

type Classified = {kind: 'blank'} | {kind: 'fault'; code: string} | {kind: 'text'; text: string};

/** What the server's decoder makes of one line (the decoder itself is fuzzed in decoder.test). */
function classify(line: Buffer): Classified {
  let out: Classified = {kind: 'blank'};
  const decoder = new LineDecoder(limits.maxFrameBytes, {line: (text) => (out = {kind: 'text', text}), fault: (code) => (out = {kind: 'fault', code})});
  decoder.push(line);
  return out;
}

function planSession(r: Rng, name: string, stage: Stage, count: number, flood: boolean): Plan {
  const lines: Buffer[] = [];
  const expects: Expect[] = [];
  const skippedCrashers: string[] = [];
  let bad = 0;
  let serial = 0;
  let resumes = 0;
  let afterClose = 0;
  /** Sends a valid frame with a fresh id: appended, so it wins over any id already there. */
  const request = (type: RequestType, frame: string, a = allowed(stage, type)) => {
    const id = `${name}-${serial++}`;
    const text = frame.replace(/\}\s*$/u, `,"id":${JSON.stringify(id)}}`);
    const check = parseRequest(text);
    if (!check.ok || check.request.id !== id || check.request.type !== type) throw new Error(`re-identified frame does not parse: ${excerpt(text)}`);
    lines.push(Buffer.from(`${text}\n`));
    expects.push({kind: 'request', id, type, ...a, line: text});
  };
  if (stage !== 'hello') request('hello', '{"type":"hello","version":1}', {okAllowed: true, codes: []});
  if (stage === 'user') request('login', JSON.stringify({type: 'login', username: 'fuzzer', password: PASSWORD}), {okAllowed: true, codes: []});

  fill: while (expects.length < count) {
    const c = fuzzCase(r);
    for (let start = 0; start <= c.bytes.length; ) {
      let nl = c.bytes.indexOf(0x0a, start);
      if (nl === -1) nl = c.bytes.length;
      const piece = c.bytes.subarray(start, nl);
      start = nl + 1;
      const line = Buffer.concat([piece, Buffer.from(r.chance(0.2) ? '\r\n' : '\n')]);
      const shown = excerpt(piece, 80);
      const got = classify(line);
      if (got.kind === 'blank') {
        lines.push(line);
        continue;
      }
      let outcome: Expect | undefined;
      if (got.kind === 'fault') outcome = {kind: 'bad', id: null, code: got.code, line: shown};
      else {
        let parsed: ReturnType<typeof parseRequest>;
        try {
          parsed = parseRequest(got.text);
        } catch (error) {
          // Would bring this very process down (see the child-process test below).
          skippedCrashers.push(`${String(error)}: ${shown}`);
          continue;
        }
        if (!parsed.ok) outcome = {kind: 'bad', id: parsed.id, code: parsed.error.code, line: shown};
        else {
          let type = parsed.request.type;
          if (type === 'resume' && stage === 'guest' && ++resumes > 5) type = 'ping';
          if (replaced(stage, type) || type === 'ping') request('ping', '{"type":"ping"}');
          else request(type, got.text);
          continue;
        }
      }
      if (!flood && bad >= MAX_BAD - 5) continue; // stay under the limit: this connection must live
      bad++;
      lines.push(line);
      expects.push(outcome);
      if (flood && bad > MAX_BAD) {
        // After the closing bad frame: a valid request and more garbage, none answered.
        lines.push(Buffer.from('{"id":"after-close","type":"ping"}\n'), Buffer.from('garbage after close\n'));
        afterClose += 2;
        break fill;
      }
    }
  }
  if (!flood) request('ping', '{"type":"ping"}');
  return {name, stage, bytes: Buffer.concat(lines), expects, afterClose, flood, skippedCrashers};
}

// ---- checking what came back --------------------------------------------------------------

function checkSession(plan: Plan, peer: RawPeer): string[] {
  const out: string[] = [...peer.violations];
  const where = `seed ${SEED}, session ${plan.name} (${plan.stage}${plan.flood ? ', flood' : ''})`;
  for (const frame of peer.responses) {
    if (frame.ok === true) {
      const keys = Object.keys(frame).sort().join(',');
      const result = frame.result;
      if (keys !== 'id,ok,result' || typeof result !== 'object' || result === null || Array.isArray(result)) out.push(`${where}: malformed ok response ${excerpt(JSON.stringify(frame))}`);
    } else {
      for (const v of errorViolations(frame)) out.push(`${where}: ${v} in ${excerpt(JSON.stringify(frame))}`);
    }
    if ((frame.error as Frame | undefined)?.code === 'INTERNAL') out.push(`${where}: INTERNAL answer ${excerpt(JSON.stringify(frame))}`);
  }
  const errorCode = (f: Frame) => (f.ok === false ? String((f.error as Frame | undefined)?.code) : undefined);

  // Validation errors are answered as each line is read: same order as sent.
  const badExpected = plan.expects.filter((e): e is Extract<Expect, {kind: 'bad'}> => e.kind === 'bad');
  const badGot = peer.responses.filter((f) => VALIDATION.has(errorCode(f) ?? ''));
  const n = Math.max(badExpected.length, badGot.length);
  for (let i = 0; i < n; i++) {
    const e = badExpected[i];
    const g = badGot[i];
    if (!e || !g || e.code !== errorCode(g) || e.id !== g.id) {
      out.push(`${where}: bad frame #${i}: expected ${e ? `${e.code} id ${JSON.stringify(e.id)} for ${e.line}` : 'nothing'}, got ${g ? excerpt(JSON.stringify(g)) : 'nothing'}`);
      break;
    }
  }

  // Valid requests: one answer each, by id, among the answers their gate and handler allow.
  const requests = new Map(plan.expects.filter((e): e is Extract<Expect, {kind: 'request'}> => e.kind === 'request').map((e) => [e.id, e]));
  const answered = new Set<string>();
  for (const frame of peer.responses) {
    const code = errorCode(frame);
    if (code !== undefined && VALIDATION.has(code)) continue;
    const e = typeof frame.id === 'string' ? requests.get(frame.id) : undefined;
    if (!e) {
      out.push(`${where}: answer to nothing that was sent valid: ${excerpt(JSON.stringify(frame))}`);
      continue;
    }
    if (answered.has(e.id)) out.push(`${where}: ${e.id} answered twice`);
    answered.add(e.id);
    const fine = code === undefined ? e.okAllowed : e.codes.includes(code);
    if (!fine) out.push(`${where}: ${e.type} ${e.id} got ${code ?? 'ok'}, allowed ${[e.okAllowed ? 'ok' : '', ...e.codes].filter(Boolean).join('/')}: ${excerpt(e.line)}`);
  }

  if (plan.flood) {
    // Answers to requests still running when the connection closed may be lost; nothing else.
    if (!peer.closed) out.push(`${where}: the connection was not closed after ${MAX_BAD + 1} bad frames`);
  } else {
    if (peer.closed) out.push(`${where}: the connection closed (${badExpected.length} bad frames sent)`);
    const missing = [...requests.keys()].filter((id) => !answered.has(id));
    if (missing.length > 0) out.push(`${where}: ${missing.length} requests unanswered, e.g. ${missing[0]}: ${excerpt(requests.get(missing[0] ?? '')?.line ?? '')}`);
    if (peer.responses.length !== plan.expects.length) out.push(`${where}: ${peer.responses.length} answers for ${plan.expects.length} non-blank lines`);
  }
  return out;
}

// ---- the tests ----------------------------------------------------------------------------

test(`thousands of fuzzed lines before and after hello and login: one well-formed answer per line, no crash, bystanders unaffected (seed ${SEED})`, async (t) => {
  t.timeout(40_000);
  const started = Date.now();
  const r = rng(SEED);
  const db = await sqlite.create();
  // Fuzzed logins fail by the hundred from one address: the delays that slow a guesser
  // (never more than 8 s each) would outlast the test; their counting is tested in guards.test.
  const srv = await startTestServer(db, {policy: {loginMaxDelayMs: 1}});
  const peers: RawPeer[] = [];
  let steady = true;
  try {
    const bystander = await srv.user('bystander');
    const watcher = await srv.user('watcher');
    const registrar = await srv.connect();
    await registrar.request('register', {username: 'fuzzer', alias: 'Fuzzer', password: PASSWORD});
    await registrar.conn.close();

    // A well-behaved client chats all along, below any rate limit.
    const sent: string[] = [];
    const steadyProblems: string[] = [];
    const chatting = (async () => {
      for (let i = 0; steady; i++) {
        const text = `steady #${i} — ça va ? 😀`;
        try {
          const {message} = await bystander.request('send', {salon: 1, text, clientMsgId: `steady-${i}`});
          if (message.text !== text) steadyProblems.push(`send ${i} came back as ${JSON.stringify(message.text)}`);
          sent.push(text);
        } catch (error) {
          steadyProblems.push(`send ${i} refused: ${String((error as {code?: string}).code ?? error)}`);
        }
        await sleep(100);
      }
    })();

    // [stage, lines, flood]: a flood session goes past the bad-frame limit on purpose.
    const sessions: [Stage, number, boolean][] = [
      ['hello', 300, false],
      ['hello', 150, true],
      ['guest', 350, false],
      ['guest', 300, false],
      ['guest', 150, true],
      ['user', 450, false],
      ['user', 450, false],
      ['user', 400, false],
      ['user', 150, true],
      ['user', 400, false],
    ];
    const problems: string[] = [];
    const crashers: string[] = [];
    let lines = 0;
    let answers = 0;
    for (const [index, [stage, count, flood]] of sessions.entries()) {
      const plan = planSession(r, `s${index}`, stage, count, flood);
      crashers.push(...plan.skippedCrashers);
      lines += plan.expects.length + plan.afterClose;
      const peer = await RawPeer.open(srv.server.port);
      peers.push(peer);
      await peer.writeChunked(plan.bytes, r);
      if (flood) await peer.until(() => peer.closed, 5000);
      else {
        const settled = await peer.until(() => peer.responses.length >= plan.expects.length, 8000);
        if (!settled) problems.push(`seed ${SEED}, session ${plan.name}: only ${peer.responses.length} of ${plan.expects.length} answers within 8 s`);
        await sleep(20); // anything extra would show up now
      }
      answers += peer.responses.length;
      problems.push(...checkSession(plan, peer));
      peer.destroy();
    }

    steady = false;
    await chatting;
    const last = sent.at(-1);
    if (last !== undefined) await watcher.waitFor('message', (e) => e.text === last, 5000);
    const fromBystander = (c: TestClient) => c.events.filter((e) => e.event === 'message' && e.author === 'bystander') as {text: string; seq: number}[];
    for (const [who, client] of [['watcher', watcher], ['bystander', bystander]] as const) {
      const got = fromBystander(client);
      t.deepEqual(got.map((e) => e.text), sent, `${who} got every steady message, in order`);
      t.true(got.every((e, i) => i === 0 || e.seq > (got[i - 1]?.seq ?? 0)), `${who}: seqs increase`);
    }
    t.deepEqual(steadyProblems, []);
    t.true(sent.length >= 5, `the bystander chatted throughout (${sent.length} messages)`);

    // Still serving: a fresh connection gets through.
    const fresh = await srv.connect();
    t.is(typeof (await fresh.request('ping', {})).time, 'number');
    await fresh.conn.close();

    const internal = srv.notices.filter((n) => n.kind === 'internal_error');
    t.deepEqual(internal, [], 'no internal_error notice');
    t.log(`seed ${SEED}: ${sessions.length} connections, ${lines} lines, ${answers} answers, ${sent.length} steady messages, ${crashers.length} process-killing lines held back (see the child-process test), ${Date.now() - started} ms`);
    t.deepEqual(problems.slice(0, 10), [], `seed ${SEED} (rerun with FUZZ_SEED=${SEED}); ${problems.length} problems`);
    t.true(lines > 2000);
  } finally {
    steady = false;
    for (const p of peers) p.destroy();
    await srv.stop();
    await db.drop();
  }
});

test('a request after the bad frame that closes the connection, in the same packet, is not carried out', async (t) => {
  const db = await sqlite.create();
  const srv = await startTestServer(db);
  const peers: RawPeer[] = [];
  try {
    const watcher = await srv.user('watcher');
    const registrar = await srv.connect();
    await registrar.request('register', {username: 'fuzzer', alias: 'Fuzzer', password: PASSWORD});
    const peer = await RawPeer.open(srv.server.port);
    peers.push(peer);
    peer.socket.write(`{"id":1,"type":"hello","version":1}\n{"id":2,"type":"login","username":"fuzzer","password":"${PASSWORD}"}\n`);
    t.true(await peer.until(() => peer.responses.length === 2, 5000));
    t.like(peer.responses[1], {id: 2, ok: true});
    // One write: the 51 bad frames, then a send.
    peer.socket.write(`${'garbage\n'.repeat(MAX_BAD + 1)}{"id":"late","type":"send","salon":1,"text":"sent after the connection was closed"}\n`);
    await peer.until(() => peer.closed, 5000);
    t.true(peer.closed);
    t.is(peer.responses.filter((f) => (f.error as Frame | undefined)?.code === 'BAD_FRAME').length, MAX_BAD + 1);
    t.false(peer.responses.some((f) => f.id === 'late'), 'the send got no answer');
    await sleep(300);
    const stored = await db.query<{contenu: string}>('SELECT contenu FROM messages');
    t.deepEqual(stored, [], 'nothing was stored for a connection already closed');
    t.false(watcher.events.some((e) => e.event === 'message'), 'and nobody got it');
  } finally {
    for (const p of peers) p.destroy();
    await srv.stop();
    await db.drop();
  }
});

/** Lines that JSON.parse accepts in a few kilobytes but that nothing may recurse over. */
const processKillers = [
  `{"id":1,"type":${toJson(new Deep(5000, 'array'))}}`,
  `{"id":2,"type":${toJson(new Deep(8000, 'object'))}}`,
  `{"id":3,"type":"ping","extra":${toJson(new Deep(12_000, 'array'))}}`,
  `{"id":4,"type":"send","salon":1,"text":${toJson(new Deep(12_000, 'array'))}}`,
  `{"id":${toJson(new Deep(12_000, 'array'))},"type":"ping"}`,
];

/** Starts probe-server.js in a child process; resolves once it listens. */
async function probeServer() {
  const script = fileURLToPath(new URL('probe-server.js', import.meta.url));
  const child = spawn(process.execPath, [script], {stdio: ['pipe', 'pipe', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  const {port} = JSON.parse(first.toString()) as {port: number};
  return {
    port,
    alive: () => child.exitCode === null && child.signalCode === null,
    /** The first line of the error that ended the process, if it died of one. */
    cause: () => stderr.split('\n').find((l) => /^\w*Error\b/.test(l)) ?? stderr.slice(0, 300),
    exited,
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// Each line goes to a server process of its own: a line that kills the process would take
// this test's worker (and every other test in it) down with an in-process server.
for (const [index, line] of processKillers.entries()) {
  test(`hostile line ${index} (${excerpt(line, 40)}, ${Buffer.byteLength(line)} bytes) is answered and the server process stays up`, async (t) => {
    t.timeout(15_000);
    const probe = await probeServer();
    try {
      const peer = await RawPeer.open(probe.port);
      peer.socket.write(`${line}\n{"id":"after","type":"hello","version":1}\n`);
      const answered = await peer.until(() => peer.responses.length >= 2, 3000);
      await Promise.race([probe.exited, sleep(300)]);
      t.true(probe.alive(), `the server process died: ${probe.cause()}`);
      t.true(answered, 'two answers');
      t.like(peer.responses[0], {ok: false});
      t.deepEqual(errorViolations(peer.responses[0]), []);
      t.like(peer.responses[1], {id: 'after', ok: true}, 'the connection goes on');
      peer.destroy();
    } finally {
      await probe.stop();
    }
  });
}
