/**
 * What the status bar can hold. Who and where the user is (the link, the alias, a
 * moderator's waiting requests) is never cut; the rest gives way in this order: the key
 * hints (whole hints, from the last), the server's address, then the end of the latest event.
 */
import {displayWidth, truncate} from './format.js';

export interface StatusParts {
  link: string;
  alias: string;
  server: string;
  /** A moderator's "N join request(s)", or ''. */
  pending: string;
  /** The latest event, or null: then the hints are shown. */
  flash: string | null;
  /** Hints separated by ' · ', most useful first. */
  hints: string;
}

/** The strings to draw, each with its leading blanks, '' for what does not fit. */
export interface StatusFit {
  link: string;
  alias: string;
  server: string;
  pending: string;
  flash: string;
  hints: string;
}

const HINT_SEPARATOR = ' · ';

function wholeHints(hints: string, room: number): string {
  const kept: string[] = [];
  for (const hint of hints.split(HINT_SEPARATOR)) {
    if (displayWidth([...kept, hint].join(HINT_SEPARATOR)) > room) break;
    kept.push(hint);
  }
  return kept.join(HINT_SEPARATOR);
}

export function fitStatus(parts: StatusParts, columns: number): StatusFit {
  const link = `● ${parts.link}`;
  const pending = parts.pending ? `  ${parts.pending}` : '';
  // Only a terminal too narrow for the essentials cuts the alias.
  const aliasRoom = columns - displayWidth(link) - displayWidth(pending) - 1;
  const alias = parts.alias ? ` ${truncate(parts.alias, Math.max(1, aliasRoom))}` : '';
  let room = columns - displayWidth(link + alias + pending);
  let server = ` @ ${parts.server}`;
  if (parts.flash !== null) {
    const flash = ` ${parts.flash}`;
    if (displayWidth(server + flash) > room) server = '';
    room -= displayWidth(server);
    return {link, alias, server, pending, flash: room >= 2 ? truncate(flash, room) : '', hints: ''};
  }
  if (displayWidth(server) > room) server = '';
  room -= displayWidth(server);
  const hints = wholeHints(parts.hints, room - 2);
  return {link, alias, server, pending, flash: '', hints: hints ? `  ${hints}` : ''};
}
