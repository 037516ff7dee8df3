/** A refusal or a failure, as a notice the user reads in their language. */
import {errorKey} from '../i18n/client.js';
import type {RequestError} from './connection.js';
import type {Notice} from './state.js';

export const noticeOf = (error: unknown): Notice => {
  const code = (error as {code?: string})?.code ?? 'generic';
  const details = (error as RequestError).details as {retryAfter?: number} | undefined;
  return {key: errorKey(code), params: {message: error instanceof Error ? error.message : String(error), minutes: Math.ceil((details?.retryAfter ?? 0) / 60)}};
};
