import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { compileProjection } from './index.ts';
import { deepFreeze, expectServerError } from './test-support.ts';

const id = new ObjectId('65a1b2c3d4e5f60718293a4b');
const doc = deepFreeze({
  _id: id,
  name: 'Ann',
  age: 30,
  address: { city: 'Shanghai', zip: '200000' },
  items: [{ sku: 'a', qty: 1 }, 'loose', { sku: 'b', qty: 5, tags: ['x'] }],
  scores: [80, 95, 70, 60],
});

describe('compileProjection: inclusion and exclusion', () => {
  it('includes fields in document order, with _id unless excluded', () => {
    const result = compileProjection({ age: 1, name: 1 })(doc);
    expect(result).toEqual({ _id: id, name: 'Ann', age: 30 });
    expect(Object.keys(result)).toEqual(['_id', 'name', 'age']);
    expect(compileProjection({ name: true, _id: 0 })(doc)).toEqual({ name: 'Ann' });
    expect(compileProjection({ _id: 1 })(doc)).toEqual({ _id: id });
  });

  it('excludes fields and keeps the rest in order', () => {
    const result = compileProjection({ items: 0, scores: 0, 'address.zip': 0 })(doc);
    expect(result).toEqual({ _id: id, name: 'Ann', age: 30, address: { city: 'Shanghai' } });
    expect(compileProjection({ _id: 0 })(doc)).not.toHaveProperty('_id');
  });

  it('projects dotted paths through arrays: inclusion drops scalars, exclusion keeps them', () => {
    expect(compileProjection({ 'items.sku': 1, _id: 0 })(doc)).toEqual({ items: [{ sku: 'a' }, { sku: 'b' }] });
    expect(compileProjection({ 'items.qty': 0, 'items.tags': 0 })(doc).items).toEqual([{ sku: 'a' }, 'loose', { sku: 'b' }]);
    expect(compileProjection({ address: { city: 1 }, _id: 0 })(doc)).toEqual({ address: { city: 'Shanghai' } });
  });

  it('returns the document unchanged for an empty projection', () => {
    expect(compileProjection({})(doc)).toBe(doc);
  });

  it('rejects mixing inclusion and exclusion (other than _id)', () => {
    expectServerError(() => compileProjection({ name: 1, age: 0 }), 31253, 'Cannot do exclusion on field age in inclusion projection');
    expectServerError(() => compileProjection({ age: 0, name: 1 }), 31254, 'Cannot do inclusion on field name in exclusion projection');
    expectServerError(() => compileProjection({ age: 0, total: { $add: [1, 2] } }), 2, 'exclusion projection');
    expectServerError(() => compileProjection({ address: 1, 'address.city': 1 }), 2, 'Path collision');
  });
});

describe('compileProjection: array operators', () => {
  it('$slice keeps the other fields and slices from either end or by [skip, limit]', () => {
    expect(compileProjection({ scores: { $slice: 2 } })(doc)).toEqual({ ...doc, scores: [80, 95] });
    expect(compileProjection({ scores: { $slice: -1 } })(doc).scores).toEqual([60]);
    expect(compileProjection({ scores: { $slice: [1, 2] } })(doc).scores).toEqual([95, 70]);
    expect(compileProjection({ scores: { $slice: [-3, 1] } })(doc).scores).toEqual([95]);
    expect(compileProjection({ name: 1, scores: { $slice: 1 } })(doc)).toEqual({ _id: id, name: 'Ann', scores: [80] });
  });

  it('$elemMatch returns the first matching element, or omits the field', () => {
    expect(compileProjection({ items: { $elemMatch: { qty: { $gt: 2 } } } })(doc)).toEqual({
      _id: id,
      items: [{ sku: 'b', qty: 5, tags: ['x'] }],
    });
    expect(compileProjection({ items: { $elemMatch: { qty: 99 } } })(doc)).toEqual({ _id: id });
  });

  it('field.$ returns the element the query matched', () => {
    const project = compileProjection({ 'scores.$': 1 });
    expect(project(doc, { scores: { $lt: 75 } })).toEqual({ _id: id, scores: [70] });
    expect(compileProjection({ 'items.$': 1, _id: 0 })(doc, { 'items.sku': 'b' })).toEqual({ items: [{ sku: 'b', qty: 5, tags: ['x'] }] });
    expectServerError(() => project(doc, { name: 'Ann' }), 2, "positional operator '.$' couldn't find a matching element");
  });
});

describe('compileProjection: expressions', () => {
  it('computes aggregation expressions, field paths and literals after the included fields', () => {
    const result = compileProjection({ name: 1, total: { $sum: '$scores' }, city: '$address.city', kind: 'person' })(doc);
    expect(result).toEqual({ _id: id, name: 'Ann', total: 305, city: 'Shanghai', kind: 'person' });
    expect(Object.keys(result)).toEqual(['_id', 'name', 'total', 'city', 'kind']);
  });

  it('keeps a computed _id first and turns a scalar under a computed path into a document', () => {
    expect(Object.keys(compileProjection({ name: 1, _id: '$name' })(doc))).toEqual(['_id', 'name']);
    expect(compileProjection({ 'age.next': { $add: ['$age', 1] }, _id: 0 })(doc)).toEqual({ age: { next: 31 } });
  });

  it('rejects $meta and $function with 115', () => {
    expectServerError(() => compileProjection({ score: { $meta: 'textScore' } }), 115);
    expectServerError(() => compileProjection({ x: { $function: { body: 'return 1', args: [], lang: 'js' } } }), 115);
  });
});
