import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { Address, AddressFields, Shopper as ShopperView } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

/** A shopper, known by the openid WeChat gives the mini-program for them. */
export interface Shopper {
  _id: Types.ObjectId;
  /** Unique: one shopper per WeChat user of this mini-program. */
  openid: string;
  /** Present when the mini-program is bound to a WeChat Open Platform account; unique among those who have one. */
  unionid?: string;
  nickname?: string;
  avatarUrl?: string;
  /** Only once the shopper grants it; shown masked to staff. */
  phone?: string;
  createdAt: Date;
  lastLoginAt: Date;
}

/** A shopper sign-in. Only the SHA-256 of the token is stored, as for staff sessions. */
export interface ShopperSession {
  _id: Types.ObjectId;
  tokenHash: string;
  shopperId: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
}

export interface StoredAddress extends AddressFields {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A shopper's addresses in one document (keyed by the shopper's id), so that every change — the limit, the one
 * default — is a single atomic write guarded by `version`; concurrent changes retry on a fresh read.
 */
export interface AddressBook {
  /** The shopper's id. */
  _id: Types.ObjectId;
  addresses: StoredAddress[];
  /** One of `addresses` whenever there are any. */
  defaultAddressId?: Types.ObjectId;
  version: number;
}

const shopperSchema = new Schema<Shopper>(
  {
    openid: { type: String, required: true, unique: true },
    unionid: { type: String, unique: true, sparse: true },
    nickname: { type: String },
    avatarUrl: { type: String },
    phone: { type: String },
    createdAt: { type: Date, required: true },
    lastLoginAt: { type: Date, required: true },
  },
  { collection: 'shoppers', versionKey: false },
);

const shopperSessionSchema = new Schema<ShopperSession>(
  {
    tokenHash: { type: String, required: true, unique: true },
    shopperId: { type: Schema.Types.ObjectId, required: true, index: true },
    createdAt: { type: Date, required: true },
    // Expired sessions are refused on read; the TTL index only tidies them away.
    expiresAt: { type: Date, required: true, expires: 0 },
  },
  { collection: 'shopper_sessions', versionKey: false },
);

const storedAddressSchema = new Schema<StoredAddress>(
  {
    recipientName: { type: String, required: true },
    phone: { type: String, required: true },
    province: { type: String, required: true },
    city: { type: String, required: true },
    district: { type: String, required: true },
    detail: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const addressBookSchema = new Schema<AddressBook>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    addresses: { type: [storedAddressSchema], required: true },
    defaultAddressId: { type: Schema.Types.ObjectId },
    version: { type: Number, required: true },
  },
  { collection: 'shopper_address_books', versionKey: false },
);

export interface CustomerModels {
  Shopper: Model<Shopper>;
  ShopperSession: Model<ShopperSession>;
  AddressBook: Model<AddressBook>;
}

/** The shopper models on a connection (compiled once per connection). */
export function customerModels(connection: Connection): CustomerModels {
  return {
    Shopper: modelOf(connection, 'Shopper', shopperSchema),
    ShopperSession: modelOf(connection, 'ShopperSession', shopperSessionSchema),
    AddressBook: modelOf(connection, 'AddressBook', addressBookSchema),
  };
}

/** Resolves once every shopper index exists (mongoose builds each once per model; later calls return at once). */
export async function ensureCustomerIndexes(models: CustomerModels): Promise<void> {
  await Promise.all([models.Shopper.init(), models.ShopperSession.init(), models.AddressBook.init()]);
}

export function toShopperView(shopper: Shopper): ShopperView {
  return {
    id: shopper._id.toHexString(),
    ...(shopper.nickname !== undefined && { nickname: shopper.nickname }),
    ...(shopper.avatarUrl !== undefined && { avatarUrl: shopper.avatarUrl }),
    ...(shopper.phone !== undefined && { phone: shopper.phone }),
    createdAt: shopper.createdAt.toISOString(),
    lastLoginAt: shopper.lastLoginAt.toISOString(),
  };
}

/** Only the address fields of `address` (an input, a stored address or its view); what an order copies. */
export function addressFields(address: AddressFields): AddressFields {
  const { recipientName, phone, province, city, district, detail } = address;
  return { recipientName, phone, province, city, district, detail };
}

export function toAddressView(address: StoredAddress, defaultAddressId: Types.ObjectId | undefined): Address {
  return {
    id: address._id.toHexString(),
    ...addressFields(address),
    isDefault: defaultAddressId !== undefined && address._id.equals(defaultAddressId),
    createdAt: address.createdAt.toISOString(),
    updatedAt: address.updatedAt.toISOString(),
  };
}
