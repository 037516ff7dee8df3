/**
 * Fuzzing the edge of the protocol, in memory: LineDecoder (framing) and parseRequest
 * (validation). Thousands of seeded random and mutated inputs, fed at random chunk
 * boundaries. Every failure message gives the seed; rerun with FUZZ_SEED=<seed>.
 */
import test from 'ava';
import {type FrameFault, LineDecoder, encodeFrame} from '../../source/protocol/codec.js';
import {ChatError, isErrorCode} from '../../source/protocol/errors.js';
import type {RequestType} from '../../source/protocol/frames.js';
import {limits} from '../../source/protocol/limits.js';
import {type Parsed, parseRequest} from '../../source/protocol/parse.js';
import {
  Deep,
  Escaped,
  Obj,
  Raw,
  alwaysWrong,
  corpus,
  errorViolations,
  excerpt,
  fields,
  fuzzCase,
  fuzzSeed,
  pollution,
  protoKeys,
  prototypeSnapshot,
  requestTypes,
  requestViolations,
  rng,
  toJson,
} from './gen.js';

const SEED = fuzzSeed(0x5eed_c0de);
const CASES = 5000;
const BATCH = 40;

type Sunk = {kind: 'line'; text: string} | {kind: 'fault'; code: FrameFault};

/** What the decoder must report for a whole stream, computed the simple way. */
function referenceSplit(stream: Buffer, maxBytes: number): Sunk[] {
  const out: Sunk[] = [];
  const utf8 = new TextDecoder('utf-8', {fatal: true});
  let start = 0;
  for (let nl = stream.indexOf(0x0a, start); nl !== -1; nl = stream.indexOf(0x0a, start)) {
    const line = stream.subarray(start, nl);
    start = nl + 1;
    if (line.length > maxBytes) {
      out.push({kind: 'fault', code: 'FRAME_TOO_LARGE'});
      continue;
    }
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    if (end === 0) continue;
    try {
      out.push({kind: 'line', text: utf8.decode(line.subarray(0, end))});
    } catch {
      out.push({kind: 'fault', code: 'BAD_FRAME'});
    }
  }
  return out;
}

/** Feeds a stream to a LineDecoder in random chunks; returns what its sink saw. */
function decodeChunked(stream: Buffer, maxBytes: number, chunkMax: number, r: ReturnType<typeof rng>): {sunk: Sunk[]; maxPending: number} {
  const sunk: Sunk[] = [];
  const decoder = new LineDecoder(maxBytes, {line: (text) => sunk.push({kind: 'line', text}), fault: (code) => sunk.push({kind: 'fault', code})});
  let maxPending = 0;
  for (let at = 0; at < stream.length; ) {
    const n = Math.min(stream.length - at, r.range(1, chunkMax));
    // A fresh copy per chunk, as a socket would hand it over (and may then reuse).
    const chunk = Buffer.from(stream.subarray(at, at + n));
    decoder.push(chunk);
    chunk.fill(0x41);
    at += n;
    maxPending = Math.max(maxPending, decoder.pendingBytes);
  }
  return {sunk, maxPending};
}

/** Checks one parse result; returns what is wrong with it. */
function parseViolations(parsed: Parsed): string[] {
  if (parsed.ok === true) {
    if ('error' in parsed) return ['ok result with an error'];
    return requestViolations(parsed.request as unknown as Record<string, unknown>);
  }
  if (parsed.ok !== false) return ['neither ok nor error'];
  const out: string[] = [];
  if (!(parsed.error instanceof ChatError)) out.push('error is not a ChatError');
  if (!isErrorCode(parsed.error.code)) out.push(`unknown code ${String(parsed.error.code)}`);
  if (!['BAD_FRAME', 'BAD_REQUEST', 'UNKNOWN_TYPE'].includes(parsed.error.code)) out.push(`unexpected code from validation: ${parsed.error.code}`);
  // The frame as the server would send it: one line of JSON, and nothing internal in it.
  const wire = encodeFrame({id: parsed.id, ok: false, error: parsed.error.toWire()}).toString('utf8');
  if (wire.indexOf('\n') !== wire.length - 1) out.push('error frame is not one line');
  out.push(...errorViolations(JSON.parse(wire)));
  return out;
}

function safeParse(line: string): {parsed?: Parsed; thrown?: unknown} {
  try {
    return {parsed: parseRequest(line)};
  } catch (thrown) {
    return {thrown};
  }
}

