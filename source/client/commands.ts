/**
 * Slash commands, as a table: name, argument, usage, help text, who may use it, action.
 * /help and Tab completion are generated from it.
 */
import type {ClientKey} from '../i18n/client.js';

export interface CommandHost {
  openByName(name: string): void;
  search(text: string): void;
  toggleMembers(): void;
  logout(): Promise<void>;
  quit(): Promise<void>;
  help(): void;
  /** `NAME [DURATION] [REASON…]`: blocks.ts parseKick. */
  kick(arg: string): Promise<void>;
  /** `NAME [REASON…]`, asked y/n first. */
  askBan(arg: string): Promise<void>;
  /** The blocks window: current kicks and bans. */
  blocks(): Promise<void>;
  /** Opens the direct message (one name) or group (several) and shows it. */
  openDirect(names: string[]): Promise<number | undefined>;
  /** Opens the direct message with `name` if needed and sends `text` into it. */
  messageTo(name: string, text: string): Promise<void>;
  setBlock(name: string, blocked: boolean): Promise<void>;
  createSalon(name: string, moderated: boolean): Promise<void>;
  archiveSalon(name: string): Promise<void>;
}

export interface SlashCommand {
  name: string;
  /** 'none': no argument; 'one': one word; 'rest': the rest of the line; 'optional': the rest, maybe nothing. */
  arg: 'none' | 'one' | 'rest' | 'optional';
  usage: string;
  help: ClientKey;
  moderator?: boolean;
  run(host: CommandHost, arg: string): void | Promise<void>;
}

export const slashCommands: readonly SlashCommand[] = [
  {name: '/join', arg: 'rest', usage: '/join SALON', help: 'cmd.join', run: (h, a) => h.openByName(a)},
  {name: '/search', arg: 'optional', usage: '/search TEXT', help: 'cmd.search', run: (h, a) => h.search(a)},
  {name: '/dm', arg: 'rest', usage: '/dm NAME [NAME…]', help: 'cmd.dm', run: (h, a) => h.openDirect(a.split(/\s+/u)).then(() => {})},
  {name: '/msg', arg: 'rest', usage: '/msg NAME TEXT', help: 'cmd.msg', run: (h, a) => msg(h, a)},
  {name: '/block', arg: 'one', usage: '/block NAME', help: 'cmd.block', run: (h, a) => h.setBlock(a, true)},
  {name: '/unblock', arg: 'one', usage: '/unblock NAME', help: 'cmd.unblock', run: (h, a) => h.setBlock(a, false)},
  {name: '/members', arg: 'none', usage: '/members', help: 'cmd.members', run: (h) => h.toggleMembers()},
  {name: '/logout', arg: 'none', usage: '/logout', help: 'cmd.logout', run: (h) => h.logout()},
  {name: '/quit', arg: 'none', usage: '/quit', help: 'cmd.quit', run: (h) => h.quit()},
  {name: '/help', arg: 'none', usage: '/help', help: 'cmd.help', run: (h) => h.help()},
  {name: '/kick', arg: 'rest', usage: '/kick NAME [DURATION] [REASON…]', help: 'cmd.kick', moderator: true, run: (h, a) => h.kick(a)},
  {name: '/ban', arg: 'rest', usage: '/ban NAME [REASON…]', help: 'cmd.ban', moderator: true, run: (h, a) => h.askBan(a)},
  {name: '/blocks', arg: 'none', usage: '/blocks', help: 'cmd.blocks', moderator: true, run: (h) => h.blocks()},
  {name: '/salon', arg: 'rest', usage: '/salon create NAME [moderated] | /salon archive NAME', help: 'cmd.salon', moderator: true, run: (h, a) => salon(h, a)},
];

/** `/salon create NAME [moderated]` (a name may have spaces) and `/salon archive NAME`. */
function salon(host: CommandHost, arg: string): Promise<void> {
  const [action = '', ...words] = arg.split(' ');
  if (action === 'archive' && words.length > 0) return host.archiveSalon(words.join(' '));
  if (action === 'create' && words.length > 0) {
    const moderated = words.length > 1 && words.at(-1)?.toLowerCase() === 'moderated';
    return host.createSalon((moderated ? words.slice(0, -1) : words).join(' '), moderated);
  }
  return Promise.reject(Object.assign(new Error('/salon create NAME [moderated] | /salon archive NAME'), {code: 'BAD_REQUEST'}));
}

/** `/msg NAME TEXT`: the first word names the person, the rest is the message. */
function msg(host: CommandHost, arg: string): Promise<void> {
  const [name = '', ...words] = arg.split(' ');
  return host.messageTo(name, words.join(' '));
}

export type Parsed =
  | {ok: true; command: SlashCommand; arg: string}
  | {ok: false; error: {key: ClientKey; params: Record<string, string>}};

/** Parses a line that starts with '/'. A line starting with '//' is a message, not a command. */
export function parseCommand(line: string, moderator: boolean): Parsed {
  const [word = '', ...rest] = line.trim().split(/\s+/);
  const arg = rest.join(' ');
  const command = slashCommands.find((c) => c.name === word.toLowerCase() && (moderator || !c.moderator));
  if (!command) return {ok: false, error: {key: 'cmd.unknown', params: {command: word}}};
  const fits = command.arg === 'none' ? arg === '' : command.arg === 'one' ? rest.length === 1 : command.arg === 'optional' || arg !== '';
  if (!fits) return {ok: false, error: {key: 'cmd.usage', params: {usage: command.usage}}};
  return {ok: true, command, arg};
}

export const commandNames = (moderator: boolean) => slashCommands.filter((c) => moderator || !c.moderator).map((c) => c.name);
