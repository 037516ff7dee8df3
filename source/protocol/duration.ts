/**
 * Durations as people type them, for kicks: the operator's console (`KICK:user:30m`) and a
 * moderator's client (`/kick NAME 30m`) read them alike, so one grammar lives here.
 */

/** The longest kick: beyond it, a ban says what is meant. */
export const MAX_KICK_MS = 366 * 24 * 3600_000;

const UNIT_MS = {s: 1000, m: 60_000, min: 60_000, h: 3600_000, d: 86_400_000, j: 86_400_000, w: 7 * 86_400_000} as const;

/**
 * `30m`, `2h`, `1d` (or `1j`, as French operators write it), `90s`, `1w`, or a number of
 * minutes; undefined when it is none of these or out of range (zero, over a year).
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})\s*(s|m|min|h|d|j|w)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = UNIT_MS[(match[2] ?? 'm').toLowerCase() as keyof typeof UNIT_MS];
  const ms = Number(match[1]) * unit;
  return ms > 0 && ms <= MAX_KICK_MS ? ms : undefined;
}
