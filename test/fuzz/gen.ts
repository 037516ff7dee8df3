/**
 * Deterministic input generation for the fuzz tests: a seeded PRNG, a corpus with a valid
 * request of every type, mutators (structural and byte-level) and invariant checks on what
 * the protocol layer hands on. No test registrations here (ava only runs *.test.js).
 *
 * Reproduce a run with FUZZ_SEED=<seed> (printed in every failure message).
 */
import {isErrorCode} from '../../source/protocol/errors.js';
import {type RequestType, requestSchemas} from '../../source/protocol/frames.js';
import {limits} from '../../source/protocol/limits.js';

// ---- PRNG -------------------------------------------------------------------------------

export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: tiny, fast, good enough to drive a fuzzer; same seed, same sequence. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    seed: seed >>> 0,
    next,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
  };
}

/** The seed of this run: FUZZ_SEED if given (decimal or 0x hex), else a fixed default. */
export function fuzzSeed(fallback: number): number {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return fallback >>> 0;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`FUZZ_SEED must be a number, got ${raw}`);
  return n >>> 0;
}

// ---- JSON with full control over the text ----------------------------------------------

/** A value written as is: numbers JSON.stringify cannot produce (1e400, -0, 1.0, 1E+2). */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object as a list of entries: duplicate keys and own "__proto__" keys survive. */
export class Obj {
  constructor(readonly entries: [string, unknown][]) {}
  static from(record: Record<string, unknown>): Obj {
    return new Obj(Object.entries(record));
  }
  get(key: string): unknown {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]?.[0] === key) return this.entries[i]?.[1];
    return undefined;
  }
  set(key: string, value: unknown): Obj {
    const at = this.entries.findIndex(([k]) => k === key);
    if (at === -1) this.entries.push([key, value]);
    else this.entries[at] = [key, value];
    return this;
  }
  delete(key: string): Obj {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]?.[0] === key) this.entries.splice(i, 1);
    return this;
  }
  add(key: string, value: unknown): Obj {
    this.entries.push([key, value]);
    return this;
  }
  clone(): Obj {
    return new Obj(this.entries.map(([k, v]) => [k, v]));
  }
}

/** Nested n levels deep, built as text (recursion-free). */
export class Deep {
  constructor(readonly depth: number, readonly kind: 'array' | 'object') {}
}

/** A string written with every code unit as a \uXXXX escape. */
export class Escaped {
  constructor(readonly value: string) {}
}

