import { calculateObjectSize, ObjectId } from 'bson';
import type { Document } from 'bson';
import { MongoServerError } from '../errors.ts';
import { MAX_BSON_OBJECT_SIZE } from '../limits.ts';
import { isPlainDocument } from '../values/bson-values.ts';

/**
 * A document ready to store: `_id` first (generated when missing, as mongod does), valid `_id` type,
 * top-level field names MongoDB accepts, and within the 16 MB limit.
 */
export function prepareForStorage(doc: unknown): Document {
  if (!isPlainDocument(doc)) throw new MongoServerError('BadValue', 'a document to write must be an object');
  const id = doc._id === undefined ? new ObjectId() : doc._id;
  validateId(id);
  const stored: Document = { _id: id };
  for (const field of Object.keys(doc)) {
    if (field === '_id') continue;
    if (field.startsWith('$')) {
      throw new MongoServerError('DollarPrefixedFieldName', `Document can't have $ prefixed field names: ${field}`);
    }
    stored[field] = doc[field];
  }
  checkSize(stored);
  return stored;
}

function validateId(id: unknown): void {
  if (Array.isArray(id)) throw new MongoServerError('InvalidIdField', `The '_id' value cannot be of type array`);
  if (id instanceof RegExp || (id as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp') {
    throw new MongoServerError('InvalidIdField', `The '_id' value cannot be of type regex`);
  }
  if (id === undefined) throw new MongoServerError('InvalidIdField', `The '_id' value cannot be undefined`);
  if (isPlainDocument(id) && Object.keys(id).some((key) => key.startsWith('$'))) {
    throw new MongoServerError('DollarPrefixedFieldName', `_id fields may not contain '$'-prefixed fields`);
  }
}

export function checkSize(doc: Document): void {
  const size = calculateObjectSize(doc);
  if (size > MAX_BSON_OBJECT_SIZE) {
    throw new MongoServerError(
      'BSONObjectTooLarge',
      `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`,
    );
  }
}
