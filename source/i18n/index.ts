/** Message catalogs and language choice: --lang, else the locale, else English. */
import {type DashboardKey, dashboardEn} from './dashboard-en.js';
import {dashboardFr} from './dashboard-fr.js';
import {type MessageKey as ConsoleKey, en} from './en.js';
import {fr} from './fr.js';

export type Lang = 'en' | 'fr';
/** The server's keys: the console's (en.ts) and the dashboard's (dashboard-en.ts). */
export type MessageKey = ConsoleKey | DashboardKey;

const catalogs: Record<Lang, Record<MessageKey, string>> = {en: {...en, ...dashboardEn}, fr: {...fr, ...dashboardFr}};

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  return fromCatalog(catalogs[lang]);
}

/** A translate function over one catalog: `{name}` placeholders take the given parameters. */
export function fromCatalog<K extends string>(catalog: Record<K, string>) {
  return (key: K, params?: Record<string, string | number>): string =>
    catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}

export function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'fr';
}

/** --lang wins; then LC_ALL, LC_MESSAGES, LANG as POSIX orders them. */
export function detectLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  const wanted = flag?.toLowerCase();
  if (isLang(wanted)) return wanted;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}