test(`${CASES} random and mutated inputs in random chunks: the decoder agrees with a reference split, parseRequest never throws and every line gets one valid outcome (seed ${SEED})`, (t) => {
  const r = rng(SEED);
  const before = prototypeSnapshot();
  const failures = new Map<string, {count: number; first: string}>();
  const fail = (signature: string, detail: string) => {
    const entry = failures.get(signature);
    if (entry) entry.count++;
    else failures.set(signature, {count: 1, first: detail});
  };
  const tally = {lines: 0, requests: 0, errors: new Map<string, number>(), faults: 0, blank: 0};
  const started = Date.now();

  for (let batch = 0; batch * BATCH < CASES; batch++) {
    const maxBytes = r.chance(0.25) ? r.pick([16, 64, 300, 1024]) : limits.maxFrameBytes;
    const parts: Buffer[] = [];
    /** For each line of the stream, the case it came from (for failure messages). */
    const origin: string[] = [];
    const add = (bytes: Buffer, how: string) => {
      parts.push(bytes);
      for (const _ of referenceSplit(bytes, maxBytes)) origin.push(how);
    };
    for (let i = 0; i < BATCH; i++) {
      const c = fuzzCase(r);
      add(Buffer.concat([c.bytes, Buffer.from(r.pick(['\n', '\n', '\n', '\r\n']))]), c.how);
      if (r.chance(0.05)) {
        add(Buffer.from(r.pick(['\n', '\r\n', '\r\r\n', ' \n'])), 'an (almost) blank line');
        tally.blank++;
      }
    }
    const stream = Buffer.concat(parts);
    // Byte-at-a-time feeding is slow on long streams: keep it for the short ones.
    const chunkMax = r.pick(stream.length < 20_000 ? [1, 1, 7, 64, 4096, 70_000] : [7, 64, 512, 4096, 70_000]);
    const where = `seed ${SEED}, batch ${batch} (maxBytes ${maxBytes}, chunks ≤ ${chunkMax})`;

    const expected = referenceSplit(stream, maxBytes);
    let got: {sunk: Sunk[]; maxPending: number};
    try {
      got = decodeChunked(stream, maxBytes, chunkMax, r);
    } catch (error) {
      fail(`LineDecoder threw ${String(error)}`, where);
      continue;
    }
    if (got.maxPending > maxBytes) fail('decoder held more than maxBytes', `${where}: ${got.maxPending} bytes pending`);
    if (JSON.stringify(got.sunk) !== JSON.stringify(expected)) {
      const at = got.sunk.findIndex((s, i) => JSON.stringify(s) !== JSON.stringify(expected[i]));
      fail('decoder disagrees with the reference split', `${where}: first difference at line ${at}: got ${excerpt(JSON.stringify(got.sunk[at]))}, expected ${excerpt(JSON.stringify(expected[at]))}`);
    }

    for (const [index, sunk] of got.sunk.entries()) {
      tally.lines++;
      if (sunk.kind === 'fault') {
        tally.faults++;
        continue;
      }
      const {parsed, thrown} = safeParse(sunk.text);
      if (!parsed) {
        const name = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
        fail(`parseRequest threw ${name}`, `${where}, line ${index} (${origin[index]}): ${excerpt(sunk.text)}`);
        continue;
      }
      if (parsed.ok) tally.requests++;
      else tally.errors.set(parsed.error.code, (tally.errors.get(parsed.error.code) ?? 0) + 1);
      for (const v of parseViolations(parsed)) fail(v.replace(/:.*/s, ''), `${where}, line ${index} (${origin[index]}): ${v} — input ${excerpt(sunk.text)}`);
    }
    if (({} as Record<string, unknown>).polluted !== undefined) fail('Object.prototype polluted', where);
  }

  if (prototypeSnapshot() !== before) fail('a prototype changed', `seed ${SEED}`);
  t.is(({} as Record<string, unknown>).polluted, undefined);
  const elapsed = Date.now() - started;
  t.log(`seed ${SEED}: ${CASES} cases, ${tally.lines} lines (${tally.faults} frame faults, ${tally.requests} valid requests, errors ${JSON.stringify(Object.fromEntries(tally.errors))}), ${elapsed} ms`);
  // The mix must exercise every outcome, or the fuzzer has gone blind.
  t.true(tally.requests > 100, 'valid requests get through');
  t.true(tally.faults > 50, 'frame faults happen');
  for (const code of ['BAD_FRAME', 'BAD_REQUEST', 'UNKNOWN_TYPE']) t.true((tally.errors.get(code) ?? 0) > 20, `${code} is produced`);
  const report = [...failures].map(([signature, {count, first}]) => `• ${signature} ×${count}\n    first: ${first}`).join('\n');
  t.is(failures.size, 0, `seed ${SEED} (rerun with FUZZ_SEED=${SEED}):\n${report}`);
});

