import test from 'ava';
import {
  type EditorAction,
  type EditorState,
  complete,
  cursorLineAndColumn,
  editorReducer,
  emptyEditor,
} from '../../source/client/editor.js';

const run = (state: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, state);
const typed = (text: string) => run(emptyEditor, {type: 'insert', text});
const submitted = (...texts: string[]) =>
  texts.reduce((state, text) => run(state, {type: 'set', text}, {type: 'submit'}), emptyEditor);
const isLowSurrogate = (code: number | undefined) => code !== undefined && code >= 0xdc00 && code <= 0xdfff;

test('backspace removes a whole emoji, and left/right step over it', (t) => {
  let state = typed('a😀b');
  state = run(state, {type: 'left'});
  t.is(state.cursor, 3);
  state = run(state, {type: 'backspace'});
  t.is(state.text, 'ab');
  t.is(state.cursor, 1);

  state = run(typed('x𝄞y'), {type: 'home'}, {type: 'right'}, {type: 'right'});
  t.is(state.cursor, 3, 'one step over the surrogate pair of 𝄞');
  state = run(state, {type: 'left'}, {type: 'delete'});
  t.is(state.text, 'xy');
});

test('the cursor never lands inside a surrogate pair or an emoji sequence', (t) => {
  const text = 'é👨‍👩‍👧🇫🇷😀x𝄞';
  let state = typed(text);
  const seen: number[] = [];
  while (state.cursor > 0) {
    state = run(state, {type: 'left'});
    seen.push(state.cursor);
    t.false(isLowSurrogate(text.charCodeAt(state.cursor)), `cursor ${state.cursor}`);
  }
  t.is(seen.length, 6, 'é, family, flag, 😀, x, 𝄞: one step each');
  t.is(run(typed('👨‍👩‍👧'), {type: 'backspace'}).text, '');
});

test('multi-line input: home and end work on the current line', (t) => {
  let state = run(emptyEditor, {type: 'insert', text: 'first line'}, {type: 'insert', text: '\n'}, {type: 'insert', text: 'second'});
  t.is(state.text, 'first line\nsecond');
  state = run(state, {type: 'home'});
  t.is(state.cursor, 11);
  t.deepEqual(cursorLineAndColumn(state), {line: 1, column: 0});
  state = run(state, {type: 'end'});
  t.is(state.cursor, state.text.length);
  state = run(state, {type: 'home'}, {type: 'left'});
  t.deepEqual(cursorLineAndColumn(state), {line: 0, column: 10});
  state = run(state, {type: 'home'});
  t.is(state.cursor, 0);
  state = run(state, {type: 'end'});
  t.is(state.cursor, 10, 'end stops at the end of the first line, not of the text');
});

test('the cursor column counts code points', (t) => {
  t.deepEqual(cursorLineAndColumn(typed('ab\né😀x')), {line: 1, column: 3});
});

test('pasted CRLF becomes newlines and tabs become spaces; other controls are dropped', (t) => {
  t.is(typed('a\r\nb\tc\u0007\u001b').text, 'a\nb c');
});

test('history: up saves the live text as draft, down past the newest restores it', (t) => {
  let state = run(submitted('one', 'two'), {type: 'insert', text: 'draft'});
  state = run(state, {type: 'historyUp'});
  t.is(state.text, 'two');
  t.is(state.cursor, 3);
  state = run(state, {type: 'historyUp'}, {type: 'historyUp'});
  t.is(state.text, 'one', 'up stops at the oldest entry');
  state = run(state, {type: 'historyDown'});
  t.is(state.text, 'two');
  state = run(state, {type: 'historyDown'});
  t.is(state.text, 'draft');
  t.is(state.historyIndex, null);
  t.is(run(state, {type: 'historyDown'}).text, 'draft');
  t.is(run(emptyEditor, {type: 'historyUp'}), emptyEditor, 'nothing to recall');
});

test('submit clears the text, skips blanks and consecutive duplicates, keeps 200 entries', (t) => {
  const state = submitted('a', 'a', '  ', 'b', 'a');
  t.deepEqual(state.history, ['a', 'b', 'a']);
  t.is(state.text, '');
  t.is(state.cursor, 0);
  const many = submitted(...Array.from({length: 250}, (_, i) => `m${i}`));
  t.is(many.history.length, 200);
  t.is(many.history[0], 'm50');
  t.is(many.history[199], 'm249');
});

