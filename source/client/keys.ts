/**
 * One keyboard router for the whole app. A modal takes the keyboard first; then the
 * screen; on the main screen, global bindings, then the focused pane. Key names follow
 * Ink's `Key`, but nothing here imports Ink, so routing is tested without a terminal.
 */
import {foldName} from '../protocol/names.js';
import {cursorIndex, listOrder, memberCursorIndex, memberOrder, switcherMatches} from './lists.js';
import {type KeyPress, PasteCollector, editsInput, looksPasted, printable, splitBurst} from './key-input.js';
import {reactionChoices} from './changes.js';
import {commandNames} from './commands.js';
import type {Controller} from './controller.js';
import {type CompletionCycle, complete, wordBeforeCursor} from './editor.js';
import {layout} from './pane.js';
import {maxOffset} from './windows.js';
import {type AppState, type Entry, currentSalon} from './state.js';

// The member list comes after the input, so that Alt+M then Tab reaches it.
const FOCUS_ORDER = ['salons', 'messages', 'input', 'members'] as const;
const YES = new Set(['y', 'o', 'Y', 'O']);
const NO = new Set(['n', 'N']);

export class KeyRouter {
  private cycle: CompletionCycle | undefined;
  private readonly pasted = new PasteCollector();

  constructor(private readonly app: Controller) {}

  handle(input: string, key: KeyPress): void {
    if (this.pasted.takes(input, key)) {
      const text = this.pasted.add(input, key);
      return text === undefined ? undefined : this.paste(text);
    }
    const screen = this.app.getState();
    if (screen.screen === 'main' && !screen.modal && looksPasted(input, key)) return this.paste(input);
    const burst = splitBurst(input, key);
    if (burst) {
      for (const [i, k] of burst) this.handle(i, k);
      return;
    }
    const state = this.app.getState();
    if (key.ctrl && input === 'c') return void this.app.quit();
    if (state.screen === 'login' || state.screen === 'register') return this.form(state.screen, input, key);
    if (state.screen !== 'main') return;
    if (state.modal) return this.modal(input, key);
    if (state.selected && this.cursor(input, key)) return;
    if (this.global(input, key)) return;
    if (state.focus === 'salons') return this.salons(input, key);
    if (state.focus === 'messages') return this.messages(input, key);
    if (state.focus === 'members') return this.members(input, key);
    this.input(input, key);
  }

  /** A paste lands whole where typing goes, lines and all; it never presses Enter. */
  private paste(raw: string): void {
    const text = raw.replace(/\r\n?/gu, '\n');
    const state = this.app.getState();
    if (state.screen === 'login' || state.screen === 'register') {
      const oneLine = text.replace(/[\n\t]/gu, '');
      return oneLine ? this.form(state.screen, oneLine, {}) : undefined;
    }
    if (state.screen !== 'main') return;
    if (state.modal) {
      const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
      if (state.modal.kind === 'switcher' && firstLine) this.modal(firstLine.replace(/\t/gu, ' '), {});
      return;
    }
    if (state.focus !== 'input') this.app.dispatch({type: 'focus', focus: 'input'});
    this.cycle = undefined;
    // A copied line usually brings its line break: that break is not part of the message.
    this.app.dispatch({type: 'editor', action: {type: 'insert', text: text.replace(/\n+$/u, '')}});
  }

  private form(form: 'login' | 'register', input: string, key: KeyPress): void {
    const state = this.app.getState();
    const busy = form === 'login' ? state.login.busy : state.register.busy;
    if (busy) return;
    const value = (): string => {
      if (form === 'login') return state.login.field === 0 ? state.login.username : state.login.password;
      const r = state.register;
      return [r.username, r.alias, r.password, r.confirm][r.field] as string;
    };
    // Enter creates the account (or signs in) from any field once every field is filled, as
    // the hint says; before that it goes to the next field that is still empty.
    const values = form === 'login' ? [state.login.username, state.login.password] : [state.register.username, state.register.alias, state.register.password, state.register.confirm];
    const field = form === 'login' ? state.login.field : state.register.field;
    const empty = [...values.keys()].filter((i) => values[i] === '');
    const nextEmpty = empty.find((i) => i > field) ?? empty[0];
    if (form === 'login' && key.ctrl && input === 'r') return this.app.dispatch({type: 'showRegister'});
    if (form === 'register' && key.escape) return this.app.dispatch({type: 'showLogin'});
    if (key.return || input === '\n') {
      if (nextEmpty === undefined) return void (form === 'login' ? this.app.submitLogin() : this.app.submitRegister());
      if (values[field] === '') return this.app.dispatch({type: 'formRequired', form});
      return this.app.dispatch({type: 'formField', form, field: nextEmpty});
    }
    if (key.tab || key.downArrow) return this.app.dispatch({type: 'formNext', form, delta: key.shift ? -1 : 1});
    if (key.upArrow) return this.app.dispatch({type: 'formNext', form, delta: -1});
    if (key.backspace || key.delete) return this.app.dispatch({type: 'formInput', form, value: [...value()].slice(0, -1).join('')});
    if (key.ctrl && input === 'u') return this.app.dispatch({type: 'formInput', form, value: ''});
    if (printable(input, key)) this.app.dispatch({type: 'formInput', form, value: value() + input.replace(/[\r\n]/g, '')});
  }