// ---- targeted mutations, with the answer each must get -----------------------------------

const parse = (frame: Obj | string) => parseRequest(typeof frame === 'string' ? frame : toJson(frame));
const base = (type: RequestType, params: Record<string, unknown> = corpus[type][0] as Record<string, unknown>, id: unknown = 7) =>
  new Obj([['id', id], ['type', type], ...Object.entries(params)]);

test('every request type in the corpus parses, and comes out with exactly its fields', (t) => {
  for (const type of requestTypes) {
    for (const params of corpus[type]) {
      const parsed = parse(base(type, params));
      t.true(parsed.ok, `${type} ${JSON.stringify(params)}: ${parsed.ok ? '' : parsed.error.message}`);
      if (parsed.ok) t.deepEqual({...parsed.request}, {id: 7, type, ...params});
    }
  }
});

test('a wrong type for any field of any request is BAD_REQUEST naming the field (id: null id; type: UNKNOWN_TYPE)', (t) => {
  let checked = 0;
  for (const type of requestTypes) {
    for (const value of alwaysWrong) {
      for (const {name, boolean} of fields[type]) {
        if (boolean && typeof value === 'boolean') continue;
        const parsed = parse(base(type).set(name, value));
        const what = `${type}.${name} = ${toJson(value).slice(0, 30)}`;
        if (parsed.ok) {
          t.fail(`${what} was accepted`);
          continue;
        }
        t.is(parsed.error.code, 'BAD_REQUEST', what);
        t.is(parsed.id, 7, what);
        const issues = (parsed.error.details?.issues ?? []) as {field: string}[];
        // A list field names the element at fault ("with.0").
        t.true(issues.some((i) => i.field === name || i.field.startsWith(`${name}.`)), `${what}: issues ${JSON.stringify(issues)}`);
        t.deepEqual(errorViolations({id: parsed.id, ok: false, error: parsed.error.toWire()}), [], what);
        checked++;
      }
      const badId = parse(base(type).set('id', value));
      t.like(badId, {ok: false, id: null, error: {code: 'BAD_REQUEST'}}, `${type} id = ${toJson(value).slice(0, 30)}`);
      if (!badId.ok) t.is(badId.error.details, undefined);
      const badType = parse(base(type).set('type', value));
      t.like(badType, {ok: false, id: 7, error: {code: 'UNKNOWN_TYPE'}}, `${type} type = ${toJson(value).slice(0, 30)}`);
    }
  }
  t.true(checked > 200);
});

test('a missing required field is BAD_REQUEST; a missing optional one is fine', (t) => {
  for (const type of requestTypes) {
    for (const {name, required} of fields[type]) {
      const params = corpus[type].find((p) => name in p) ?? corpus[type][0] ?? {};
      const parsed = parse(base(type, params).delete(name));
      if (required) t.like(parsed, {ok: false, id: 7, error: {code: 'BAD_REQUEST'}}, `${type} without ${name}`);
      else t.true(parsed.ok, `${type} without optional ${name}`);
    }
    t.like(parse(base(type).delete('id')), {ok: false, id: null, error: {code: 'BAD_REQUEST'}}, `${type} without id`);
    t.like(parse(base(type).delete('type')), {ok: false, id: 7, error: {code: 'UNKNOWN_TYPE'}}, `${type} without type`);
  }
});

test('ids and types at and past their bounds', (t) => {
  const ok = [0, 1, Number.MAX_SAFE_INTEGER, 'a', 'x'.repeat(64), '😀', ' ', new Raw('1.0'), new Raw('1E+2'), new Raw('-0')];
  const bad = [-1, 0.5, Number.MAX_SAFE_INTEGER + 1, '', 'x'.repeat(65), new Raw('1e400'), new Raw('1e-7')];
  for (const id of ok) t.true(parse(base('ping', {}, id)).ok, `id ${toJson(id)}`);
  for (const id of bad) t.like(parse(base('ping', {}, id)), {ok: false, id: null, error: {code: 'BAD_REQUEST'}}, `id ${toJson(id)}`);
  for (const type of ['Ping', 'PING', ' ping', 'ping ', 'pi\u0000ng', '', ...protoKeys, 'toJSON']) {
    t.like(parse(base('ping').set('type', type)), {ok: false, id: 7, error: {code: 'UNKNOWN_TYPE'}}, `type ${JSON.stringify(type)}`);
  }
});

