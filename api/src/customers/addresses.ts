import { Types } from 'mongoose';
import { MAX_ADDRESSES_PER_SHOPPER, type Address, type ParsedAddressInput } from '@mall/shared';
import { isDuplicateKeyError } from '../db/errors.ts';
import { AppError } from '../http/errors.ts';
import { addressFields, toAddressView, type AddressBook, type CustomerModels, type StoredAddress } from './models.ts';

/**
 * A shopper's delivery addresses. The rules — at most MAX_ADDRESSES_PER_SHOPPER, exactly one default while
 * there are any (the first becomes it; deleting it promotes the most recently added) — hold under concurrency
 * because each change rewrites the shopper's one address-book document guarded by its version: a change that
 * lost a race is worked out again on the fresh book. A shopper only ever reads their own book, so another
 * shopper's address is simply not found.
 */

interface BookState {
  addresses: StoredAddress[];
  defaultAddressId?: Types.ObjectId;
}

/** A shopper double-tapping is the realistic contention; this many rounds covers far more. */
const WRITE_ATTEMPTS = 50;

async function readBook(models: CustomerModels, shopperId: Types.ObjectId): Promise<AddressBook | null> {
  return models.AddressBook.findById(shopperId).lean<AddressBook>();
}

/** Writes `next` if the book is still at `version` (0: not yet created); false when another change got there first. */
async function writeBook(models: CustomerModels, shopperId: Types.ObjectId, version: number, next: BookState): Promise<boolean> {
  if (version === 0) {
    try {
      await models.AddressBook.create({ _id: shopperId, ...next, version: 1 });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
  const update =
    next.defaultAddressId === undefined
      ? { $set: { addresses: next.addresses, version: version + 1 }, $unset: { defaultAddressId: 1 } }
      : { $set: { addresses: next.addresses, defaultAddressId: next.defaultAddressId, version: version + 1 } };
  const result = await models.AddressBook.updateOne({ _id: shopperId, version }, update);
  return result.matchedCount === 1;
}

/** Applies `change` to the current book and writes the outcome atomically, recomputing after a lost race. */
async function changeBook<T>(
  models: CustomerModels,
  shopperId: Types.ObjectId,
  change: (book: BookState) => { next: BookState; result: T },
): Promise<T> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
    const stored = await readBook(models, shopperId);
    const current: BookState = stored ? { addresses: stored.addresses, defaultAddressId: stored.defaultAddressId } : { addresses: [] };
    const { next, result } = change(current);
    if (await writeBook(models, shopperId, stored?.version ?? 0, next)) return result;
  }
  throw new AppError('CONFLICT');
}

function indexOf(book: BookState, addressId: Types.ObjectId): number {
  const index = book.addresses.findIndex((address) => address._id.equals(addressId));
  if (index === -1) throw new AppError('NOT_FOUND', { message: '收货地址不存在' });
  return index;
}

/** Newest first; ids break ties, as they grow with time too. */
function newestFirst(a: StoredAddress, b: StoredAddress): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || b._id.toHexString().localeCompare(a._id.toHexString());
}

/** The default address first, then the most recently added. */
export async function listAddresses(models: CustomerModels, shopperId: Types.ObjectId): Promise<Address[]> {
  const book = await readBook(models, shopperId);
  if (!book) return [];
  const views = [...book.addresses].sort(newestFirst).map((address) => toAddressView(address, book.defaultAddressId));
  return [...views.filter((view) => view.isDefault), ...views.filter((view) => !view.isDefault)];
}

export async function findAddress(models: CustomerModels, shopperId: Types.ObjectId, addressId: Types.ObjectId): Promise<Address> {
  const book: BookState = (await readBook(models, shopperId)) ?? { addresses: [] };
  const address = book.addresses[indexOf(book, addressId)] as StoredAddress;
  return toAddressView(address, book.defaultAddressId);
}

export async function createAddress(models: CustomerModels, shopperId: Types.ObjectId, input: ParsedAddressInput): Promise<Address> {
  return changeBook(models, shopperId, (book) => {
    if (book.addresses.length >= MAX_ADDRESSES_PER_SHOPPER) {
      throw new AppError('ADDRESS_LIMIT_REACHED', { details: { limit: MAX_ADDRESSES_PER_SHOPPER } });
    }
    const now = new Date();
    const address: StoredAddress = { _id: new Types.ObjectId(), ...addressFields(input), createdAt: now, updatedAt: now };
    const defaultAddressId = input.isDefault === true || book.defaultAddressId === undefined ? address._id : book.defaultAddressId;
    return { next: { addresses: [...book.addresses, address], defaultAddressId }, result: toAddressView(address, defaultAddressId) };
  });
}

/**
 * Replaces the address's fields. `isDefault: true` makes it the default; `false` on the default changes nothing,
 * since there must be one: another address becomes the default by being made so.
 */
export async function updateAddress(
  models: CustomerModels,
  shopperId: Types.ObjectId,
  addressId: Types.ObjectId,
  input: ParsedAddressInput,
): Promise<Address> {
  return changeBook(models, shopperId, (book) => {
    const index = indexOf(book, addressId);
    const previous = book.addresses[index] as StoredAddress;
    const address: StoredAddress = { ...previous, ...addressFields(input), updatedAt: new Date() };
    const addresses = book.addresses.map((existing, at) => (at === index ? address : existing));
    const defaultAddressId = input.isDefault === true ? address._id : book.defaultAddressId;
    return { next: { addresses, defaultAddressId }, result: toAddressView(address, defaultAddressId) };
  });
}

export async function setDefaultAddress(models: CustomerModels, shopperId: Types.ObjectId, addressId: Types.ObjectId): Promise<Address> {
  return changeBook(models, shopperId, (book) => {
    const address = book.addresses[indexOf(book, addressId)] as StoredAddress;
    return { next: { addresses: book.addresses, defaultAddressId: address._id }, result: toAddressView(address, address._id) };
  });
}

/** Deleting the default promotes the most recently added of the rest. */
export async function deleteAddress(models: CustomerModels, shopperId: Types.ObjectId, addressId: Types.ObjectId): Promise<void> {
  await changeBook(models, shopperId, (book) => {
    const index = indexOf(book, addressId);
    const addresses = book.addresses.filter((_, at) => at !== index);
    const wasDefault = book.defaultAddressId?.equals(addressId) ?? false;
    const defaultAddressId = wasDefault ? [...addresses].sort(newestFirst)[0]?._id : book.defaultAddressId;
    return { next: { addresses, defaultAddressId }, result: undefined };
  });
}