  private modal(input: string, key: KeyPress): void {
    const state = this.app.getState();
    const modal = state.modal;
    if (!modal) return;
    const close = () => this.app.dispatch({type: 'modal', modal: null});
    switch (modal.kind) {
      case 'join':
        if (YES.has(input) || key.return) return void this.app.answerJoin(true);
        if (NO.has(input) || key.escape) return void this.app.answerJoin(false);
        return;
      case 'confirm':
        // Only a letter says yes: the Enter that sent the text must not also confirm it.
        if (YES.has(input)) return void this.app.confirm(true);
        if (NO.has(input) || key.escape) return void this.app.confirm(false);
        return;
      case 'switcher': {
        const matches = switcherMatches(listOrder(state), modal.query, state.user?.username);
        if (key.escape) return close();
        if (key.return) {
          const chosen = matches[modal.index];
          close();
          if (chosen) this.app.open(chosen.id);
          return;
        }
        if (key.upArrow || key.downArrow) {
          const index = Math.max(0, Math.min(matches.length - 1, modal.index + (key.upArrow ? -1 : 1)));
          return this.app.dispatch({type: 'modal', modal: {...modal, index}});
        }
        if (key.backspace || key.delete) return this.app.dispatch({type: 'modal', modal: {kind: 'switcher', query: [...modal.query].slice(0, -1).join(''), index: 0}});
        if (printable(input, key)) this.app.dispatch({type: 'modal', modal: {kind: 'switcher', query: modal.query + input, index: 0}});
        return;
      }
      case 'pending': {
        if (key.escape) return close();
        if (key.upArrow || key.downArrow) {
          const index = Math.max(0, Math.min(state.pending.length - 1, modal.index + (key.upArrow ? -1 : 1)));
          return this.app.dispatch({type: 'modal', modal: {kind: 'pending', index}});
        }
        if (input === 'a' || input === 'A') return void this.app.answerRequest(true);
        if (input === 'r' || input === 'R') return void this.app.answerRequest(false);
        return;
      }
      case 'blocks': {
        const moderation = this.app.moderation;
        // While "lift it?" is asked, only the answer counts.
        if (modal.confirm !== undefined) {
          if (YES.has(input)) return void moderation.answerLift(true);
          if (NO.has(input) || key.escape) return void moderation.answerLift(false);
          return;
        }
        if (key.escape || input === 'q') return close();
        if (key.upArrow || key.downArrow) return moderation.move(key.upArrow ? -1 : 1);
        if (input === 'u' || input === 'U' || key.delete) return moderation.askLift();
        return;
      }
      case 'react': {
        if (key.escape) return close();
        if (key.return) return this.app.messages.chooseReaction();
        const count = reactionChoices(modal.query).length;
        if (key.upArrow || key.downArrow) {
          const index = Math.max(0, Math.min(count - 1, modal.index + (key.upArrow ? -1 : 1)));
          return this.app.dispatch({type: 'modal', modal: {...modal, index}});
        }
        if (key.backspace || key.delete) return this.app.dispatch({type: 'modal', modal: {...modal, query: [...modal.query].slice(0, -1).join(''), index: 0}});
        if (printable(input, key)) this.app.dispatch({type: 'modal', modal: {...modal, query: (modal.query + input).slice(0, 32), index: 0}});
        return;
      }
      case 'search': {
        const search = this.app.searches;
        if (key.escape || input === 'q') return close();
        if (key.return) return void search.open();
        if (key.upArrow || key.downArrow) return search.move(key.upArrow ? -1 : 1);
        if (key.pageUp || key.pageDown) return search.page(key.pageUp ? -1 : 1);
        if (key.home) return search.select(0);
        if (key.end) return search.select(Number.MAX_SAFE_INTEGER);
        return;
      }
      case 'help': {
        if (key.escape || key.return || input === 'q') return close();
        const page = Math.max(1, layout(state).paneHeight - 3);
        const offset = modal.offset ?? 0;
        const to = key.upArrow ? offset - 1 : key.downArrow ? offset + 1 : key.pageUp ? offset - page : key.pageDown ? offset + page : key.home ? 0 : key.end ? Infinity : undefined;
        if (to !== undefined) this.app.dispatch({type: 'modal', modal: {...modal, offset: Math.max(0, Math.min(maxOffset(state), to))}});
        return;
      }
    }
  }