test('control characters: refused in plain fields; in message text only \\n is allowed', (t) => {
  const controls = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\r', '\u000b', '\f', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009b', '\u009f'];
  const plain: [RequestType, string][] = [
    ['hello', 'client'],
    ['login', 'username'],
    ['search', 'text'],
    ['send', 'clientMsgId'],
    ['accept', 'username'],
    ['reject', 'username'],
    ['kick', 'username'],
    ['ban', 'username'],
    ['register', 'username'],
    ['register', 'alias'],
  ];
  for (const c of [...controls, '\n']) {
    for (const [type, name] of plain) {
      const params = corpus[type].find((p) => typeof p[name] === 'string') ?? {};
      const value = `ab${c}cd`;
      t.like(parse(base(type, params).set(name, value)), {ok: false, error: {code: 'BAD_REQUEST'}}, `${type}.${name} with ${JSON.stringify(c)}`);
      t.like(parse(base(type, params).set(name, new Escaped(value))), {ok: false, error: {code: 'BAD_REQUEST'}}, `${type}.${name} with escaped ${JSON.stringify(c)}`);
    }
  }
  for (const c of controls) t.like(parse(base('send').set('text', `ab${c}cd`)), {ok: false, error: {code: 'BAD_REQUEST'}}, `send.text with ${JSON.stringify(c)}`);
  const multiline = parse(base('send').set('text', 'one\ntwo\n'));
  t.true(multiline.ok);
  if (multiline.ok && multiline.request.type === 'send') t.is(multiline.request.text, 'one\ntwo\n');
  for (const blank of [' ', '\n', ' \n \n ', '\u3000', '\u00a0\u2028']) {
    t.like(parse(base('send').set('text', blank)), {ok: false, error: {code: 'BAD_REQUEST'}}, `blank text ${JSON.stringify(blank)}`);
  }
  // Visible but unusual characters are content, not control: they are kept.
  for (const text of ['\u2028', '\u202eevil', '\u200b', '\ufeffx', 'a\u200db', '\uffff']) {
    const parsed = parse(base('send').set('text', `${text}!`));
    t.true(parsed.ok, JSON.stringify(text));
  }
});

test('lengths at the limits (message text and alias in code points)', (t) => {
  const len = (type: RequestType, name: string, value: string) => parse(base(type, corpus[type].find((p) => name in p) ?? corpus[type][0]).set(name, value)).ok;
  t.true(len('send', 'text', '😀'.repeat(limits.maxMessageChars)), '4000 4-byte code points');
  t.false(len('send', 'text', '😀'.repeat(limits.maxMessageChars + 1)));
  t.true(len('send', 'text', `${'a'.repeat(limits.maxMessageChars - 2)}𝄞é`));
  t.false(len('send', 'text', 'a'.repeat(limits.maxMessageChars + 1)));
  t.true(len('send', 'clientMsgId', 'k'.repeat(limits.clientMsgIdMax)));
  t.false(len('send', 'clientMsgId', 'k'.repeat(limits.clientMsgIdMax + 1)));
  t.true(len('search', 'text', 's'.repeat(limits.searchMaxChars)));
  t.false(len('search', 'text', 's'.repeat(limits.searchMaxChars + 1)));
  t.true(len('register', 'alias', '李'.repeat(limits.aliasMax)));
  t.true(len('register', 'alias', '𠜎'.repeat(limits.aliasMax)), '32 four-byte letters');
  t.false(len('register', 'alias', '李'.repeat(limits.aliasMax + 1)));
  t.true(len('register', 'username', 'u'.repeat(limits.usernameMax)));
  t.false(len('register', 'username', 'u'.repeat(limits.usernameMax + 1)));
  t.false(len('register', 'username', 'u'));
  t.true(len('register', 'password', 'p'.repeat(limits.passwordMax)));
  t.false(len('register', 'password', 'p'.repeat(limits.passwordMax + 1)));
  t.false(len('register', 'password', 'p'.repeat(limits.passwordMin - 1)));
  t.true(len('login', 'username', 'u'.repeat(255)));
  t.false(len('login', 'username', 'u'.repeat(256)));
  t.true(len('resume', 'token', 't'.repeat(128)));
  t.false(len('resume', 'token', 't'.repeat(129)));
  t.true(len('hello', 'client', 'c'.repeat(64)));
  t.false(len('hello', 'client', 'c'.repeat(65)));
  t.true(len('join', 'salon', 's'.repeat(64)));
  t.false(len('join', 'salon', 's'.repeat(65)));
});

