import type { Document } from 'bson';
import { badValue, MongoServerError, notSupported } from '../errors.ts';
import { isPlainDocument } from '../values/bson-values.ts';
import { withIdFirst } from './paths.ts';

/**
 * MongoDB's projection semantics, shared by find projections, `$project`, `$unset` and
 * `$addFields`/`$set`. A projection is parsed once into a tree of paths; applying it builds new
 * documents and never mutates its input (mingo's `$project` and `$addFields` write into nested
 * objects shared with the input, and order fields by the projection instead of the document).
 * Inclusion keeps the document's field order and appends computed fields in projection order;
 * a computed field under a scalar or missing value replaces it with a document; through arrays
 * it applies to each element.
 */

type Leaf =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'computed'; expr: unknown }
  | { kind: 'slice'; skip: number | undefined; limit: number }
  | { kind: 'elemMatch'; matches: (element: unknown) => boolean }
  | { kind: 'positional' };

interface Tree {
  kind: 'tree';
  children: Map<string, Node>;
  hasComputed: boolean;
}

type Node = Leaf | Tree;

export interface ProjectionPlan {
  mode: 'inclusion' | 'exclusion';
  root: Tree;
  /** The array path of a find projection's `field.$`. */
  positionalPath?: string[];
}

export interface ProjectionContext {
  /** Evaluates an aggregation expression against the input document. */
  evaluate(expr: unknown, root: Document): unknown;
  /** The array index a query matched at `path` (find's positional projection). */
  positionalIndex?(root: Document, path: string[]): number | undefined;
}

const INCLUDE: Leaf = { kind: 'include' };
const EXCLUDE: Leaf = { kind: 'exclude' };

function newTree(): Tree {
  return { kind: 'tree', children: new Map(), hasComputed: false };
}

function pathParts(key: string): string[] {
  const parts = key.split('.');
  if (parts.includes('')) throw badValue(`FieldPath field names may not be empty strings, found '${key}'`);
  const dollar = parts.find((part) => part.startsWith('$'));
  if (dollar !== undefined) throw badValue(`FieldPath field names may not start with '$', found '${key}'`);
  return parts;
}

/** Puts a leaf at a path; a path and one of its prefixes cannot both be projected. */
function insert(root: Tree, parts: string[], leaf: Leaf): void {
  let tree = root;
  for (let i = 0; i < parts.length - 1; i++) {
    let next = tree.children.get(parts[i]);
    if (next === undefined) {
      next = newTree();
      tree.children.set(parts[i], next);
    } else if (next.kind !== 'tree') {
      throw badValue(`Path collision at ${parts.join('.')} remaining portion ${parts.slice(i + 1).join('.')}`);
    }
    if (leaf.kind === 'computed') tree.hasComputed = true;
    tree = next;
  }
  const last = parts[parts.length - 1];
  if (tree.children.has(last)) throw badValue(`Path collision at ${parts.join('.')}`);
  if (leaf.kind === 'computed') tree.hasComputed = true;
  tree.children.set(last, leaf);
}

function sliceLeaf(spec: unknown): Leaf | undefined {
  if (typeof spec === 'number') return { kind: 'slice', skip: undefined, limit: spec };
  if (Array.isArray(spec) && spec.length === 2 && spec.every((n) => typeof n === 'number')) {
    if (spec[1] <= 0) throw badValue(`$slice limit must be positive, found ${spec[1]}`);
    return { kind: 'slice', skip: spec[0], limit: spec[1] };
  }
  return undefined;
}

export interface ParseOptions {
  /** find projections allow `$slice`, `$elemMatch` and `field.$`; `$project` does not. */
  find: boolean;
  /** Compiles a find projection's `$elemMatch` into an element test. */
  elemMatch?(field: string, spec: unknown): (element: unknown) => boolean;
}

