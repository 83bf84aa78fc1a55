import type { Document } from 'bson';
import { MongoServerError, notSupported, badValue } from '../errors.ts';
import { compileFilter } from '../query/index.ts';
import { formatValue } from '../values/bson-format.ts';
import { indexKeyOf, isPlainDocument } from '../values/bson-values.ts';
import { indexValuesAtPath } from './paths.ts';

const KEY_SEPARATOR = '\u0001';

/** Options of an index that make two specs with the same key pattern different indexes. */
const IDENTITY_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'hidden'] as const;
const ACCEPTED_OPTIONS = new Set<string>(['v', 'key', 'name', 'background', 'ns', ...IDENTITY_OPTIONS]);

/** A validated index definition, as stored in the catalog and returned by listIndexes. */
export interface IndexSpec extends Document {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  hidden?: boolean;
}

export function validateIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainDocument(raw)) throw badValue('index specification must be a document');
  if (!isPlainDocument(raw.key) || Object.keys(raw.key).length === 0) {
    throw new MongoServerError('BadValue', "index specification 'key' must be a non-empty document");
  }
  if (typeof raw.name !== 'string' || raw.name === '') throw badValue("index specification must have a non-empty 'name'");
  for (const [field, direction] of Object.entries(raw.key)) {
    if (field === '$**' || field.endsWith('.$**')) throw notSupported('Wildcard indexes');
    if (direction === 'text' || direction === '2d' || direction === '2dsphere' || direction === 'geoHaystack') {
      throw notSupported(`'${String(direction)}' indexes`);
    }
    if (direction !== 1 && direction !== -1 && direction !== 'hashed') {
      throw new MongoServerError(
        'CannotCreateIndex',
        `Values in the index key pattern can only be 1, -1 or "hashed"; got ${field}: ${String(direction)}`,
      );
    }
  }
  for (const option of Object.keys(raw)) {
    if (option === 'collation') throw notSupported('Index collation');
    if (!ACCEPTED_OPTIONS.has(option)) throw notSupported(`Index option '${option}'`);
  }
  if (raw.partialFilterExpression !== undefined && !isPlainDocument(raw.partialFilterExpression)) {
    throw badValue('partialFilterExpression must be a document');
  }
  if (raw.expireAfterSeconds !== undefined && !(typeof raw.expireAfterSeconds === 'number' && raw.expireAfterSeconds >= 0)) {
    throw badValue('expireAfterSeconds must be a non-negative number');
  }
  const spec: IndexSpec = { v: 2, key: raw.key, name: raw.name };
  for (const option of IDENTITY_OPTIONS) {
    if (raw[option] !== undefined && raw[option] !== false) spec[option] = raw[option];
  }
  if (spec.name === '_id_' && spec.unique) delete spec.unique; // the _id index is implicitly unique
  return spec;
}

/** Whether two specs describe the same index options (key pattern compared separately). */
export function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  return IDENTITY_OPTIONS.every((option) => indexKeyOf(a[option] ?? null) === indexKeyOf(b[option] ?? null));
}

export function sameKeyPattern(a: Document, b: Document): boolean {
  return indexKeyOf(a) === indexKeyOf(b);
}

/**
 * A secondary index kept as hash maps from key to document keys: the engine only needs equality
 * lookups and uniqueness, and a hash map keeps both O(1) where a scan made bulk inserts quadratic.
 * A compound index is also keyed by its first field so that prefix equality avoids a scan.
 */
