/**
 * How names compare where people type them: salon references, the salon switcher, alias
 * completion. Case and accents do not matter ("comptabilite" finds "Comptabilité").
 */
export const foldName = (name: string): string => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
