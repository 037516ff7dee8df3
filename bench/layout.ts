/**
 * What the coordinator seeds and the load process assumes, in one place: account names,
 * session tokens, which salons each benchmark account belongs to, and the text format of
 * benchmark messages (from which a receiver reads the send time without JSON.parse).
 */

/** The five salons of the product, by id (1 = Général). */
export const SALON_IDS = [1, 2, 3, 4, 5] as const;

/**
 * `general`: every account is a member of Général only (fanout, idle, storm, history).
 * `spread`: account i is a member of salon 1 + (i mod 5) only: five salons of N/5 members.
 */
export type Layout = 'general' | 'spread';

export const usernameOf = (i: number) => `bench${i}`;
export const aliasOf = (i: number) => `Bench ${i}`;

/** The salon account i belongs to (and, as a sender, sends to). */
export const homeSalonOf = (layout: Layout, i: number): number => (layout === 'spread' ? 1 + (i % SALON_IDS.length) : 1);

/**
 * Session tokens are derived from a per-run secret, so the load process needs only the
 * secret, not 10,000 tokens. They are never valid outside the throwaway store of the run.
 */
export const tokenOf = (secret: string, i: number) => `${secret}.${i}`;

/** Far enough that no run outlives its sessions. */
export const SESSION_TTL_MS = 365 * 24 * 3600_000;

/** `<sender>:<n>:<sendTimeMs>`: ASCII digits only, so no JSON escaping can occur. */
export const messageText = (sender: number, n: number, sentAt: number) => `${sender}:${n}:${sentAt}`;