  /**
   * The message cursor's keys, before any other: true when used. Any other key leaves the
   * cursor and does what it does without it (typing goes to the input).
   */
  private cursor(input: string, key: KeyPress): boolean {
    const messages = this.app.messages;
    if (key.upArrow || key.downArrow) return this.done(() => void messages.move(key.upArrow ? -1 : 1));
    // On a message opened from the search results, Esc goes back to them.
    if (key.escape) return this.done(() => this.app.searches.back() || messages.leave());
    if (key.return) return this.done(() => void messages.original());
    if (!key.ctrl && !key.meta) {
      if (input === 'e') return this.done(() => messages.edit());
      if (input === 'd') return this.done(() => messages.askDelete());
      if (input === 'r') return this.done(() => messages.reply());
      if (input === '+') return this.done(() => messages.openPicker());
    }
    messages.leave();
    return false;
  }

  /** Bindings that work whatever pane has the focus. Returns true when it used the key. */
  private global(input: string, key: KeyPress): boolean {
    const state = this.app.getState();
    const height = layout(state).paneHeight;
    if (key.meta && /^[1-9]$/.test(input)) return this.done(() => this.app.openIndex(Number(input) - 1));
    if (key.meta && (key.upArrow || key.downArrow)) return this.done(() => void this.app.messages.move(key.upArrow ? -1 : 1));
    if (key.ctrl && input === 'n') return this.done(() => this.app.step(1));
    if (key.ctrl && input === 'p') return this.done(() => this.app.step(-1));
    if (key.ctrl && input === 'k') return this.done(() => this.app.dispatch({type: 'modal', modal: {kind: 'switcher', query: '', index: 0}}));
    if (key.meta && (input === 'a' || input === 'A')) return this.done(() => this.app.nextActivity());
    if (key.meta && (input === 'm' || input === 'M')) return this.done(() => this.app.toggleMembers());
    if (key.meta && (input === 'p' || input === 'P') && state.user?.role === 'moderator') {
      return this.done(() => this.app.dispatch({type: 'modal', modal: {kind: 'pending', index: 0}}));
    }
    if (key.meta && (input === 'k' || input === 'K') && state.user?.role === 'moderator') return this.done(() => void this.app.moderation.openBlocks());
    if (key.pageUp) return this.done(() => this.app.scroll(height - 1));
    if (key.pageDown) return this.done(() => this.app.scroll(-(height - 1)));
    if (key.tab && key.shift) return this.done(() => this.moveFocus(-1));
    if (key.tab && state.focus !== 'input') return this.done(() => this.moveFocus(1));
    if (key.end && (state.focus !== 'input' || state.editor.text === '')) return this.done(() => this.app.scrollToBottom());
    return false;
  }

  private done(action: () => void): true {
    action();
    return true;
  }

  private moveFocus(delta: number): void {
    const state = this.app.getState();
    // The member list takes its turn only while it is shown.
    const order = FOCUS_ORDER.filter((f) => f !== 'members' || state.showMembers);
    const index = order.indexOf(state.focus);
    const focus = order[(index + delta + order.length) % order.length] as (typeof FOCUS_ORDER)[number];
    this.app.dispatch({type: 'focus', focus});
    if (focus === 'salons') this.app.dispatch({type: 'cursor', index: listOrder(state).findIndex((s) => s.id === state.current)});
  }

  private salons(input: string, key: KeyPress): void {
    const state = this.app.getState();
    const index = cursorIndex(state);
    if (key.upArrow) return this.app.dispatch({type: 'cursor', index: index - 1});
    if (key.downArrow) return this.app.dispatch({type: 'cursor', index: index + 1});
    if (key.return) {
      this.app.openIndex(index);
      return this.app.dispatch({type: 'focus', focus: 'input'});
    }
    if (printable(input, key) || editsInput(input, key)) {
      // Typing while the list has the focus goes to the input, as people expect.
      this.app.dispatch({type: 'focus', focus: 'input'});
      this.input(input, key);
    }
  }

  /** The member list: ↑/↓ choose someone, Enter opens the direct message with them, Esc goes back to the input. */
  private members(input: string, key: KeyPress): void {
    const state = this.app.getState();
    const index = memberCursorIndex(state);
    if (key.upArrow) return this.app.dispatch({type: 'memberCursor', index: index - 1});
    if (key.downArrow) return this.app.dispatch({type: 'memberCursor', index: index + 1});
    if (key.escape) return this.app.dispatch({type: 'focus', focus: 'input'});
    if (key.return) {
      const member = memberOrder(state)[index];
      if (!member) return;
      if (member.username === state.user?.username) return this.app.dispatch({type: 'flash', notice: {key: 'members.self'}});
      this.app.dispatch({type: 'focus', focus: 'input'});
      return void this.app.openDirectWith(member.username);
    }
    if (printable(input, key) || editsInput(input, key)) {
      this.app.dispatch({type: 'focus', focus: 'input'});
      this.input(input, key);
    }
  }

