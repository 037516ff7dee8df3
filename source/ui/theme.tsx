/** Colours, unless NO_COLOR asks for none; emphasis then falls back to bold and inverse. */
import {createContext, useContext} from 'react';
import {cleanParams} from '../client/sanitize.js';
import {type ClientTranslate, clientTranslator} from '../i18n/client.js';
import type {Lang} from '../i18n/index.js';

export interface Theme {
  color: boolean;
  t: ClientTranslate;
}

export const ThemeContext = createContext<Theme | null>(null);

export function useTheme(): Theme & {c(color: string | undefined): string | undefined} {
  const theme = useContext(ThemeContext);
  if (!theme) throw new Error('ThemeContext missing');
  return {...theme, c: (color) => (theme.color ? color : undefined)};
}

export const colorEnabled = (env: NodeJS.ProcessEnv = process.env) => env.NO_COLOR === undefined || env.NO_COLOR === '';

/** The catalog of `lang`, with every parameter cleaned: usernames, names and server messages come from the network. */
export function screenTranslator(lang: Lang): ClientTranslate {
  const t = clientTranslator(lang);
  return (key, params) => t(key, cleanParams(params));
}