export function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Escaped) return `"${[...Array(value.value.length).keys()].map((i) => `\\u${value.value.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`;
  if (value instanceof Deep) {
    return value.kind === 'array' ? '['.repeat(value.depth) + ']'.repeat(value.depth) : '{"a":'.repeat(value.depth) + '{}' + '}'.repeat(value.depth);
  }
  if (value instanceof Obj) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value === undefined) return 'null';
  if (typeof value === 'object' && value !== null) return toJson(Obj.from(value as Record<string, unknown>));
  return JSON.stringify(value);
}

// ---- corpus: a valid request of every type ------------------------------------------------

export const requestTypes = Object.keys(requestSchemas) as RequestType[];

/** Valid parameters for every request type (several shapes where there are options). */
export const corpus: Record<RequestType, Record<string, unknown>[]> = {
  hello: [{version: 1}, {version: 1, client: 'chat 0.1.0'}],
  ping: [{}],
  register: [
    {username: 'alice', alias: 'Alice Martin', password: 'motdepasse1'},
    {username: 'Zoe.O-B_1', alias: "Zoë O'Brien-Ñúñez", password: 'correct horse'},
    {username: 'li', alias: '李小龙', password: '😀'.repeat(8)},
  ],
  login: [
    {username: 'alice', password: 'motdepasse1'},
    {username: 'Ancien Compte é', password: 'x'},
  ],
  resume: [{token: 'hOCO4o5FQAa7-tNpon1r_eeB5RHJdcMA7jbvReEiz4s'}],
  logout: [{}],
  salons: [{}],
  join: [{salon: 'Blabla'}, {salon: 2}, {salon: 'comptabilite'}, {salon: ' GÉNÉRAL '}],
  history: [{salon: 1}, {salon: 1, before: 10, limit: 50}, {salon: 'Général', after: 0, limit: 200}],
  send: [
    {salon: 1, text: 'Bonjour !', clientMsgId: 'c1-0001'},
    {salon: 'Blabla', text: 'line one\nline two'},
    {salon: 2, text: "'; DROP TABLE messages; -- 100% _sûr_ 😀"},
  ],
  edit: [{salon: 1, seq: 1, text: 'Bonjour à tous', clientMsgId: 'e1'}, {salon: 'Blabla', seq: 999, text: 'x'}],
  delete: [{salon: 1, seq: 1}, {salon: 2, seq: 0, clientMsgId: 'd1'}],
  react: [
    {salon: 1, seq: 1, emoji: '👍'},
    {salon: 1, seq: 1, emoji: '👩‍💻', on: false, clientMsgId: 'r1'},
    {salon: 2, seq: 3, emoji: ':tada:'},
    {salon: 2, seq: 3, emoji: '🇫🇷'},
  ],
  reactions: [{salon: 1, seq: 1}],
  typing: [{salon: 1}, {salon: 'Blabla', active: false}],
  search: [{salon: 1, text: 'budget'}, {salon: 1, text: '100%', before: 5, limit: 10}, {text: 'réunion from:alice after:2026-11-01'}, {text: '"budget final"', beforeId: 40}],
  members: [{salon: 1}, {salon: 'Blabla'}],
  read: [{salon: 1, seq: 4}, {salon: 2, seq: 0}],
  pending: [{}],
  accept: [{username: 'alice', salon: 3}],
  reject: [{username: 'alice', salon: 'Comptabilité'}],
  kick: [{username: 'bob'}, {username: 'bob', seconds: 1800, reason: 'flood'}],
  ban: [{username: 'bob'}, {username: 'bob', reason: 'spam'}],
  blocks: [{}],
  lift: [{username: 'bob'}],
  dm: [{with: ['nobody']}, {with: ['Nobody Here', 'someone']}],
  block: [{username: 'nobody'}],
  unblock: [{username: 'nobody'}],
  salon_create: [{name: 'Projets'}, {name: 'Équipe B', moderated: true}],
  salon_archive: [{salon: 'Projets'}, {salon: 2}],
};

/** Every parameter of every type, required or not. */
export const fields: Record<RequestType, {name: string; required: boolean; boolean?: true}[]> = {
  hello: [{name: 'version', required: true}, {name: 'client', required: false}],
  ping: [],
  register: [{name: 'username', required: true}, {name: 'alias', required: true}, {name: 'password', required: true}],
  login: [{name: 'username', required: true}, {name: 'password', required: true}],
  resume: [{name: 'token', required: true}],
  logout: [],
  salons: [],
  join: [{name: 'salon', required: true}],
  history: [
    {name: 'salon', required: true},
    {name: 'before', required: false},
    {name: 'after', required: false},
    {name: 'limit', required: false},
  ],
  send: [{name: 'salon', required: true}, {name: 'text', required: true}, {name: 'clientMsgId', required: false}, {name: 'replyTo', required: false}],
  edit: [{name: 'salon', required: true}, {name: 'seq', required: true}, {name: 'text', required: true}, {name: 'clientMsgId', required: false}],
  delete: [{name: 'salon', required: true}, {name: 'seq', required: true}, {name: 'clientMsgId', required: false}],
  react: [
    {name: 'salon', required: true},
    {name: 'seq', required: true},
    {name: 'emoji', required: true},
    {name: 'on', required: false, boolean: true},
    {name: 'clientMsgId', required: false},
  ],
  reactions: [{name: 'salon', required: true}, {name: 'seq', required: true}],
  typing: [{name: 'salon', required: true}, {name: 'active', required: false, boolean: true}],
  search: [
    {name: 'salon', required: false},
    {name: 'text', required: true},
    {name: 'before', required: false},
    {name: 'beforeId', required: false},
    {name: 'limit', required: false},
  ],
  members: [{name: 'salon', required: true}],
  read: [{name: 'salon', required: true}, {name: 'seq', required: true}],
  pending: [],
  accept: [{name: 'username', required: true}, {name: 'salon', required: true}],
  reject: [{name: 'username', required: true}, {name: 'salon', required: true}],
  kick: [{name: 'username', required: true}, {name: 'seconds', required: false}, {name: 'reason', required: false}],
  ban: [{name: 'username', required: true}, {name: 'reason', required: false}],
  blocks: [],
  lift: [{name: 'username', required: true}],
  dm: [{name: 'with', required: true}],
  block: [{name: 'username', required: true}],
  unblock: [{name: 'username', required: true}],
  salon_create: [{name: 'name', required: true}, {name: 'moderated', required: false, boolean: true}],
  salon_archive: [{name: 'salon', required: true}],
};

/** Values no parameter of any type accepts (booleans aside, for the few boolean fields): a wrong type everywhere. */
export const alwaysWrong: readonly unknown[] = [null, true, false, [], new Obj([]), [1], new Obj([['a', 1]]), new Deep(50, 'array')];

export const protoKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

/** Payloads that would pollute Object.prototype if a parser merged them naively. */
export const pollution: readonly unknown[] = [
  new Obj([['polluted', 'yes']]),
  new Obj([['prototype', new Obj([['polluted', 'yes']])]]),
  new Obj([['__proto__', new Obj([['polluted', 'yes']])]]),
  new Obj([['constructor', new Obj([['prototype', new Obj([['polluted', 'yes']])]])]]),
];

export const hostileStrings: readonly string[] = [
  '',
  ' ',
  '   \n  ',
  '\u0000',
  'a\u0000b',
  '\u001b[2J\u001b[31mred',
  '\r',
  '\n',
  '\t',
  'x\ny',
  'x\r\ny',
  '\u007f',
  '\u0085',
  '\u009b31m',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ud800',
  '\udc00x',
  '\udbff\udfff',
  '😀',
  '𝄞',
  '👩‍👩‍👧',
  'é',
  'e\u0301',
  '\u202eevil\u202c',
  '\u200b\u200c\u200d',
  "'; DROP TABLE messages; --",
  'x\'; DROP TABLE clients;--',
  '%',
  '_',
  '\\',
  "\\'",
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'Général',
  'comptabilite',
  '3',
  '0',
  '-1',
  '1e3',
  ' 1 ',
  '0x10',
  'NaN',
  'x'.repeat(63),
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(255),
  'x'.repeat(256),
  'x'.repeat(1024),
  'x'.repeat(1025),
  '\n'.repeat(10),
  'مرحبا שלום',
  '{"id":1,"type":"hello","version":1}',
];

export const hostileNumbers: readonly unknown[] = [
  0,
  1,
  -1,
  0.5,
  -0.5,
  2 ** 31 - 1,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  -Number.MAX_SAFE_INTEGER,
  1e308,
  5e-324,
  1e21,
  new Raw('1e400'),
  new Raw('-1e400'),
  new Raw('-0'),
  new Raw('1.0'),
  new Raw('1E+2'),
  new Raw('1e-7'),
  new Raw('123456789012345678901234567890'),
  new Raw('0.0000000000000000000000000001'),
];

export function randomString(r: Rng): string {
  const k = r.int(6);
  if (k === 0) return r.pick(hostileStrings);
  const len = r.pick([0, 1, 2, 5, 20, 64, 65, 200, 1000]);
  const alphabets = ['abcXYZ019 _.-', "'\"\\%_!;-", '\u0000\u0001\u001b\u007f\u0085\n\r\t', 'éèàçÑ', '😀𝄞👩‍👧', '\ud800\udc00\udfff', 'مرحباשלוםМария李'];
  const alphabet = [...r.pick(alphabets)];
  let s = '';
  for (let i = 0; i < len; i++) s += r.pick(alphabet);
  return k === 5 ? s.slice(0, r.int(s.length + 1)) : s; // slicing may cut a surrogate pair
}

export function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 7 : 10)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick(hostileNumbers);
    case 3:
      return r.int(2000) - 10;
    case 4:
    case 5:
      return randomString(r);
    case 6:
      return new Escaped(randomString(r).slice(0, 100));
    case 7:
      return Array.from({length: r.int(4)}, () => randomValue(r, depth + 1));
    case 8:
      return new Obj(Array.from({length: r.int(4)}, () => [r.chance(0.3) ? r.pick(protoKeys) : randomString(r).slice(0, 10), randomValue(r, depth + 1)]));
    default:
      // Deep values are big on the wire: rare inside other values, common at the top.
      return depth === 0 || r.chance(0.1) ? new Deep(r.pick([10, 100, 1000, 5000, 12_000]), r.chance(0.7) ? 'array' : 'object') : new Deep(r.range(2, 30), 'array');
  }
}

export function randomId(r: Rng): unknown {
  return r.chance(0.8) ? r.int(1_000_000) : r.pick([0, Number.MAX_SAFE_INTEGER, 'a', 'req-1', 'x'.repeat(64), '😀', '\u0000']);
}

/** A valid request of a random type, as an Obj (id first, then type, then parameters). */
export function validFrame(r: Rng, type: RequestType = r.pick(requestTypes), id: unknown = r.int(1_000_000)): Obj {
  const params = r.pick(corpus[type]);
  return new Obj([['id', id], ['type', type], ...Object.entries(params)]);
}

// ---- mutators ---------------------------------------------------------------------------

export interface Case {
  bytes: Buffer;
  /** What was done, for failure messages. */
  how: string;
}

const SPECIAL_BYTES: readonly number[][] = [
  [0x00],
  [0x1b],
  [0x0d],
  [0x0a],
  [0x0d, 0x0a],
  [0x7f],
  [0xc0, 0x80], // overlong NUL
  [0xc1, 0xbf], // overlong
  [0x80], // lone continuation
  [0xbf],
  [0xff],
  [0xfe],
  [0xed, 0xa0, 0x80], // UTF-8 encoded surrogate
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xe2, 0x82], // truncated 3-byte sequence
  [0xf0, 0x9f, 0x98], // truncated emoji
  [0xef, 0xbb, 0xbf], // BOM
  [0x22], // "
  [0x5c], // backslash
  [0x7b],
  [0x7d],
  [0x2c],
];

function structural(r: Rng, frame: Obj, type: string): string {
  const params = fields[type as RequestType]?.map((f) => f.name) ?? [];
  const anyField = () => r.pick(['id', 'type', ...params, ...params]);
  switch (r.int(11)) {
    case 0: {
      const f = anyField();
      frame.set(f, randomValue(r));
      return `set ${f}`;
    }
    case 1: {
      const f = anyField();
      frame.delete(f);
      return `delete ${f}`;
    }
    case 2: {
      const k = r.pick(protoKeys);
      frame.add(k, r.chance(0.6) ? r.pick(pollution) : randomValue(r));
      return `extra ${k}`;
    }
    case 3: {
      const f = anyField();
      frame.add(f, randomValue(r));
      return `duplicate key ${f}`;
    }
    case 4: {
      const f = r.pick([...protoKeys, 'id', 'type', ...params]);
      const d = new Deep(r.pick([100, 1000, 5000, 12_000]), r.chance(0.7) ? 'array' : 'object');
      frame.set(f, d);
      return `deep ${d.kind} ${d.depth} in ${f}`;
    }
    case 5: {
      const f = r.chance(0.7) && params.length > 0 ? r.pick(params) : anyField();
      // Sizes in bytes on the wire: around the message limit and around the frame limit.
      const bytes = r.pick([1000, 1000, 4001, 4001, 16_004, 65_400, 70_000]);
      const unit = r.pick(['a', 'é', '😀', '\\n', '\\u0000']);
      const n = Math.ceil(bytes / Buffer.byteLength(unit));
      frame.set(f, unit.startsWith('\\') ? new Raw(`"${unit.repeat(n)}"`) : unit.repeat(n));
      return `huge ${f} ${n}×${JSON.stringify(unit)}`;
    }
    case 6: {
      const t = r.pick(['Hello', 'HELLO', ' hello', 'hello ', 'hel\u0000lo', 'héllo', '', 'fly', ...protoKeys, 'send\n', 'toJSON']);
      frame.set('type', t);
      return `type ${JSON.stringify(t)}`;
    }
    case 7: {
      const id = r.pick([-1, 0.5, '', 'x'.repeat(65), null, true, [], new Obj([]), Number.MAX_SAFE_INTEGER + 2, new Raw('1e400'), new Raw('-0')]);
      frame.set('id', id);
      return `id ${toJson(id).slice(0, 20)}`;
    }
    case 8: {
      const f = anyField();
      const v = frame.get(f);
      if (typeof v === 'string' && v.length <= 1000) frame.set(f, new Escaped(v));
      return `escape ${f}`;
    }
    case 9: {
      const f = params.length > 0 ? r.pick(params) : anyField();
      const v = frame.get(f);
      const s = typeof v === 'string' ? v : 'x';
      const at = r.int(s.length + 1);
      const ins = r.pick(['\u0000', '\u001b', '\r', '\n', '\t', '\u007f', '\u0085', '\u2028', '\ud800', '\ufeff']);
      frame.set(f, s.slice(0, at) + ins + s.slice(at));
      return `insert ${JSON.stringify(ins)} in ${f}`;
    }
    default: {
      const n = r.int(20);
      for (let i = 0; i < n; i++) frame.add(`extra${i}`, randomValue(r, 1));
      return `${n} extra fields`;
    }
  }
}

function bytewise(r: Rng, bytes: Buffer): [Buffer, string] {
  if (bytes.length === 0) return [Buffer.from(r.pick(SPECIAL_BYTES)), 'special'];
  switch (r.int(6)) {
    case 0: {
      const out = Buffer.from(bytes);
      const flips = r.range(1, 8);
      for (let i = 0; i < flips; i++) {
        const at = r.int(out.length);
        out[at] = (out[at] ?? 0) ^ (1 << r.int(8));
      }
      return [out, `${flips} bit flips`];
    }
    case 1: {
      const at = r.int(bytes.length);
      return [bytes.subarray(0, at), `truncated at ${at}`];
    }
    case 2: {
      const a = r.int(bytes.length);
      const b = a + r.int(Math.min(200, bytes.length - a) + 1);
      const at = r.int(bytes.length + 1);
      return [Buffer.concat([bytes.subarray(0, at), bytes.subarray(a, b), bytes.subarray(at)]), `duplicated ${a}..${b} at ${at}`];
    }
    case 3: {
      const ins = Buffer.from(r.pick(SPECIAL_BYTES));
      const at = r.int(bytes.length + 1);
      return [Buffer.concat([bytes.subarray(0, at), ins, bytes.subarray(at)]), `inserted ${ins.toString('hex')} at ${at}`];
    }
    case 4: {
      const a = r.int(bytes.length);
      const b = a + r.int(bytes.length - a + 1);
      return [Buffer.concat([bytes.subarray(0, a), bytes.subarray(b)]), `deleted ${a}..${b}`];
    }
    default: {
      const out = Buffer.from(bytes);
      const at = r.int(out.length);
      const n = Math.min(out.length - at, r.range(1, 16));
      for (let i = 0; i < n; i++) out[at + i] = r.int(256);
      return [out, `random bytes at ${at}`];
    }
  }
}

/** One fuzz input: random bytes, a random JSON value, or a valid frame mutated. */
export function fuzzCase(r: Rng): Case {
  const k = r.int(100);
  if (k < 5) {
    const n = r.pick([0, 1, 2, 10, 100, 300]);
    return {bytes: Buffer.from(Array.from({length: n}, () => r.int(256))), how: `${n} random bytes`};
  }
  if (k < 12) {
    const v = randomValue(r);
    return {bytes: Buffer.from(toJson(v)), how: 'random JSON value'};
  }
  if (k < 22) {
    const f = validFrame(r, undefined, randomId(r));
    return {bytes: Buffer.from(toJson(f)), how: `valid ${String(f.get('type'))}`};
  }
  const frame = validFrame(r, undefined, randomId(r));
  const type = String(frame.get('type'));
  const how: string[] = [type];
  const structuralCount = k < 80 ? r.range(1, 3) : 0;
  for (let i = 0; i < structuralCount; i++) how.push(structural(r, frame, type));
  let bytes: Buffer = Buffer.from(toJson(frame));
  const byteCount = k >= 65 ? r.range(1, 3) : 0;
  for (let i = 0; i < byteCount; i++) {
    const [out, what] = bytewise(r, bytes);
    bytes = out;
    how.push(what);
  }
  return {bytes, how: how.join(', ')};
}

// ---- invariants -------------------------------------------------------------------------

// Same classes as the protocol: C0 except \n, DEL, C1 for message text; plus \n elsewhere.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u;
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f]/u;
const codePoints = (s: string) => [...s].length;
// PROTOCOL.md section 5: "Every text must be well-formed Unicode (no lone surrogate)". A
// lone surrogate is one code point of category Cs; a pair is one astral code point.
const wellFormed = (s: string) => !/\p{Cs}/u.test(s);

/**
 * Lengths as the schemas count them. Zod 4 counts string lengths in code points, so every
 * length limit is in code points; docs/PROTOCOL.md (section 5) says plain fields, tokens and
 * passwords count UTF-16 units, which is not what the code does.
 */
const len = (s: string) => codePoints(s);

function isSeq(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
function isSalonRef(v: unknown): boolean {
  return (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2 ** 31 - 1) || (typeof v === 'string' && len(v) >= 1 && len(v) <= 64);
}
function isPlain(v: unknown, max: number): boolean {
  return typeof v === 'string' && len(v) >= 1 && len(v) <= max && !CONTROL_OR_NEWLINE.test(v) && wellFormed(v);
}
function isLimit(v: unknown): boolean {
  return v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= limits.historyMaxPage);
}

/** Violations of the schema's promises by a request parseRequest accepted. */
export function requestViolations(request: Record<string, unknown>): string[] {
  const out: string[] = [];
  const {id, type} = request;
  if (!((typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) || (typeof id === 'string' && len(id) >= 1 && len(id) <= 64))) {
    out.push(`bad id ${JSON.stringify(id)}`);
  }
  if (typeof type !== 'string' || !Object.hasOwn(requestSchemas, type)) return [...out, `bad type ${String(type)}`];
  if (Object.getPrototypeOf(request) !== Object.prototype) out.push('request is not a plain object');
  const allowed = new Set(['id', 'type', ...fields[type as RequestType].map((f) => f.name)]);
  for (const key of Reflect.ownKeys(request)) if (typeof key !== 'string' || !allowed.has(key)) out.push(`unexpected key ${String(key)}`);
  for (const f of fields[type as RequestType]) if (f.required && request[f.name] === undefined) out.push(`missing ${f.name}`);
  const p = request;
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(`${what}: ${JSON.stringify(p).slice(0, 200)}`);
  };
  switch (type as RequestType) {
    case 'hello':
      check(typeof p.version === 'number' && Number.isInteger(p.version) && p.version >= 1, 'hello.version');
      check(p.client === undefined || isPlain(p.client, 64), 'hello.client');
      break;
    case 'register':
      check(typeof p.username === 'string' && /^[A-Za-z0-9_.-]{2,32}$/.test(p.username), 'register.username');
      check(
        typeof p.alias === 'string' &&
          codePoints(p.alias) >= 1 &&
          codePoints(p.alias) <= limits.aliasMax &&
          /^[\p{L}\p{M}\p{N}_.'-]+(?: [\p{L}\p{M}\p{N}_.'-]+)*$/u.test(p.alias) &&
          !CONTROL_OR_NEWLINE.test(p.alias),
        'register.alias',
      );
      check(typeof p.password === 'string' && len(p.password) >= limits.passwordMin && len(p.password) <= limits.passwordMax && wellFormed(p.password), 'register.password');
      break;
    case 'login':
      check(isPlain(p.username, 255), 'login.username');
      check(typeof p.password === 'string' && len(p.password) >= 1 && len(p.password) <= limits.passwordMax && wellFormed(p.password), 'login.password');
      break;
    case 'resume':
      check(typeof p.token === 'string' && len(p.token) >= 1 && len(p.token) <= 128 && wellFormed(p.token), 'resume.token');
      break;
    case 'join':
    case 'members':
      check(isSalonRef(p.salon), `${type}.salon`);
      break;
    case 'history':
      check(isSalonRef(p.salon), 'history.salon');
      check(p.before === undefined || isSeq(p.before), 'history.before');
      check(p.after === undefined || isSeq(p.after), 'history.after');
      check(p.before === undefined || p.after === undefined, 'history before and after');
      check(isLimit(p.limit), 'history.limit');
      break;
    case 'send':
      check(isSalonRef(p.salon), 'send.salon');
      check(
        typeof p.text === 'string' && p.text.trim().length > 0 && codePoints(p.text) <= limits.maxMessageChars && !CONTROL.test(p.text) && wellFormed(p.text),
        'send.text',
      );
      check(p.clientMsgId === undefined || isPlain(p.clientMsgId, limits.clientMsgIdMax), 'send.clientMsgId');
      break;
    case 'search':
      check(p.salon === undefined || isSalonRef(p.salon), 'search.salon');
      check(isPlain(p.text, limits.searchMaxChars), 'search.text');
      check(p.before === undefined || isSeq(p.before), 'search.before');
      check(p.beforeId === undefined || (typeof p.beforeId === 'number' && Number.isSafeInteger(p.beforeId) && p.beforeId > 0), 'search.beforeId');
      check(isLimit(p.limit), 'search.limit');
      break;
    case 'read':
      check(isSalonRef(p.salon), 'read.salon');
      check(isSeq(p.seq), 'read.seq');
      break;
    case 'accept':
    case 'reject':
      check(isPlain(p.username, 255), `${type}.username`);
      check(isSalonRef(p.salon), `${type}.salon`);
      break;
    case 'kick':
    case 'ban':
    case 'lift':
      check(isPlain(p.username, 255), `${type}.username`);
      if (p.reason !== undefined) check(isPlain(p.reason, 300), `${type}.reason`);
      if (p.seconds !== undefined) check(Number.isInteger(p.seconds) && (p.seconds as number) >= 1 && (p.seconds as number) <= 366 * 24 * 3600, `${type}.seconds`);
      break;
    default:
      break;
  }
  return out;
}

const STACK = /\n\s*at |\bat [^\s]+ \(|file:\/\/|node:internal|\.[jt]s:\d+|\bstack\b/i;

/** Violations of the error-response promises (known code, no internals leaked). */
export function errorViolations(frame: unknown): string[] {
  const out: string[] = [];
  if (typeof frame !== 'object' || frame === null) return ['error response is not an object'];
  const f = frame as Record<string, unknown>;
  const keys = Object.keys(f).sort().join(',');
  if (keys !== 'error,id,ok') out.push(`error response keys ${keys}`);
  if (f.ok !== false) out.push('ok is not false');
  const e = f.error as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null) return [...out, 'no error object'];
  for (const k of Object.keys(e)) if (!['code', 'message', 'details'].includes(k)) out.push(`unexpected error key ${k}`);
  if (!isErrorCode(e.code)) out.push(`unknown code ${String(e.code)}`);
  if (typeof e.message !== 'string' || e.message.length === 0) out.push('message is not a non-empty string');
  else if (STACK.test(e.message)) out.push(`message looks like internals: ${e.message.slice(0, 200)}`);
  if (e.details !== undefined) {
    if (typeof e.details !== 'object' || e.details === null || Array.isArray(e.details)) out.push('details is not an object');
    const issues = (e.details as Record<string, unknown> | null)?.issues;
    if (issues !== undefined) {
      if (!Array.isArray(issues) || issues.length > 5) out.push('issues is not an array of at most 5');
      else
        for (const issue of issues) {
          const ok = typeof issue?.field === 'string' && typeof issue?.problem === 'string' && !STACK.test(issue.problem);
          if (!ok) out.push(`bad issue ${JSON.stringify(issue).slice(0, 200)}`);
        }
    }
    if (STACK.test(JSON.stringify(e.details))) out.push('details look like internals');
  }
  const id = f.id;
  if (!(id === null || typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0))) out.push(`bad id ${JSON.stringify(id)}`);
  if ((e.code === 'BAD_FRAME' || e.code === 'FRAME_TOO_LARGE') && id !== null) out.push(`${String(e.code)} with id ${JSON.stringify(id)}`);
  return out;
}

/** Prototype state to compare before/after: pollution shows up as a new or changed key. */
export function prototypeSnapshot(): string {
  const protos = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
  return protos.map((p) => Reflect.ownKeys(p).map(String).sort().join(',')).join('|');
}

/** A short, escaped excerpt of bytes for failure messages. */
export function excerpt(bytes: Buffer | string, max = 160): string {
  const s = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  const cut = s.length > max ? `${s.slice(0, max)}…(${s.length} total)` : s;
  return JSON.stringify(cut);
}
