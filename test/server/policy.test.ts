/** The defences' defaults are the values SECURITY.md and PROTOCOL.md promise: a change to one must change the docs. */
import {readFileSync} from 'node:fs';
import test from 'ava';
import {defaultPolicy} from '../../source/server/policy.js';

const SECURITY = readFileSync(new URL('../../../SECURITY.md', import.meta.url), 'utf8');

test('defaultPolicy is pinned to the documented values', (t) => {
  t.deepEqual(defaultPolicy, {
    maxConnectionsPerAddress: 50,
    idleTimeoutMs: 90_000,
    loginTimeoutMs: 60_000,
    frameTimeoutMs: 30_000,
    messagesPerSecond: 10,
    messageBurst: 30,
    loginFreeFailures: 3,
    loginMaxDelayMs: 8_000,
    loginLockFailures: 10,
    loginWindowMs: 15 * 60_000,
    loginsPerAccountPerMinute: 10,
    loginsPerAddressPerMinute: 60,
    maxSessionsPerAccount: 20,
    registrationsPerAddress: 10,
    registrationWindowMs: 60 * 60_000,
    maxQueuedRequests: 500,
    editWindowMs: null,
    authorsMayDelete: true,
    maxReactionsPerMessage: 20,
    typingIntervalMs: 3_000,
    searchesPerSecond: 0.5,
    searchBurst: 5,
    maxConcurrentSearches: 2,
  });
});

test('SECURITY.md states each default', (t) => {
  for (const phrase of [
    '| Connections per address | 50',
    'closed after 90 s',
    'closed 60 s after they opened',
    'not ended within 30 s',
    '10 per second, bursts of 30',
    '3 free, then a growing delay (0.5 s doubling, at most 8 s)',
    'refused for the rest of a 15-minute window after 10',
    '10 per minute per account and 60 per minute per address',
    '| Live sessions per account | 20',
    '10 attempts per hour',
    '| Requests queued on one connection | 500',
  ]) {
    t.true(SECURITY.includes(phrase), phrase);
  }
});
