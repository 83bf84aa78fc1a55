import { Binary, Double, ObjectId, deserialize, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { applyRecord } from './recovery.ts';
import { canonical } from './test-support.ts';
import type { JournalRecord, PersistedState } from './types.ts';

const ID_INDEX = { v: 2, key: { _id: 1 }, name: '_id_' };
const empty: PersistedState = { databases: [] };

function fold(...records: JournalRecord[]): PersistedState {
  return records.reduce(applyRecord, empty);
}

function docsOf(state: PersistedState, db: string, coll: string) {
  return state.databases.find((d) => d.name === db)?.collections.find((c) => c.name === coll)?.docs;
}

describe('applyRecord', () => {
  it('put into a missing collection creates it with {} options and the _id_ index', () => {
    const state = fold([{ op: 'put', db: 'shop', coll: 'items', doc: { _id: 1, name: 'a' } }]);
    expect(state).toEqual({
      databases: [{ name: 'shop', collections: [{ name: 'items', options: {}, indexes: [ID_INDEX], docs: [{ _id: 1, name: 'a' }] }] }],
    });
  });

  it('put overwrites by _id in place, del removes, re-put goes to the end', () => {
    const put = (doc: { _id: unknown; v: number }) => ({ op: 'put' as const, db: 'd', coll: 'c', doc });
    const state = fold(
      [put({ _id: 'a', v: 1 }), put({ _id: 'b', v: 1 }), put({ _id: 'c', v: 1 })],
      [put({ _id: 'a', v: 2 })],
      [{ op: 'del', db: 'd', coll: 'c', id: 'b' }],
      [put({ _id: 'b', v: 3 })],
    );
    expect(docsOf(state, 'd', 'c')).toEqual([
      { _id: 'a', v: 2 },
      { _id: 'c', v: 1 },
      { _id: 'b', v: 3 },
    ]);
  });

  it('keys _id values of different BSON types by value', () => {
    const oid = new ObjectId();
    const doubleOne = deserialize(serialize({ x: new Double(1) })).x; // a double 1.0 as read off the wire
    const put = (_id: unknown, tag: string) => ({ op: 'put' as const, db: 'd', coll: 'c', doc: { _id, tag } });
    const state = fold(
      [
        put(oid, 'oid'),
        put(1, 'int'),
        put('1', 'string'),
        put({ a: 1, b: 2 }, 'object'),
        put(new Date(5), 'date'),
        put(new Binary(Buffer.from([1, 2])), 'binary'),
        put(0, 'zero'),
      ],
      [
        put(new ObjectId(oid.toHexString()), 'oid2'),
        put(doubleOne, 'double'),
        put({ a: 1, b: 2 }, 'object2'),
        put(new Date(5), 'date2'),
        put(new Binary(Buffer.from([1, 2])), 'binary2'),
        put(-0, 'negative zero'),
      ],
      [
        { op: 'del', db: 'd', coll: 'c', id: { b: 2, a: 1 } }, // field order matters for documents: no match
        { op: 'del', db: 'd', coll: 'c', id: '1' },
      ],
    );
    expect(docsOf(state, 'd', 'c')?.map((doc) => doc.tag)).toEqual(['oid2', 'double', 'object2', 'date2', 'binary2', 'negative zero']);
  });

  it('del on a missing collection or _id changes nothing', () => {
    const base = fold([{ op: 'put', db: 'd', coll: 'c', doc: { _id: 1 } }]);
    const after = applyRecord(base, [
      { op: 'del', db: 'd', coll: 'c', id: 2 },
      { op: 'del', db: 'd', coll: 'other', id: 1 },
      { op: 'del', db: 'other', coll: 'c', id: 1 },
    ]);
    expect(after).toEqual(base);
  });

  it('createCollection sets options and the _id_ index; replaying it keeps existing documents', () => {
    const created = fold([{ op: 'createCollection', db: 'd', coll: 'capped', options: { capped: true, size: 4096 } }]);
    expect(created.databases[0].collections[0]).toEqual({
      name: 'capped',
      options: { capped: true, size: 4096 },
      indexes: [ID_INDEX],
      docs: [],
    });
    const replayed = applyRecord(applyRecord(created, [{ op: 'put', db: 'd', coll: 'capped', doc: { _id: 1 } }]), [
      { op: 'createCollection', db: 'd', coll: 'capped', options: { capped: true, size: 4096 } },
    ]);
    expect(docsOf(replayed, 'd', 'capped')).toEqual([{ _id: 1 }]);
  });

  it('dropCollection removes the collection, and the database with its last collection', () => {
    const state = fold(
      [
        { op: 'put', db: 'd', coll: 'a', doc: { _id: 1 } },
        { op: 'put', db: 'd', coll: 'b', doc: { _id: 1 } },
      ],
      [{ op: 'dropCollection', db: 'd', coll: 'a' }],
    );
    expect(state.databases[0].collections.map((c) => c.name)).toEqual(['b']);
    expect(applyRecord(state, [{ op: 'dropCollection', db: 'd', coll: 'b' }])).toEqual(empty);
  });

  it('createIndex adds or replaces by name (creating the collection); dropIndex removes by name', () => {
    const byName = { v: 2, key: { name: 1 }, name: 'name_1' };
    const byNameUnique = { ...byName, unique: true };
    const state = fold(
      [{ op: 'createIndex', db: 'd', coll: 'c', spec: byName }],
      [{ op: 'createIndex', db: 'd', coll: 'c', spec: { v: 2, key: { at: -1 }, name: 'at_-1' } }],
      [{ op: 'createIndex', db: 'd', coll: 'c', spec: byNameUnique }],
    );
    expect(state.databases[0].collections[0].indexes).toEqual([ID_INDEX, byNameUnique, { v: 2, key: { at: -1 }, name: 'at_-1' }]);
    const dropped = applyRecord(state, [{ op: 'dropIndex', db: 'd', coll: 'c', name: 'name_1' }]);
    expect(dropped.databases[0].collections[0].indexes.map((spec) => spec.name)).toEqual(['_id_', 'at_-1']);
  });

  it('dropDatabase removes all its collections and leaves other databases alone', () => {
    const state = fold(
      [
        { op: 'put', db: 'gone', coll: 'a', doc: { _id: 1 } },
        { op: 'put', db: 'gone', coll: 'b', doc: { _id: 1 } },
        { op: 'put', db: 'kept', coll: 'a', doc: { _id: 1 } },
      ],
      [{ op: 'dropDatabase', db: 'gone' }],
    );
    expect(state.databases.map((d) => d.name)).toEqual(['kept']);
    // Re-creating after the drop starts from nothing.
    const recreated = applyRecord(state, [{ op: 'put', db: 'gone', coll: 'b', doc: { _id: 2 } }]);
    expect(docsOf(recreated, 'gone', 'b')).toEqual([{ _id: 2 }]);
    expect(docsOf(recreated, 'gone', 'a')).toBeUndefined();
  });

  it('does not modify the state it is given', () => {
    const base = fold([
      { op: 'put', db: 'd', coll: 'c', doc: { _id: new ObjectId(), n: 1 } },
      { op: 'createIndex', db: 'd', coll: 'c', spec: { v: 2, key: { n: 1 }, name: 'n_1' } },
    ]);
    const before = canonical(base);
    applyRecord(base, [
      { op: 'put', db: 'd', coll: 'c', doc: { _id: 2 } },
      { op: 'del', db: 'd', coll: 'c', id: base.databases[0].collections[0].docs[0]._id },
      { op: 'dropIndex', db: 'd', coll: 'c', name: 'n_1' },
      { op: 'createCollection', db: 'd', coll: 'c', options: { validator: {} } },
      { op: 'dropDatabase', db: 'd' },
    ]);
    expect(canonical(base)).toBe(before);
  });

  it('rejects a put without _id and unknown ops', () => {
    expect(() => fold([{ op: 'put', db: 'd', coll: 'c', doc: { n: 1 } }])).toThrow(/without _id/);
    expect(() => fold([{ op: 'rename', db: 'd' } as never])).toThrow(/unknown journal op/);
  });
});
