import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { guideStatuses, storeStatuses, type GuideStatus, type StoreStatus } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

export interface StoreRecord {
  _id: Types.ObjectId;
  /** Unique among all stores. */
  name: string;
  address: string;
  phone: string;
  status: StoreStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface GuideRecord {
  _id: Types.ObjectId;
  name: string;
  /** Generated, unique (the index decides between two equal draws). */
  code: string;
  storeId: Types.ObjectId;
  /** Unique among guides who have one. */
  wecomUserId?: string;
  phone: string;
  status: GuideStatus;
  /** The shopper (WeChat user) who redeemed an invitation for this guide; one guide per shopper. */
  shopperId?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
  leftAt?: Date;
}

/** A single-use code that binds the WeChat user who redeems it to the guide. */
export interface GuideInvitationRecord {
  _id: Types.ObjectId;
  code: string;
  guideId: Types.ObjectId;
  /** The staff account that issued it. */
  issuedBy: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
  /** Set once, by the guarded update that redeems it. */
  usedAt?: Date;
  usedByShopperId?: Types.ObjectId;
}

const storeSchema = new Schema<StoreRecord>(
  {
    name: { type: String, required: true, unique: true },
    address: { type: String, default: '' },
    phone: { type: String, default: '' },
    status: { type: String, enum: storeStatuses, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'stores', versionKey: false },
);

const guideSchema = new Schema<GuideRecord>(
  {
    name: { type: String, required: true },
    code: { type: String, required: true, unique: true },
    storeId: { type: Schema.Types.ObjectId, required: true },
    wecomUserId: { type: String, unique: true, sparse: true },
    phone: { type: String, default: '' },
    status: { type: String, enum: guideStatuses, required: true },
    shopperId: { type: Schema.Types.ObjectId, unique: true, sparse: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    leftAt: { type: Date },
  },
  { collection: 'guides', versionKey: false },
);
// The admin list: newest first, by store and/or status.
guideSchema.index({ storeId: 1, status: 1, createdAt: -1 });
guideSchema.index({ status: 1, createdAt: -1 });
guideSchema.index({ createdAt: -1 });

const invitationSchema = new Schema<GuideInvitationRecord>(
  {
    code: { type: String, required: true, unique: true },
    guideId: { type: Schema.Types.ObjectId, required: true },
    issuedBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    usedByShopperId: { type: Schema.Types.ObjectId },
  },
  { collection: 'guide_invitations', versionKey: false },
);

export interface GuideModels {
  Store: Model<StoreRecord>;
  Guide: Model<GuideRecord>;
  GuideInvitation: Model<GuideInvitationRecord>;
}

export function guideModels(connection: Connection): GuideModels {
  return {
    Store: modelOf(connection, 'Store', storeSchema),
    Guide: modelOf(connection, 'Guide', guideSchema),
    GuideInvitation: modelOf(connection, 'GuideInvitation', invitationSchema),
  };
}

/** Resolves once every index exists: the unique ones keep store names, guide codes, WeCom userids, bound shoppers and invitation codes distinct. */
export async function ensureGuideIndexes(models: GuideModels): Promise<void> {
  await Promise.all([models.Store.init(), models.Guide.init(), models.GuideInvitation.init()]);
}
