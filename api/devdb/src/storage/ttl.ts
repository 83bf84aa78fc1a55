import { CommittedAccess } from './access.ts';
import type { Engine } from './engine.ts';

/**
 * MongoDB's TTL monitor: documents whose indexed date (or earliest date in an array) is older than
 * `expireAfterSeconds` are deleted. Like mongod, this runs once a minute, so expiry is not exact.
 */
export async function sweepExpiredDocuments(engine: Engine, now = Date.now()): Promise<number> {
  const access = new CommittedAccess(engine);
  let removed = 0;
  for (const db of engine.databaseNames()) {
    for (const coll of engine.collections(db)) {
      for (const index of coll.indexes.values()) {
        const seconds = index.spec.expireAfterSeconds;
        if (seconds === undefined || index.fields.length !== 1) continue;
        for (const [key, doc] of [...coll.liveEntries()]) {
          // The index's own keys: documents outside a partial or sparse TTL index never expire.
          const dates = index
            .keysOf(doc)
            .flatMap(({ values }) => values)
            .filter((value): value is Date => value instanceof Date);
          if (dates.length === 0) continue;
          const earliest = Math.min(...dates.map((date) => date.getTime()));
          if (earliest + seconds * 1000 <= now && coll.current(key)) {
            access.remove(coll, key);
            removed++;
          }
        }
      }
    }
  }
  await access.finish();
  return removed;
}