  private messages(input: string, key: KeyPress): void {
    if (key.upArrow) return this.app.scroll(1);
    if (key.downArrow) return this.app.scroll(-1);
    if (key.home) return this.app.scroll(Number.MAX_SAFE_INTEGER);
    if (printable(input, key) || editsInput(input, key) || key.return) {
      this.app.dispatch({type: 'focus', focus: 'input'});
      this.input(input, key);
    }
  }

  /** Completes the word before the cursor, cycling on repeated Tabs; false when nothing matches. */
  private completeWord(): boolean {
    const state = this.app.getState();
    const result = complete(state.editor, commandNames(state.user?.role === 'moderator'), completionNames(state), this.cycle);
    if (!result) return false;
    this.cycle = result.cycle;
    this.app.dispatch({type: 'editorState', editor: result.state});
    return true;
  }

  private input(input: string, key: KeyPress): void {
    const app = this.app;
    const state = app.getState();
    const edit = (action: Parameters<Controller['dispatch']>[0] & {type: 'editor'}) => app.dispatch(action);
    if (key.tab) {
      if (!wordBeforeCursor(state.editor)) return this.moveFocus(1);
      if (this.completeWord()) return;
      // Nothing matched yet: the salon's members may not be known; fetch them and try again,
      // if nothing was typed meanwhile. The focus stays in the input either way.
      if (state.membersOf !== state.current) {
        const typed = state.editor;
        void app.loadMembers().then(() => {
          if (app.getState().editor === typed) this.completeWord();
        });
      }
      return;
    }
    this.cycle = undefined;
    if (key.return && key.meta) return edit({type: 'editor', action: {type: 'insert', text: '\n'}});
    if (key.return) {
      const salon = currentSalon(state);
      if (state.editor.text.trim() === '' && salon && salon.state === 'none') return app.open(salon.id);
      return app.submitInput();
    }
    if (key.escape) return void app.messages.cancelCompose();
    if (key.backspace) return edit({type: 'editor', action: {type: key.meta ? 'killWordBack' : 'backspace'}});
    if (key.delete) return edit({type: 'editor', action: {type: key.meta ? 'killWordBack' : 'backspace'}});
    if (key.leftArrow) return edit({type: 'editor', action: {type: key.ctrl || key.meta ? 'wordLeft' : 'left'}});
    if (key.rightArrow) return edit({type: 'editor', action: {type: key.ctrl || key.meta ? 'wordRight' : 'right'}});
    if (key.home || (key.ctrl && input === 'a')) return edit({type: 'editor', action: {type: 'home'}});
    if (key.end || (key.ctrl && input === 'e')) return edit({type: 'editor', action: {type: 'end'}});
    if (key.ctrl && input === 'w') return edit({type: 'editor', action: {type: 'killWordBack'}});
    if (key.ctrl && input === 'u') return edit({type: 'editor', action: {type: 'killToStart'}});
    if (key.ctrl && input === 'd') return edit({type: 'editor', action: {type: 'delete'}});
    // An empty input has no line to go up in: ↑ goes up into the messages (the cursor).
    if (key.upArrow && !key.ctrl && state.editor.text === '' && state.editor.historyIndex === null) return void app.messages.move(-1);
    if (key.upArrow) return edit({type: 'editor', action: {type: 'historyUp'}});
    if (key.downArrow) return edit({type: 'editor', action: {type: 'historyDown'}});
    if (key.meta && input === 'b') return edit({type: 'editor', action: {type: 'wordLeft'}});
    if (key.meta && input === 'f') return edit({type: 'editor', action: {type: 'wordRight'}});
    if (input === '\n') return edit({type: 'editor', action: {type: 'insert', text: '\n'}});
    if (printable(input, key)) edit({type: 'editor', action: {type: 'insert', text: input.replace(/\r\n?/g, '\n')}});
  }
}

/**
 * Names Tab offers, best first: aliases of who spoke last in the current salon, then its
 * members' aliases, then usernames that differ from their alias (a mention by username
 * counts too).
 */
export function completionNames(state: AppState): string[] {
  const salon = currentSalon(state);
  const names: string[] = [];
  const entries = salon?.entries;
  for (let i = (entries?.length ?? 0) - 1; i >= 0 && names.length < 50; i--) {
    const e = entries?.at(i) as Entry;
    if (e.kind === 'message' && e.message.alias && !names.includes(e.message.alias)) names.push(e.message.alias);
  }
  const members = state.membersOf === state.current ? state.members : [];
  names.push(...members.map((m) => m.alias));
  names.push(...members.filter((m) => foldName(m.username) !== foldName(m.alias)).map((m) => m.username));
  return names;
}