test('prototype-pollution keys are dropped and reach no prototype', (t) => {
  const before = prototypeSnapshot();
  for (const type of requestTypes) {
    for (const key of [...protoKeys, 'polluted', 'role', 'isModerator', 'stage', 'session']) {
      for (const payload of pollution) {
        const parsed = parse(base(type).add(key, payload));
        t.true(parsed.ok, `${type} + ${key}`);
        if (!parsed.ok) continue;
        t.deepEqual(Object.keys(parsed.request).sort(), Object.keys({id: 7, type, ...corpus[type][0]}).sort(), `${type} + ${key}`);
        t.is(Object.getPrototypeOf(parsed.request), Object.prototype);
        t.false(Object.hasOwn(parsed.request, '__proto__'));
        t.is((parsed.request as unknown as Record<string, unknown>).polluted, undefined);
      }
    }
    // A whole request nested under __proto__ is not a request.
    const nested = `{"__proto__":${toJson(base(type))}}`;
    t.like(parseRequest(nested), {ok: false, id: null, error: {code: 'BAD_REQUEST'}}, `${type} under __proto__`);
  }
  // Duplicate keys: the last one wins, as in JSON.parse, and it is validated.
  t.like(parseRequest('{"id":1,"type":"ping","type":"__proto__"}'), {ok: false, error: {code: 'UNKNOWN_TYPE'}});
  t.like(parseRequest('{"id":1,"type":"send","salon":1,"text":"ok","text":"\\u001b[2J"}'), {ok: false, error: {code: 'BAD_REQUEST'}});
  t.is(({} as Record<string, unknown>).polluted, undefined);
  t.is(prototypeSnapshot(), before);
});

test('frames that are not objects, or not JSON, are BAD_FRAME with a null id', (t) => {
  for (const line of ['null', '[]', '[{"id":1,"type":"ping"}]', '"ping"', '1', 'true', '{', '{"id":1,"type":"ping"', "{'id':1}", '{"id":1,"type":"ping"}x', 'NaN', '\ufeff{"id":1,"type":"ping"}', '{"id":1,"type":"ping",}', '{"id":01,"type":"ping"}']) {
    t.like(parseRequest(line), {ok: false, id: null, error: {code: 'BAD_FRAME'}}, JSON.stringify(line));
  }
});

// A value nested thousands deep is tiny on the wire (2 bytes per level) and JSON.parse takes
// it; nothing after parsing may recurse over it. Any field may carry it.
test('a deeply nested value in any field is refused without throwing', (t) => {
  const problems: string[] = [];
  for (const type of requestTypes) {
    for (const key of ['id', 'type', ...fields[type].map((f) => f.name), 'extra', '__proto__']) {
      for (const depth of [5000, 30_000]) {
        for (const kind of ['array', 'object'] as const) {
          const line = toJson(base(type).set(key, new Deep(depth, kind)));
          if (Buffer.byteLength(line) > limits.maxFrameBytes) continue;
          try {
            const parsed = parseRequest(line);
            problems.push(...parseViolations(parsed).map((v) => `${type}.${key} ${kind} ${depth}: ${v}`));
          } catch (error) {
            problems.push(`${type}.${key} (${kind} nested ${depth} deep): parseRequest threw ${String(error)}`);
          }
        }
      }
    }
  }
  const distinct = [...new Set(problems.map((p) => p.replace(/^\w+\./, '*.')))];
  t.deepEqual(distinct, [], `${problems.length} problems, e.g. ${problems[0]}`);
});

test('huge frames: just under the limit parse; the limit is counted in bytes, \\r included', (t) => {
  const sunk: Sunk[] = [];
  const decoder = new LineDecoder(limits.maxFrameBytes, {line: (text) => sunk.push({kind: 'line', text}), fault: (code) => sunk.push({kind: 'fault', code})});
  const frame = (bytes: number, cr = false) => {
    const head = '{"id":1,"type":"send","salon":1,"text":"';
    const tail = '"}';
    const fill = bytes - head.length - tail.length - (cr ? 1 : 0);
    return Buffer.from(`${head}${'é'.repeat(Math.floor(fill / 2))}${fill % 2 ? 'a' : ''}${tail}${cr ? '\r' : ''}\n`);
  };
  decoder.push(frame(limits.maxFrameBytes));
  decoder.push(frame(limits.maxFrameBytes + 1));
  decoder.push(frame(limits.maxFrameBytes, true));
  decoder.push(frame(limits.maxFrameBytes + 1, true));
  t.deepEqual(sunk.map((s) => s.kind === 'fault' ? s.code : 'line'), ['line', 'FRAME_TOO_LARGE', 'line', 'FRAME_TOO_LARGE']);
  const first = sunk[0];
  if (first?.kind === 'line') t.like(parseRequest(first.text), {ok: false, error: {code: 'BAD_REQUEST'}}, 'too many code points for a message');
  t.is(decoder.pendingBytes, 0);
});
