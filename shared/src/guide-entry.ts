import { guideCodeSchema } from './api/guides.ts';

/**
 * How a storefront page learns which guide brought the shopper: `?g=CODE` on a shop link or a shared page, or the
 * `scene` of a mini-program code (`g=CODE`, maybe with more `key=value` pairs joined by `&`). `c=p` marks an entry
 * from a poster.
 */

/** WeChat's limit on the `scene` of an unlimited mini-program code. */
export const MAX_SCENE_LENGTH = 32;

export type GuideEntry =
  | { kind: 'none' }
  /** A guide code was given but cannot be one (wrong characters or length, or a scene longer than WeChat allows). */
  | { kind: 'invalid' }
  | { kind: 'guide'; guideCode: string; fromPoster: boolean };

/** URI-decoded text; a value that is not valid encoding is taken as it is. */
function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function entryOf(guideCode: string | undefined, channelMark: string | undefined): GuideEntry {
  if (guideCode === undefined || guideCode === '') return { kind: 'none' };
  const parsed = guideCodeSchema.safeParse(decoded(guideCode));
  return parsed.success ? { kind: 'guide', guideCode: parsed.data, fromPoster: channelMark === 'p' } : { kind: 'invalid' };
}

/** The scene as the page receives it (URI-encoded, or not): the first value of each key counts, unknown keys are ignored. */
export function parseShopScene(scene: string): GuideEntry {
  const text = decoded(scene);
  if (text.length > MAX_SCENE_LENGTH) return { kind: 'invalid' };
  const pairs = new Map<string, string>();
  for (const pair of text.split('&')) {
    const separator = pair.indexOf('=');
    if (separator <= 0) continue;
    const key = pair.slice(0, separator);
    if (!pairs.has(key)) pairs.set(key, pair.slice(separator + 1));
  }
  return entryOf(pairs.get('g'), pairs.get('c'));
}

/** A page's query (`useRouter().params`): `g` (and `c`) when present, else the mini-program code's `scene`. */
export function guideEntryOf(query: Readonly<Record<string, string | undefined>>): GuideEntry {
  if (query.g !== undefined && query.g !== '') return entryOf(query.g, query.c === undefined ? undefined : decoded(query.c));
  if (query.scene !== undefined && query.scene !== '') return parseShopScene(query.scene);
  return { kind: 'none' };
}
