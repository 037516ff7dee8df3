/**
 * Password hashing. New and upgraded accounts get salted scrypt; the original application's
 * unsalted SHA-256 hex digests are still accepted, and the caller upgrades them at login.
 * scrypt runs on libuv's thread pool, so hashing never blocks the event loop.
 */
import {randomBytes, scrypt, timingSafeEqual} from 'node:crypto';
import shajs from 'sha.js';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const LEGACY_SHA256 = /^[0-9a-f]{64}$/i;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, {N: n, r, p, maxmem: 256 * n * r}, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export interface Verification {
  ok: boolean;
  /** True when the stored hash is the original's SHA-256 and should be replaced. */
  needsUpgrade: boolean;
}

export async function verifyPassword(password: string, stored: string): Promise<Verification> {
  if (LEGACY_SHA256.test(stored)) {
    const digest = Buffer.from(shajs('sha256').update(password, 'utf8').digest('hex'), 'utf8');
    const ok = timingSafeEqual(digest, Buffer.from(stored.toLowerCase(), 'utf8'));
    return {ok, needsUpgrade: ok};
  }
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return {ok: false, needsUpgrade: false};
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
  return {ok, needsUpgrade: ok && (Number(n) < N || Number(r) !== R)};
}

/** Session tokens are random; only their SHA-256 rests in the database. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return shajs('sha256').update(token, 'utf8').digest('hex');
}