test('submitting a recalled entry leaves history browsing', (t) => {
  const state = run(submitted('one'), {type: 'historyUp'}, {type: 'submit'});
  t.is(state.historyIndex, null);
  t.deepEqual(state.history, ['one']);
});

test('Ctrl+W deletes the word before the cursor and the blanks after it', (t) => {
  t.is(run(typed('hello big world  '), {type: 'killWordBack'}).text, 'hello big ');
  const middle = run(typed('hello big world'), {type: 'wordLeft'}, {type: 'killWordBack'});
  t.is(middle.text, 'hello world');
  t.is(middle.cursor, 6);
});

test('Ctrl+U deletes to the line start; kill to end deletes to the line end', (t) => {
  let state = run(typed('line1\nabc def'), {type: 'killToStart'});
  t.is(state.text, 'line1\n');
  state = run(state, {type: 'killToStart'});
  t.is(state.text, 'line1', 'at a line start it joins the previous line');
  state = run(typed('abc def\nnext'), {type: 'home'}, {type: 'left'}, {type: 'wordLeft'}, {type: 'left'}, {type: 'killToEnd'});
  t.is(state.text, 'abc\nnext');
  t.is(run(state, {type: 'killToEnd'}).text, 'abcnext', 'at a line end it joins the next line');
});

test('word motions skip whitespace-separated words', (t) => {
  const state = run(typed('one  two three'), {type: 'wordLeft'}, {type: 'wordLeft'});
  t.is(state.cursor, 5);
  t.is(run(state, {type: 'wordRight'}).cursor, 8);
});

const commands = ['/join', '/logout', '/quit', '/help', '/search', '/kick', '/ban', '/members'];
const aliases = ['bob', 'alice', 'alicia', 'Hélène', 'Jean Pierre'];

test('a command completes at the start of the text with a space', (t) => {
  const result = complete(typed('/jo'), commands, aliases);
  t.is(result?.state.text, '/join ');
  t.is(result?.state.cursor, 6);
  t.is(complete(typed('hi /jo'), commands, aliases), undefined, 'not a command mid-sentence');
  t.is(complete(typed('/zz'), commands, aliases), undefined);
});

test('an alias first in the text completes with ": " and Tab cycles through the candidates', (t) => {
  const first = complete(typed('al'), commands, aliases);
  t.is(first?.state.text, 'alice: ');
  const second = first && complete(first.state, commands, aliases, first.cycle);
  t.is(second?.state.text, 'alicia: ');
  t.is(second?.state.cursor, 'alicia: '.length);
  const third = second && complete(second.state, commands, aliases, second.cycle);
  t.is(third?.state.text, 'alice: ');
});

test('mid-sentence completion adds a space, not a colon, and does not double a following blank', (t) => {
  t.is(complete(typed('hi bo'), commands, aliases)?.state.text, 'hi bob ');
  const state = run(typed('hi al there'), {type: 'wordLeft'}, {type: 'left'});
  const result = complete(state, commands, aliases);
  t.is(result?.state.text, 'hi alice there');
  t.is(result?.state.cursor, 'hi alice '.length);
});

test('alias completion ignores case and accents and inserts aliases with spaces as they are', (t) => {
  for (const typedPrefix of ['hél', 'HEL', 'hel']) t.is(complete(typed(typedPrefix), commands, aliases)?.state.text, 'Hélène: ');
  t.is(complete(typed('jean'), commands, aliases)?.state.text, 'Jean Pierre: ');
  t.is(complete(typed('salut jean p'), commands, aliases)?.state.text, 'salut Jean Pierre ');
  t.is(complete(typed('zed'), commands, aliases), undefined);
  t.is(complete(typed('hi '), commands, aliases), undefined, 'nothing to complete after a blank');
});

test('a stale cycle is ignored once the text was edited', (t) => {
  const first = complete(typed('al'), commands, aliases);
  t.truthy(first);
  if (!first) return;
  const edited = run(first.state, {type: 'insert', text: 'hi bo'});
  t.is(complete(edited, commands, aliases, first.cycle)?.state.text, 'alice: hi bob ');
});

test('a name after @ completes with its @ kept and a space, first in the text or not', (t) => {
  t.is(complete(typed('@al'), commands, aliases)?.state.text, '@alice ');
  t.is(complete(typed('thanks @BO'), commands, aliases)?.state.text, 'thanks @bob ');
  t.is(complete(typed('@zz'), commands, aliases), undefined);
});
