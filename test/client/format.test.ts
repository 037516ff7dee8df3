import test from 'ava';
import type {MessageInfo} from '../../source/protocol/frames.js';
import {
  DELETED_AUTHOR,
  type PaneLine,
  aliasColor,
  aliasPalette,
  dayLabel,
  displayWidth,
  mentions,
  messageLines,
  sameDay,
  sanitize,
  sanitizeLine,
  timeLabel,
  wrap,
} from '../../source/client/format.js';

test('sanitize strips screen clears, OSC titles and links, bells and bidi overrides', (t) => {
  t.is(sanitize('a\u001b[2Jb'), 'ab');
  t.is(sanitize('\u001b[1;31mred\u001b[0m'), 'red');
  t.is(sanitize('x\u001b]0;pwned\u0007y'), 'xy');
  t.is(sanitize('\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\'), 'link');
  t.is(sanitize('ding\u0007\u0007'), 'ding');
  t.is(sanitize('abc\u202edef\u2066g\u2069'), 'abcdefg');
  t.is(sanitize('8-bit \u009b2J CSI\u007f'), '8-bit  CSI');
  t.is(sanitize('unterminated \u001b]0;title'), 'unterminated ');
  t.is(sanitize('a\tb\r\nc\rd'), 'a b\ncd');
  t.is(sanitize('plain é 😀 日本'), 'plain é 😀 日本');
});

test('sanitize drops invisible format characters but keeps the joiners and selectors emoji need', (t) => {
  // Zero-width space and joiner-less ZWJ, RLM/LRM/ALM, bidi embeddings and isolates, BOM, soft hyphen, tags.
  t.is(sanitize('Al\u200bi\u200dce'), 'Alice');
  t.is(sanitize('\u200fadmin\u200e\u061c'), 'admin');
  t.is(sanitize('a\u202ab\u202cc\u2067d\u2069\ufeffe\u00adf\u{e0041}'), 'abcdef');
  // Hangul fillers draw nothing in some terminals and 2 columns in others: aliases hide behind them.
  t.is(sanitize('x\u3164\u115f\uffa0y'), 'xy');
  // Emoji keep their ZWJ (between pictographs) and VS16.
  t.is(sanitize('👩\u200d👩\u200d👧 ⚠\ufe0f ❤\ufe0f\u200d🔥 🧑🏽\u200d💻'), '👩\u200d👩\u200d👧 ⚠\ufe0f ❤\ufe0f\u200d🔥 🧑🏽\u200d💻');
  t.is(sanitize('👩\u200b\u200d👩'), '👩\u200d👩', 'a ZWJ that joins pictographs once the ZWSP is gone');
  t.is(sanitize('a\u200d👩 👩\u200d'), 'a👩 👩');
});

test('sanitize turns Unicode line and paragraph separators into line breaks', (t) => {
  t.is(sanitize('one\u2028two\u2029three\u0085four'), 'one\ntwo\nthree\nfour');
  t.is(sanitizeLine('Jean\u2028Pierre\nDupont'), 'Jean Pierre Dupont');
});

test('sanitize keeps at most 4 combining marks on a character', (t) => {
  const zalgo = 'Z' + '\u0301\u0302\u0303\u0304'.repeat(1000) + 'a\u0301';
  t.is(sanitize(zalgo), 'Z\u0301\u0302\u0303\u0304a\u0301');
  t.is(sanitize('Ầ́'), 'Ầ́', 'what languages put on a letter stays');
  t.is(sanitize('e\u0301'.normalize('NFD')), 'e\u0301');
  t.is(sanitize(sanitize(zalgo)), sanitize(zalgo), 'idempotent');
});

test('displayWidth counts wide characters and emoji as 2 and combining marks as 0', (t) => {
  t.is(displayWidth('abc'), 3);
  t.is(displayWidth('日本語'), 6);
  t.is(displayWidth('😀'), 2);
  t.is(displayWidth('👨‍👩‍👧'), 2);
  t.is(displayWidth('🇫🇷'), 2);
  t.is(displayWidth('❤️'), 2);
  t.is(displayWidth('e\u0301'), 1);
  t.is(displayWidth('한국'), 4);
  t.is(displayWidth('ｆｕｌｌ'), 8);
  t.is(displayWidth(''), 0);
});

const widest = (lines: string[]) => Math.max(...lines.map(displayWidth));
const visible = (s: string) => s.replace(/[ \n]/gu, '');

test('wrap never exceeds the width, with wide CJK and emoji characters', (t) => {
  const texts = [
    '日本語のテキストを折り返します 😀😀😀 and some English words',
    '👨‍👩‍👧 family 🇫🇷 flag 😀x😀x😀 mixed 漢字かな交じり文',
    'supercalifragilisticexpialidocious https://example.com/a/very/long/path?query=string',
  ];
  for (const text of texts) {
    for (let width = 2; width <= 40; width++) {
      const lines = wrap(text, width);
      t.true(widest(lines) <= width, `width ${width}: ${JSON.stringify(lines)}`);
      t.is(visible(lines.join('')), visible(text), 'nothing lost or reordered');
    }
  }
});

test('wrap breaks between words, breaks long words and keeps hard newlines', (t) => {
  t.deepEqual(wrap('hello world this is wrapped', 11), ['hello world', 'this is', 'wrapped']);
  t.deepEqual(wrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
  t.deepEqual(wrap('ab abcdefgh', 5), ['ab ab', 'cdefg', 'h']);
  t.deepEqual(wrap('one\n\ntwo', 10), ['one', '', 'two']);
  t.deepEqual(wrap('', 10), ['']);
  t.deepEqual(wrap('😀😀😀', 5), ['😀😀', '😀']);
});

test('aliasColor is stable, from the palette, and spreads aliases', (t) => {
  // Pinned: the colour must not change between runs, machines or releases.
  t.is(aliasColor('alice'), 'redBright');
  t.is(aliasColor('Bob'), 'cyan');
  t.is(aliasColor('Hélène'), aliasColor('He\u0301le\u0300ne'.normalize('NFC')));
  t.is(aliasColor('He\u0301le\u0300ne'), aliasColor('Hélène'), 'decomposed accents give the same colour');
  const colours = new Set(Array.from({length: 60}, (_, i) => aliasColor(`user${i}`)));
  for (const colour of colours) t.true(aliasPalette.includes(colour));
  t.true(colours.size >= 6);
});

test('mentions: whole words, any case, with @ or punctuation around', (t) => {
  t.true(mentions('@alice look', 'Alice', 'alice42'));
  t.true(mentions('Alice: ping', 'Alice', 'alice42'));
  t.true(mentions('hi alice!', 'Alice', 'alice42'));
  t.true(mentions('ALICE42 ?', 'Alice', 'alice42'));
  t.false(mentions('malice aforethought', 'Alice', 'alice42'));
  t.false(mentions('alicea', 'Alice', 'alice42'));
  t.true(mentions('bonjour hélène', 'Hélène', 'hl'));
  t.true(mentions('bonjour HELENE', 'Hélène', 'hl'));
  t.true(mentions('merci Jean Pierre.', 'Jean Pierre', 'jp'));
  t.false(mentions('salut Jean-Luc', 'Jean', 'jn'));
  t.false(mentions('salut Jean', 'Jean Pierre', 'jp'));
  t.true(mentions('cc j.doe', 'John', 'j.doe'));
  t.false(mentions('cc jxdoe', 'John', 'j.doe'));
});

test('timeLabel, sameDay and dayLabel use local days', (t) => {
  const now = new Date(2025, 2, 4, 9, 5).getTime();
  t.is(timeLabel(now), '09:05');
  t.true(sameDay(now, new Date(2025, 2, 4, 23, 59).getTime()));
  t.false(sameDay(now, new Date(2025, 2, 3, 23, 59).getTime()));
  t.is(dayLabel(new Date(2025, 2, 4, 0, 1).getTime(), 'en', now), 'Today');
  t.is(dayLabel(now, 'fr', now), 'Aujourd\u2019hui');
  t.is(dayLabel(new Date(2025, 2, 3, 23, 0).getTime(), 'en', now), 'Yesterday');
  t.is(dayLabel(new Date(2025, 2, 3, 0, 0).getTime(), 'fr', now), 'Hier');
  t.regex(dayLabel(new Date(2025, 2, 2, 12).getTime(), 'en', now), /Sunday,? 2 March 2025/u);
  t.is(dayLabel(new Date(2025, 2, 2, 12).getTime(), 'fr', now), 'dimanche 2 mars 2025');
});

const me = {username: 'alice', alias: 'Alice'};
const message = (fields: Partial<MessageInfo>): MessageInfo => ({
  id: 1, salon: 7, seq: 42, author: 'bob', alias: 'Bob', text: 'hello', ts: new Date(2025, 2, 4, 14, 30).getTime(), ...fields,
});
const lineWidth = (line: PaneLine) =>
  line.kind === 'message' ? displayWidth(`${line.time ?? ''} ${line.alias ?? ''} ${line.text}`) : displayWidth(line.text);

test('messageLines never exceeds the width, down to 20 columns', (t) => {
  const texts = [
    'a fairly long message that will need to wrap over several lines of the pane',
    '日本語のメッセージはスペースなしで折り返されます😀😀',
    'https://example.com/a/very/long/url/without/any/space/in/it/at/all',
    'line one\nline two\n\nline four',
  ];
  const aliases = ['Bob', 'Jean Pierre', '東京太郎', 'A-very-long-alias-name-of-32-chr', '😀 smiley'];
  for (const text of texts) {
    for (const alias of aliases) {
      for (const width of [20, 21, 27, 33, 40, 80]) {
        const lines = messageLines(message({text, alias}), width, me);
        for (const line of lines) t.true(lineWidth(line) <= width, `${width} ${alias}: ${JSON.stringify(line)}`);
      }
    }
  }
});

test('messageLines: first line carries the prefix, continuation lines align under the text', (t) => {
  const lines = messageLines(message({text: 'one two three four five six seven eight'}), 30, me);
  const [first, ...rest] = lines;
  t.like(first, {kind: 'message', time: '14:30', alias: 'Bob', text: 'one two three four', key: '7:42:0'});
  t.is(first?.color, aliasColor('Bob'));
  t.true(rest.length > 0);
  for (const [index, line] of rest.entries()) {
    t.is(line.kind, 'continuation');
    t.regex(line.text, /^ {10}\S/u, '"14:30 Bob " is 10 columns');
    t.is(line.key, `7:42:${index + 1}`);
  }
  t.is(new Set(lines.map((line) => line.key)).size, lines.length);
});

test('messageLines: in a narrow pane continuation lines start at column 2', (t) => {
  const lines = messageLines(message({alias: 'Jean Pierre', text: 'bonjour à toutes et à tous, le café est prêt'}), 20, me);
  t.true(lines.length > 2);
  for (const line of lines.slice(1)) t.regex(line.text, /^ {2}\S/u);
});

test('messageLines: own and mention flags', (t) => {
  t.like(messageLines(message({author: 'alice', alias: 'Alice', text: 'I am alice'}), 40, me)[0], {own: true, mention: false});
  t.like(messageLines(message({text: '@alice look'}), 40, me)[0], {own: false, mention: true});
  t.like(messageLines(message({text: 'malice'}), 40, me)[0], {own: false, mention: false});
  const deleted = messageLines(message({author: null, alias: null}), 40, me)[0];
  t.like(deleted, {alias: DELETED_AUTHOR, own: false});
  t.is(deleted?.color, undefined);
});

test('messageLines: escape sequences never reach the output', (t) => {
  const text = 'hi\u001b[2J\u001b]0;owned\u0007 there \u202eevil\u0007 and a long tail to wrap around the pane';
  const lines = messageLines(message({text, alias: 'Eve\u001b[31m'}), 24, me);
  for (const line of lines) {
    for (const value of [line.text, line.alias ?? '']) {
      t.false(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u.test(value), JSON.stringify(value));
      t.false(value.includes('owned') || value.includes('[2J'));
    }
  }
  t.is(lines[0]?.alias, 'Eve');
});