/** Parses a projection; `null` means "the whole document" (an empty find projection). */
export function parseProjection(spec: Document, options: ParseOptions): ProjectionPlan | null {
  const root = newTree();
  let mode: ProjectionPlan['mode'] | undefined;
  let idLeaf: Leaf | undefined;
  let positionalPath: string[] | undefined;

  const setMode = (wanted: ProjectionPlan['mode'], path: string, computed: boolean) => {
    if (mode === undefined || mode === wanted) {
      mode = wanted;
      return;
    }
    if (wanted === 'exclusion') throw new MongoServerError('Location31253', `Cannot do exclusion on field ${path} in inclusion projection`);
    if (computed) throw badValue(`Cannot use expression other than $meta in exclusion projection, found one at ${path}`);
    throw new MongoServerError('Location31254', `Cannot do inclusion on field ${path} in exclusion projection`);
  };

  const place = (parts: string[], leaf: Leaf) => {
    if (parts.length === 1 && parts[0] === '_id') idLeaf = leaf;
    else insert(root, parts, leaf);
  };

  const visit = (obj: Document, prefix: string[]) => {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      if (options.find && key.endsWith('.$')) {
        if (positionalPath) throw badValue('Cannot specify more than one positional projection per query.');
        if (value !== true && (typeof value !== 'number' || value === 0))
          throw badValue(`positional projection for ${key} must be an inclusion`);
        positionalPath = [...prefix, ...pathParts(key.slice(0, -2))];
        insert(root, positionalPath, { kind: 'positional' });
        setMode('inclusion', key, false);
        continue;
      }
      const parts = [...prefix, ...pathParts(key)];
      const path = parts.join('.');
      if (typeof value === 'boolean' || typeof value === 'number') {
        const included = value !== false && value !== 0;
        place(parts, included ? INCLUDE : EXCLUDE);
        if (path !== '_id') setMode(included ? 'inclusion' : 'exclusion', path, false);
        continue;
      }
      if (isPlainDocument(value) && !Object.keys(value)[0]?.startsWith('$')) {
        if (Object.keys(value).length === 0)
          throw badValue(`An empty sub-projection is not a valid value. Found empty object at path ${path}`);
        visit(value, parts);
        continue;
      }
      if (isPlainDocument(value)) {
        const operator = Object.keys(value)[0];
        if (operator === '$meta') throw notSupported('The $meta projection');
        const slice = options.find && operator === '$slice' ? sliceLeaf(value.$slice) : undefined;
        if (slice) {
          place(parts, slice);
          continue;
        }
        if (options.find && operator === '$elemMatch' && options.elemMatch) {
          if (parts.length > 1) throw badValue('Cannot use $elemMatch projection on a nested field.');
          place(parts, { kind: 'elemMatch', matches: options.elemMatch(path, value.$elemMatch) });
          setMode('inclusion', path, false);
          continue;
        }
      }
      place(parts, { kind: 'computed', expr: value });
      setMode('inclusion', path, true);
    }
  };

  visit(spec, []);
  if (mode === undefined && idLeaf === undefined && root.children.size === 0) {
    if (options.find) return null;
    throw badValue('Invalid $project :: caused by :: projection specification must have at least one field');
  }
  const resolvedMode = mode ?? (idLeaf !== undefined && idLeaf.kind !== 'exclude' && root.children.size === 0 ? 'inclusion' : 'exclusion');
  if (idLeaf?.kind === 'computed') root.hasComputed = true;
  // _id leads the tree (and so the computed fields): it is included unless excluded.
  const id = idLeaf ?? (resolvedMode === 'inclusion' ? INCLUDE : undefined);
  if (id && !(resolvedMode === 'exclusion' && id.kind === 'include')) root.children = new Map([['_id', id], ...root.children]);
  return { mode: resolvedMode, root, positionalPath };
}

function applySlice(value: unknown, leaf: Extract<Leaf, { kind: 'slice' }>): unknown {
  if (!Array.isArray(value)) return value;
  if (leaf.skip === undefined) return leaf.limit >= 0 ? value.slice(0, leaf.limit) : value.slice(Math.max(0, value.length + leaf.limit));
  const start = leaf.skip < 0 ? Math.max(0, value.length + leaf.skip) : Math.min(leaf.skip, value.length);
  return value.slice(start, start + leaf.limit);
}

