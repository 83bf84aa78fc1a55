import { describe, expect, it } from 'vitest';
import { ReplyCache } from './reply-cache.ts';

function clock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ReplyCache', () => {
  it('serves a stored reply until its time-to-live has passed, then loads again', async () => {
    const time = clock();
    const cache = new ReplyCache<string>({ ttlMs: 2000, now: time.now });
    let loads = 0;
    const load = async () => JSON.stringify({ load: ++loads });
    expect(await cache.getOrLoad('a', load)).toBe('{"load":1}');
    time.advance(1999);
    expect(await cache.getOrLoad('a', load)).toBe('{"load":1}');
    time.advance(1);
    expect(await cache.getOrLoad('a', load)).toBe('{"load":2}');
    expect(await cache.getOrLoad('b', load)).toBe('{"load":3}');
  });

  it('lets concurrent callers of one key share a single load', async () => {
    const cache = new ReplyCache<string>({ ttlMs: 2000 });
    let loads = 0;
    let finish!: (json: string) => void;
    const load = () => {
      loads += 1;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const replies = Array.from({ length: 20 }, () => cache.getOrLoad('a', load));
    finish('"shared"');
    expect(await Promise.all(replies)).toEqual(Array(20).fill('"shared"'));
    expect(loads).toBe(1);
  });

  it('does not keep a failed load, so the next caller tries again', async () => {
    const cache = new ReplyCache<string>({ ttlMs: 2000 });
    await expect(cache.getOrLoad('a', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.getOrLoad('a', async () => '"ok"')).toBe('"ok"');
  });

  it('forgets everything on clear, including a load that was running when it was called', async () => {
    const cache = new ReplyCache<string>({ ttlMs: 60_000 });
    await cache.getOrLoad('a', async () => '"before"');
    let finish!: (json: string) => void;
    const running = cache.getOrLoad('b', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.clear();
    finish('"read before the change"');
    expect(await running).toBe('"read before the change"');
    expect(await cache.getOrLoad('a', async () => '"after"')).toBe('"after"');
    expect(await cache.getOrLoad('b', async () => '"after"')).toBe('"after"');
  });

  it('drops the oldest key when full', async () => {
    const cache = new ReplyCache<string>({ ttlMs: 60_000, maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) await cache.getOrLoad(key, async () => `"${key}1"`);
    expect(await cache.getOrLoad('b', async () => '"b2"')).toBe('"b1"');
    expect(await cache.getOrLoad('c', async () => '"c2"')).toBe('"c1"');
    expect(await cache.getOrLoad('a', async () => '"a2"')).toBe('"a2"');
  });
});