export class Index {
  readonly spec: IndexSpec;
  readonly fields: string[];
  readonly unique: boolean;
  private readonly paths: string[][];
  private readonly partialFilter: ((doc: Document) => boolean) | null;
  private readonly entries = new Map<string, Set<string>>();
  private readonly prefixEntries: Map<string, Set<string>> | null;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((field) => field.split('.'));
    this.unique = spec.name === '_id_' || spec.unique === true;
    this.partialFilter = spec.partialFilterExpression ? compileFilter(spec.partialFilterExpression) : null;
    this.prefixEntries = this.fields.length > 1 ? new Map() : null;
  }

  get name(): string {
    return this.spec.name;
  }

  /** Usable to answer an equality lookup: every document that could match is in the index. */
  get coversAllDocuments(): boolean {
    return !this.spec.sparse && !this.partialFilter;
  }

  /**
   * The index keys of a document with, for each, the field values it was built from
   * (for duplicate-key errors). Empty when the document is outside a sparse or partial index.
   */
  keysOf(doc: Document): Array<{ key: string; values: unknown[] }> {
    if (this.partialFilter && !this.partialFilter(doc)) return [];
    const perField = this.paths.map((path) => indexValuesAtPath(doc, path));
    if (this.spec.sparse && this.paths.every((path) => isMissing(doc, path))) return [];
    const multikeyFields = this.fields.filter((_, i) => perField[i].sawArray);
    if (multikeyFields.length > 1) {
      throw new MongoServerError('CannotIndexParallelArrays', `cannot index parallel arrays [${multikeyFields[1]}] [${multikeyFields[0]}]`);
    }
    let combos: unknown[][] = [[]];
    for (const { values } of perField) {
      combos = combos.flatMap((prefix) => values.map((value) => [...prefix, value]));
    }
    const seen = new Set<string>();
    const keys: Array<{ key: string; values: unknown[] }> = [];
    for (const values of combos) {
      const key = values.map(indexKeyOf).join(KEY_SEPARATOR);
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push({ key, values });
    }
    return keys;
  }

  /** The first document key (other than `docKey`) holding any of these index keys, if unique. */
  findConflict(
    keys: Array<{ key: string; values: unknown[] }>,
    ignore: (docKey: string) => boolean,
  ): { docKey: string; values: unknown[] } | null {
    if (!this.unique) return null;
    for (const { key, values } of keys) {
      const holders = this.entries.get(key);
      if (!holders) continue;
      for (const holder of holders) if (!ignore(holder)) return { docKey: holder, values };
    }
    return null;
  }

  add(docKey: string, keys: Array<{ key: string; values: unknown[] }>): void {
    for (const { key, values } of keys) {
      addTo(this.entries, key, docKey);
      if (this.prefixEntries) addTo(this.prefixEntries, indexKeyOf(values[0]), docKey);
    }
  }

  remove(docKey: string, keys: Array<{ key: string; values: unknown[] }>): void {
    for (const { key, values } of keys) {
      removeFrom(this.entries, key, docKey);
      if (this.prefixEntries) removeFrom(this.prefixEntries, indexKeyOf(values[0]), docKey);
    }
  }

  /** Document keys whose first index field equals one of `values` (all fields when compound-complete). */
  lookupFirstField(values: unknown[]): Set<string> {
    const map = this.prefixEntries ?? this.entries;
    const result = new Set<string>();
    for (const value of values) {
      const holders = map.get(indexKeyOf(value));
      if (holders) for (const holder of holders) result.add(holder);
    }
    return result;
  }

  duplicateKeyError(ns: string, values: unknown[]): MongoServerError {
    const keyValue: Document = {};
    this.fields.forEach((field, i) => {
      keyValue[field] = values[i];
    });
    const shown = this.fields.map((field, i) => `${field}: ${formatValue(values[i])}`).join(', ');
    return new MongoServerError('DuplicateKey', `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${shown} }`, {
      keyPattern: this.spec.key,
      keyValue,
    });
  }

  clear(): void {
    this.entries.clear();
    this.prefixEntries?.clear();
  }
}

function isMissing(doc: Document, path: string[]): boolean {
  let value: unknown = doc;
  for (const component of path) {
    if (Array.isArray(value)) return false;
    if (!isPlainDocument(value)) return true;
    value = value[component];
  }
  return value === undefined;
}

function addTo(map: Map<string, Set<string>>, key: string, docKey: string): void {
  const set = map.get(key);
  if (set) set.add(docKey);
  else map.set(key, new Set([docKey]));
}

function removeFrom(map: Map<string, Set<string>>, key: string, docKey: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(docKey);
  if (set.size === 0) map.delete(key);
}