export function applyProjection(plan: ProjectionPlan, doc: Document, context: ProjectionContext): Document {
  if (plan.mode === 'exclusion') return excludeFrom(doc, plan.root);
  const out = includeFrom(doc, plan.root, doc, plan, context);
  if (!plan.root.hasComputed) return out;
  addComputed(out, plan.root, doc, context);
  return withIdFirst(out);
}

/** `$addFields`/`$set`: every leaf of the plan is computed and merged into a copy of the document. */
export function parseAddFields(spec: Document): Tree {
  const root = newTree();
  const visit = (obj: Document, prefix: string[]) => {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      const parts = [...prefix, ...pathParts(key)];
      const nested = isPlainDocument(value) && Object.keys(value).length > 0 && !Object.keys(value)[0].startsWith('$');
      if (nested) visit(value, parts);
      else insert(root, parts, { kind: 'computed', expr: value });
    }
  };
  visit(spec, []);
  return root;
}

export function applyAddFields(tree: Tree, doc: Document, context: ProjectionContext): Document {
  const out = { ...doc };
  addComputed(out, tree, doc, context);
  return out;
}

function includeFrom(doc: Document, tree: Tree, root: Document, plan: ProjectionPlan, context: ProjectionContext): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    const node = tree.children.get(key);
    if (node === undefined) continue;
    const value = doc[key];
    switch (node.kind) {
      case 'include':
        out[key] = value;
        break;
      case 'slice':
        out[key] = applySlice(value, node);
        break;
      case 'elemMatch':
        if (Array.isArray(value)) {
          const match = value.find(node.matches);
          if (match !== undefined) out[key] = [match];
        }
        break;
      case 'positional':
        out[key] = Array.isArray(value) ? [positionalElement(value, root, plan, context)] : value;
        break;
      case 'tree': {
        const projected = includeIn(value, node, root, plan, context);
        if (projected !== undefined) out[key] = projected;
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** Inclusion below a field: documents are projected, arrays element-wise (dropping scalars), scalars vanish. */
function includeIn(value: unknown, tree: Tree, root: Document, plan: ProjectionPlan, context: ProjectionContext): unknown {
  if (isPlainDocument(value)) return includeFrom(value, tree, root, plan, context);
  if (Array.isArray(value)) {
    return value.flatMap((element) =>
      isPlainDocument(element) || Array.isArray(element) ? [includeIn(element, tree, root, plan, context)] : [],
    );
  }
  return undefined;
}

function positionalElement(array: unknown[], root: Document, plan: ProjectionPlan, context: ProjectionContext): unknown {
  const index = plan.positionalPath && context.positionalIndex?.(root, plan.positionalPath);
  if (index === undefined || index >= array.length) {
    throw badValue(
      "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array",
    );
  }
  return array[index];
}

function excludeFrom(doc: Document, tree: Tree): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    const node = tree.children.get(key);
    const value = doc[key];
    if (node === undefined || node.kind === 'include') out[key] = value;
    else if (node.kind === 'slice') out[key] = applySlice(value, node);
    else if (node.kind === 'tree') out[key] = excludeIn(value, node);
  }
  return out;
}

function excludeIn(value: unknown, tree: Tree): unknown {
  if (isPlainDocument(value)) return excludeFrom(value, tree);
  if (Array.isArray(value)) return value.map((element) => excludeIn(element, tree));
  return value;
}

/** Writes the computed fields of `tree` into `out` (a fresh object); a result of `undefined` ($$REMOVE, a missing field) removes the field. */
function addComputed(out: Document, tree: Tree, root: Document, context: ProjectionContext): void {
  for (const [key, node] of tree.children) {
    if (node.kind === 'computed') {
      const value = context.evaluate(node.expr, root);
      if (value === undefined) delete out[key];
      else out[key] = value;
    } else if (node.kind === 'tree' && node.hasComputed) {
      out[key] = computedInto(out[key], node, root, context);
    }
  }
}

function computedInto(value: unknown, tree: Tree, root: Document, context: ProjectionContext): unknown {
  if (Array.isArray(value)) return value.map((element) => computedInto(element, tree, root, context));
  const out: Document = isPlainDocument(value) ? { ...value } : {};
  addComputed(out, tree, root, context);
  return out;
}
