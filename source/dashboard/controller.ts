/**
 * The dashboard's side effects: it reads the server's live model straight (no polling over
 * the network), keeps fresh only the panels on screen, and turns commands (keys.ts) into
 * moderation acts with the console's powers and the console's audit trail.
 *
 * What is read when: sessions, join requests and activity are in memory and read each
 * second; blocks (bans are in the database) each second only while their panel shows;
 * the audit tail every 2 seconds while it shows, and at once after an act. Other nodes'
 * sessions are asked for every few seconds while the sessions panel shows.
 */
import {type ConsoleDeps, runCommand} from '../console/commands.js';
import {noticeText} from '../console/notice-text.js';
import {en} from '../i18n/en.js';
import type {MessageKey, Translate} from '../i18n/index.js';
import {ChatError} from '../protocol/errors.js';
import type {Actor} from '../server/moderation.js';
import type {Notice} from '../server/notices.js';
import type {ChatServer} from '../server/server.js';
import type {Command} from './keys.js';
import {type Action, type ActivityRow, type DashboardState, initialState, reducer, visiblePanels} from './state.js';

export type DashboardServer = Pick<ChatServer, 'moderation' | 'sessions' | 'activity' | 'hub'>;

export interface DashboardDeps {
  server: DashboardServer;
  /** The operator signed in at the console: the author of every act in the audit log. */
  operator: string;
  t: Translate;
  /** Graceful stop of the whole server (KILL, Ctrl+C). */
  kill(): Promise<void>;
  hookUrl?: ConsoleDeps['hookUrl'];
  columns?: number;
  rows?: number;
  /** Audit records shown (the newest). */
  auditLimit?: number;
}

/** How often other nodes are asked for their sessions while the panel shows. */
const ASK_SESSIONS_MS = 3000;
const AUDIT_EVERY_TICKS = 2;
/** Notices that mean an act was recorded: the audit tail is read again at once. */
const AUDITED = new Set<Notice['kind']>(['kicked', 'banned', 'accepted', 'rejected', 'salon_created', 'salon_archived', 'block_ended']);

export class DashboardController {
  private state: DashboardState;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private ticks = 0;
  private lastAsk = 0;
  private readonly unsubscribe: () => void;
  private readonly actor: Actor;

  constructor(private readonly deps: DashboardDeps) {
    this.state = initialState(deps.columns, deps.rows, deps.server.moderation.now());
    this.actor = {username: deps.operator, via: 'console'};
    this.unsubscribe = deps.server.sessions.onChange(() => this.refreshSoon());
  }

  readonly getState = (): DashboardState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch(action: Action): void {
    const next = reducer(this.state, action);
    if (next === this.state) return;
    const before = this.state;
    this.state = next;
    for (const listener of this.listeners) listener();
    // A panel that comes into view is filled at once, not at the next tick.
    if (visiblePanels(before).join() !== visiblePanels(next).join()) void this.refresh({all: true});
  }

