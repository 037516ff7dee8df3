/**
 * One width for everything, and emoji written the way the terminal draws them: the probe
 * against fake terminals that answer cursor position requests as tmux 3.3 and as a modern
 * terminal do (the real tmux is in test/e2e/terminal.test.ts).
 */
import {PassThrough} from 'node:stream';
import test from 'ava';
import stringWidth from 'string-width';
import {probeTerminal} from '../../source/cli/probe.js';
import {asStringWidth, displayWidth, fitToTerminal} from '../../source/client/width.js';

const SAMPLE = '👩‍👩‍👧 🇫🇷 ⚠️ 한국어 漢字';

/** Widths tmux 3.3a gives, read from a real tmux with cursor_x: VS16 ignored, skin tones not joined. */
const TMUX_33: Record<string, number> = {
  '1️⃣': 1, '1': 1,
  '🇫🇷': 2, 'FR': 2,
  '🏳️‍🌈': 1, '🏳🌈': 3,
  '🧑🏽‍💻': 4, '🧑‍💻': 2, '🧑💻': 4,
  '👨‍💻': 2, '👨💻': 4,
  '👍🏽': 4, '👍': 2,
  '⚠️': 1, '⚠': 1,
};

/** A terminal on a pair of streams: answers each DSR 6 with where the cursor ended. */
function fakeTerminal(width: (text: string) => number | undefined) {
  const stdin = Object.assign(new PassThrough(), {isTTY: true, raw: false, setRawMode(raw: boolean) {
    stdin.raw = raw;
  }});
  const stdout = Object.assign(new PassThrough(), {isTTY: true});
  stdout.on('data', (chunk: Buffer) => {
    for (const [, drawn] of chunk.toString().matchAll(/\u001b\[1;1H([^\u001b]*)\u001b\[6n/gu)) {
      const w = width(drawn ?? '');
      if (w !== undefined) stdin.write(`\u001b[1;${w + 1}R`);
    }
  });
  return {stdin, stdout};
}

test('displayWidth is string-width, the measure Ink lays boxes out with', (t) => {
  for (const text of [SAMPLE, 'abc', '😀👍🏽', 'e\u0301', 'ｆｕｌｌ', '1️⃣', '']) t.is(displayWidth(text), stringWidth(text), text);
  t.is(displayWidth(SAMPLE), 2 + 1 + 2 + 1 + 2 + 1 + 6 + 1 + 4);
});

test('under a tmux-like terminal, the sequences it draws otherwise are rewritten to what it and string-width agree on', async (t) => {
  const terminal = fakeTerminal((text) => TMUX_33[text]);
  const profile = await probeTerminal(terminal);
  t.false(terminal.stdin.raw, 'raw mode is handed back');
  const shown = fitToTerminal(SAMPLE, profile);
  t.is(shown, '👩‍👩‍👧 🇫🇷 ⚠ 한국어 漢字', 'only ⚠️ changes: tmux joins the family and the flag');
  t.is(fitToTerminal('👍🏽 🧑🏽‍💻 🏳️‍🌈 1️⃣', profile), '👍 🧑‍💻 🏳🌈 1');
  // What is drawn now measures the same in string-width as in that terminal.
  for (const text of ['⚠', '👍', '🧑‍💻', '🏳🌈', '1']) t.is(TMUX_33[text], stringWidth(text), text);
});

test('a terminal that draws sequences as string-width says keeps every emoji as it was written', async (t) => {
  const profile = await probeTerminal(fakeTerminal((text) => stringWidth(text)));
  const text = `${SAMPLE} 👍🏽 🧑🏽‍💻 🏳️‍🌈 1️⃣`;
  t.is(fitToTerminal(text, profile), text);
});

test('a terminal that does not answer, or not a terminal, leaves the text alone', async (t) => {
  const silent = await probeTerminal(fakeTerminal(() => undefined), 50);
  t.is(fitToTerminal(SAMPLE, silent), SAMPLE);
  const piped = await probeTerminal({stdin: new PassThrough(), stdout: new PassThrough()});
  t.is(piped, asStringWidth);
});

test('keys typed while the terminal answers are kept for the app', async (t) => {
  const terminal = fakeTerminal((text) => TMUX_33[text]);
  terminal.stdin.write('ab');
  await probeTerminal(terminal);
  t.is(String(terminal.stdin.read()), 'ab');
});
