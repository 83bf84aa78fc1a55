import { describe, expect, it } from 'vitest';
import { guideEntryOf, parseShopScene, type GuideEntry } from './guide-entry.ts';

const guide = (guideCode: string, fromPoster = false): GuideEntry => ({ kind: 'guide', guideCode, fromPoster });

describe('parseShopScene', () => {
  it.each<[string, string, GuideEntry]>([
    ['encoded, as the mini-program hands it over', 'g%3DK7M2QX', guide('K7M2QX')],
    ['already decoded', 'g=K7M2QX', guide('K7M2QX')],
    ['with the poster mark', 'g%3DK7M2QX%26c%3Dp', guide('K7M2QX', true)],
    ['pairs in any order, code in any case', 'c=p&g=k7m2qx', guide('K7M2QX', true)],
    ['unknown keys ignored', 'g=K7M2QX&x=1&c=s', guide('K7M2QX')],
    ['the first value of a key counts', 'g=K7M2QX&g=AAAAAA', guide('K7M2QX')],
    ['a pair without a value or key is skipped', 'x&=y&g=K7M2QX', guide('K7M2QX')],
    ['no guide code', 'c=p&x=1', { kind: 'none' }],
    ['nothing at all', '', { kind: 'none' }],
    ['an empty code', 'g=', { kind: 'none' }],
    ['ambiguous characters (0, O, 1, I, L)', 'g=K7M2Q0', { kind: 'invalid' }],
    ['a short code', 'g=K7M2Q', { kind: 'invalid' }],
    ['a long code', 'g=K7M2QXX', { kind: 'invalid' }],
    ['more than WeChat allows', `g=K7M2QX&x=${'1'.repeat(30)}`, { kind: 'invalid' }],
    ['broken encoding, taken as it is', 'g=K7M2QX&x=%E0%A4%A', guide('K7M2QX')],
  ])('%s', (_name, scene, expected) => {
    expect(parseShopScene(scene)).toEqual(expected);
  });
});

describe('guideEntryOf', () => {
  it('reads g (and c) from the page query, before any scene', () => {
    expect(guideEntryOf({ g: 'K7M2QX' })).toEqual(guide('K7M2QX'));
    expect(guideEntryOf({ g: 'k7m2qx', c: 'p', id: 'x' })).toEqual(guide('K7M2QX', true));
    expect(guideEntryOf({ g: 'K7M2QX', scene: 'g%3DAAAAAA' })).toEqual(guide('K7M2QX'));
    expect(guideEntryOf({ g: '%20K7M2QX' })).toEqual(guide('K7M2QX'));
  });

  it('falls back to the mini-program code scene', () => {
    expect(guideEntryOf({ scene: 'g%3DK7M2QX%26c%3Dp' })).toEqual(guide('K7M2QX', true));
  });

  it('says when there is no code, or one that cannot be a guide code', () => {
    expect(guideEntryOf({})).toEqual({ kind: 'none' });
    expect(guideEntryOf({ g: '', scene: '' })).toEqual({ kind: 'none' });
    expect(guideEntryOf({ g: 'NOPE!!' })).toEqual({ kind: 'invalid' });
    expect(guideEntryOf({ scene: 'g%3D123' })).toEqual({ kind: 'invalid' });
  });
});
