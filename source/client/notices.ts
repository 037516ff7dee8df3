/** A refusal or a failure, as a notice the user reads in their language. */
import {errorKey} from '../i18n/client.js';
import type {Lang} from '../i18n/index.js';
import {kickedRefusal} from './blocks.js';
import type {RequestError} from './connection.js';
import {cleanParams} from './sanitize.js';
import type {Notice} from './state.js';

/**
 * `context` (the language, the time) lets a kick say until when and why; without it the
 * refusal says the minutes left. The error's details fill the notice's other words (the
 * name of an unknown user...), cleaned: they come from the network.
 */
export const noticeOf = (error: unknown, context?: {lang: Lang; now: number}): Notice => {
  const code = (error as {code?: string})?.code ?? 'generic';
  const details = (error as RequestError).details as Record<string, unknown> | undefined;
  if (code === 'KICKED' && context) {
    const kicked = kickedRefusal(context.lang, context.now, details);
    if (kicked) return kicked;
  }
  const words: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(details ?? {})) if (typeof value === 'string' || typeof value === 'number') words[name] = value;
  const retryAfter = typeof details?.retryAfter === 'number' ? details.retryAfter : 0;
  return {key: errorKey(code), params: cleanParams({...words, message: error instanceof Error ? error.message : String(error), minutes: Math.ceil(retryAfter / 60)})};
};