  /** Starts the once-a-second refresh; the first one runs now. */
  start(): Promise<void> {
    this.timer ??= setInterval(() => void this.tick(), 1000);
    return this.refresh({all: true});
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.soon);
    this.timer = undefined;
    this.unsubscribe();
  }

  /** A server notice: a line in the console panel, and the panels it concerns read again. */
  notice(notice: Notice): void {
    this.print([noticeText(this.deps.t, notice)], false);
    this.refreshSoon(AUDITED.has(notice.kind));
  }

  private async tick(): Promise<void> {
    // A database that hangs must not pile up one read per second behind it.
    if (this.ticking) return;
    this.ticks += 1;
    this.ticking = true;
    try {
      await this.refresh({audit: this.ticks % AUDIT_EVERY_TICKS === 0});
    } finally {
      this.ticking = false;
    }
  }
  private ticking = false;

  /** Reads what the panels on screen show. `all`: the audit tail too, and other nodes asked now. */
  async refresh({all = false, audit = false}: {all?: boolean; audit?: boolean} = {}): Promise<void> {
    const {moderation, sessions} = this.deps.server;
    const now = moderation.now();
    const visible = visiblePanels(this.state);
    // The tab bar counts sessions and requests whatever shows: both are in memory.
    const data: Parameters<typeof reducer>[1] & {type: 'data'} = {type: 'data', data: {now, sessions: sessions.list(now), pending: moderation.pending()}};
    if (visible.includes('sessions') && (all || now - this.lastAsk >= ASK_SESSIONS_MS)) {
      this.lastAsk = now;
      sessions.ask();
    }
    if (visible.includes('activity')) data.data.activity = this.activity();
    try {
      if (visible.includes('blocks')) data.data.blocks = await moderation.blocks();
      if (visible.includes('audit') && (all || audit)) data.data.audit = await moderation.audit({limit: this.deps.auditLimit ?? 50});
    } catch {
      // The database is away: the console already says so; the panels keep what they had.
    }
    this.dispatch(data);
  }

  private refreshSoon(audit = false): void {
    if (audit) this.auditWanted = true;
    if (this.soon) return;
    // Notices come in bursts (every client reconnecting after a restart): read once per burst.
    this.soon = setTimeout(() => {
      this.soon = undefined;
      const wanted = this.auditWanted;
      this.auditWanted = false;
      void this.refresh({audit: wanted});
    }, 100);
    this.soon.unref();
  }
  private auditWanted = false;

  /** Salons by messages per minute; direct messages and groups together, never by name. */
  private activity(): ActivityRow[] {
    const {hub, activity} = this.deps.server;
    const counts = activity.perMinute();
    const rows: ActivityRow[] = [];
    for (const salon of hub.salons()) {
      if (salon.archived) continue;
      let online = 0;
      for (const member of salon.members) if (hub.isOnline(member)) online += 1;
      rows.push({name: salon.name, salonId: salon.id, perMinute: counts.get(salon.id) ?? 0, online, members: salon.members.size});
    }
    let direct = 0;
    for (const [id, count] of counts) if (hub.conversation(id)?.kind !== 'salon') direct += count;
    rows.sort((a, b) => b.perMinute - a.perMinute || b.online - a.online || a.name.localeCompare(b.name));
    rows.push({name: this.deps.t('dashboard.directRow'), salonId: null, perMinute: direct, online: 0, members: 0});
    return rows;
  }

  // ---- commands -------------------------------------------------------------------------

  /** Runs one command from the keyboard; acts are awaited so that tests can follow them. */
  async run(cmd: Command): Promise<void> {
    const s = this.state;
    if (cmd.do !== 'type' && cmd.do !== 'erase' && s.flash !== null) this.dispatch({type: 'flash', text: null});
    switch (cmd.do) {
      case 'focus':
        return this.dispatch({type: 'focus', panel: cmd.panel});
      case 'cycle':
        return this.dispatch({type: 'cycle', by: cmd.by});
      case 'move':
        return this.dispatch({type: 'move', by: cmd.by});
      case 'openPrompt':
        return this.dispatch({type: 'prompt', text: ''});
      case 'type':
        return this.dispatch({type: 'prompt', text: (s.prompt ?? '') + cmd.text});
      case 'erase':
        return this.dispatch({type: 'prompt', text: [...(s.prompt ?? '')].slice(0, -1).join('')});
      case 'history':
        return this.dispatch({type: 'history', by: cmd.by});
      case 'cancel':
        this.dispatch({type: 'confirm', confirm: null});
        return this.dispatch({type: 'prompt', text: null});
      case 'submit':
        return this.submit(s.prompt ?? '');
      case 'stop':
        return this.dispatch({type: 'confirm', confirm: {kind: 'stop'}});
      case 'accept':
      case 'reject':
        return this.answer(cmd.do === 'accept');
      case 'disconnect': {
        const session = s.sessions.rows[s.cursor.sessions];
        if (session) this.dispatch({type: 'confirm', confirm: {kind: 'disconnect', session}});
        return;
      }
      case 'unblock': {
        const block = s.blocks[s.cursor.blocks];
        if (block) this.dispatch({type: 'confirm', confirm: {kind: 'unblock', username: block.username}});
        return;
      }
      case 'yes':
        return this.confirmed();
    }
  }

  private async confirmed(): Promise<void> {
    const confirm = this.state.confirm;
    this.dispatch({type: 'confirm', confirm: null});
    if (!confirm) return;
    const {t} = this.deps;
    if (confirm.kind === 'stop') return void (await this.deps.kill());
    if (confirm.kind === 'disconnect') {
      const {session} = confirm;
      const outcome = await this.deps.server.sessions.disconnect(session, this.actor);
      const key = outcome === 'ok' ? 'dashboard.disconnected' : outcome === 'forwarded' ? 'dashboard.disconnectSent' : 'dashboard.sessionGone';
      this.print([t(key, {username: session.username, node: session.nodeName})]);
    } else {
      await this.act(async () => {
        const r = await this.deps.server.moderation.unblock(confirm.username, this.actor);
        return t(r.was === 'kick' ? 'console.unkicked' : 'console.unbanned', {username: r.username});
      });
    }
    await this.refresh({all: true});
  }

  private async answer(accept: boolean): Promise<void> {
    const request = this.state.pending[this.state.cursor.pending];
    if (!request) return;
    const {moderation} = this.deps.server;
    await this.act(async () => {
      // By name, as an operator types it at the console: the audit log reads the same.
      const salon = request.salonName;
      await (accept ? moderation.accept(request.username, salon, this.actor) : moderation.reject(request.username, salon, this.actor));
      return this.deps.t(accept ? 'dashboard.accepted' : 'dashboard.rejected', {username: request.username, salon: request.salonName});
    });
    await this.refresh({all: true});
  }

  /** Runs a typed line as the console would, its output in the console panel. */
  private async submit(line: string): Promise<void> {
    this.dispatch({type: 'prompt', text: null});
    if (!line.trim()) return;
    this.dispatch({type: 'remember', line});
    const printed: string[] = [];
    this.print([`> ${line}`], false);
    const deps: ConsoleDeps = {
      moderation: this.deps.server.moderation,
      t: this.deps.t,
      print: (l) => {
        printed.push(l);
        this.print([l], false);
      },
      operator: this.deps.operator,
      kill: () => this.deps.kill(),
      hookUrl: this.deps.hookUrl,
    };
    await runCommand(deps, line);
    // A listing is read in the console panel; a one-line answer stays where the operator is.
    if (printed.length > 1) this.dispatch({type: 'focus', panel: 'console'});
    this.dispatch({type: 'flash', text: printed.at(-1) ?? this.deps.t('dashboard.done')});
    await this.refresh({all: true});
  }

  private async act(run: () => Promise<string>): Promise<void> {
    try {
      this.print([await run()]);
    } catch (error) {
      this.print([this.describe(error)]);
    }
  }

  private describe(error: unknown): string {
    const {t} = this.deps;
    if (error instanceof ChatError) {
      const key = `error.${error.code}`;
      const details = (error.details ?? {}) as Record<string, string>;
      if (Object.hasOwn(en, key)) return t(key as MessageKey, {username: '', salon: '', ...details});
      return t('error.generic', {message: error.message});
    }
    if (error instanceof Error && error.name === 'StoreUnavailableError') return t('error.STORE_UNAVAILABLE');
    return t('error.generic', {message: error instanceof Error ? error.message : String(error)});
  }

  /** A line in the console panel; `flash` also shows it on the status line. */
  private print(lines: string[], flash = true): void {
    this.dispatch({type: 'print', lines});
    if (flash) this.dispatch({type: 'flash', text: lines.at(-1) ?? null});
  }
}
