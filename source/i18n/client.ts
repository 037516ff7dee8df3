/** The client's catalogs; same shape and rules as the server's (see index.ts). */
import {type Lang, fromCatalog} from './index.js';
import {type ClientKey, clientEn} from './client-en.js';
import {clientFr} from './client-fr.js';

export type {ClientKey};

const catalogs: Record<Lang, Record<ClientKey, string>> = {en: clientEn, fr: clientFr};

export type ClientTranslate = (key: ClientKey, params?: Record<string, string | number>) => string;

export function clientTranslator(lang: Lang): ClientTranslate {
  return fromCatalog(catalogs[lang]);
}

/** The catalog key for a server error code, when the client has words for it. */
export function errorKey(code: string): ClientKey {
  const key = `error.${code}`;
  return Object.hasOwn(clientEn, key) ? (key as ClientKey) : 'error.generic';
}
