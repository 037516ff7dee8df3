/**
 * How wide text is on screen, and how to write emoji so that the terminal agrees.
 *
 * Ink lays out every box with string-width; our wrapping and truncating must use the same
 * function, or a line we think fits is one Ink pads differently. But string-width and the
 * terminal can still disagree on emoji sequences: tmux 3.3 draws "⚠️" (a text-style base
 * with VS16) in 1 column where string-width counts 2, "👍🏽" in 4 where it counts 2, and
 * the rest of such a row, its border included, moves. No width function can be right for
 * every terminal, so the client asks the terminal at start (cli/probe.ts): for each kind
 * of ambiguous sequence it draws a sample and its simpler spellings, and keeps the first
 * spelling the terminal draws as wide as string-width says. What the client draws is then
 * rewritten with those choices (`fitToTerminal`), and string-width is right about it.
 */
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** The grapheme clusters of a string: what a user sees as one character. */
export function* clusters(text: string): Generator<string> {
  for (const {segment} of graphemes.segment(text)) yield segment;
}

/** Columns a string takes, as Ink measures it (the same string-width). */
export function displayWidth(text: string): number {
  // Most text is ASCII: skip string-width's per-cluster work for it.
  if (/^[\u0020-\u007e]*$/u.test(text)) return text.length;
  return stringWidth(text);
}

// ---- kinds of ambiguous clusters ---------------------------------------------------------

const VS16 = '\uFE0F';
const ZWJ = '\u200D';
const MODIFIERS = /[\u{1F3FB}-\u{1F3FF}]/gu;
const dropVs16 = (cluster: string) => cluster.replaceAll(VS16, '');
const dropModifiers = (cluster: string) => cluster.replace(MODIFIERS, '');
/** The pictographs of a ZWJ sequence side by side, each plain. */
const split = (cluster: string) => dropModifiers(dropVs16(cluster)).replaceAll(ZWJ, '');
const textDefault = (cluster: string) => !/^\p{Emoji_Presentation}/u.test(cluster);

export interface ClusterKind {
  readonly name: string;
  /** Drawn by the probe to learn how this terminal treats the kind. */
  readonly sample: string;
  readonly matches: (cluster: string) => boolean;
  /** Ways to write a cluster of this kind, most faithful first; the first is the cluster itself. */
  readonly spellings: ReadonlyArray<(cluster: string) => string>;
}

/** In the order they are tried on a cluster: the first kind that matches decides. */
export const clusterKinds: readonly ClusterKind[] = [
  {
    name: 'keycap',
    sample: '1\uFE0F\u20E3',
    matches: (c) => /^[0-9#*]\uFE0F?\u20E3$/u.test(c),
    spellings: [(c) => c, (c) => c.charAt(0)],
  },
  {
    name: 'flag',
    sample: '\u{1F1EB}\u{1F1F7}',
    matches: (c) => /^\p{Regional_Indicator}{2}$/u.test(c),
    // The country's two letters: "FR" is as clear as a flag, and 2 columns everywhere.
    spellings: [(c) => c, (c) => [...c].map((r) => String.fromCharCode((r.codePointAt(0) ?? 0) - 0x1f1e6 + 65)).join('')],
  },
  {
    name: 'zwj-text-base',
    sample: '\u{1F3F3}\uFE0F\u200D\u{1F308}',
    matches: (c) => c.includes(ZWJ) && textDefault(c),
    spellings: [(c) => c, split],
  },
  {
    name: 'zwj-modifier',
    sample: '\u{1F9D1}\u{1F3FD}\u200D\u{1F4BB}',
    matches: (c) => c.includes(ZWJ) && /[\u{1F3FB}-\u{1F3FF}]/u.test(c),
    spellings: [(c) => c, dropModifiers, split],
  },
  {
    name: 'zwj',
    sample: '\u{1F468}\u200D\u{1F4BB}',
    matches: (c) => c.includes(ZWJ),
    spellings: [(c) => c, split],
  },
  {
    name: 'modifier',
    sample: '\u{1F44D}\u{1F3FD}',
    matches: (c) => /^\p{Emoji_Modifier_Base}\p{Emoji_Modifier}/u.test(c),
    spellings: [(c) => c, dropModifiers],
  },
  {
    name: 'vs16-text-base',
    sample: '\u26A0\uFE0F',
    matches: (c) => c.includes(VS16) && textDefault(c),
    spellings: [(c) => c, dropVs16],
  },
];

/** For each kind (by name), the index of the spelling to draw; missing means the cluster as it is. */
export type TerminalProfile = Readonly<Record<string, number>>;

/** What string-width assumes: modern terminals that draw emoji sequences as one wide glyph. */
export const asStringWidth: TerminalProfile = Object.freeze({});

let current: TerminalProfile = asStringWidth;

/** Set once at start, from the probe, before anything is drawn. */
export function setTerminalProfile(profile: TerminalProfile): void {
  current = profile;
}

export const terminalProfile = (): TerminalProfile => current;

/**
 * Chooses, for each kind, the first spelling whose width on this terminal (`measured`, by
 * spelling, as the probe read it) equals string-width's; the last spelling when none does.
 */
export function chooseProfile(measured: (kind: ClusterKind, spelling: string) => number | undefined): TerminalProfile {
  const profile: Record<string, number> = {};
  for (const kind of clusterKinds) {
    const spellings = kind.spellings.map((spell) => spell(kind.sample));
    let chosen = spellings.findIndex((s) => measured(kind, s) === stringWidth(s));
    if (chosen < 0) chosen = measured(kind, spellings[0] ?? '') === undefined ? 0 : spellings.length - 1;
    if (chosen > 0) profile[kind.name] = chosen;
  }
  return Object.freeze(profile);
}

// Only clusters with one of these can be ambiguous: everything else is left alone, fast.
const AMBIGUOUS = /[\u200D\uFE0F\u20E3\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}]/u;

/** Rewrites the clusters this terminal would draw at another width than string-width says. */
export function fitToTerminal(text: string, profile: TerminalProfile = current): string {
  if (profile === asStringWidth || Object.keys(profile).length === 0 || !AMBIGUOUS.test(text)) return text;
  let out = '';
  for (const cluster of clusters(text)) {
    const kind = AMBIGUOUS.test(cluster) ? clusterKinds.find((k) => k.matches(cluster)) : undefined;
    const spell = kind?.spellings[profile[kind.name] ?? 0];
    out += spell ? spell(cluster) : cluster;
  }
  return out;
}
