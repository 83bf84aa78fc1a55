import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { guideStatuses, storeStatuses, type GuideStatus, type PosterSurface, type StoreStatus } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

export interface StoreRecord {
  _id: Types.ObjectId;
  /** Unique among all stores. */
  name: string;
  address: string;
  phone: string;
  status: StoreStatus;
  /** The store's id in WeChat Pay's merchant platform (门店ID): smart guides (支付即服务) are registered under it. */
  wechatPayStoreId?: number;
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
  /** The guide's id in WeChat Pay's smart-guide service (支付即服务), once registered there. */
  wechatPayGuideId?: string;
  /** The shopper (WeChat user) who redeemed an invitation for this guide; one guide per shopper. */
  shopperId?: Types.ObjectId;
  /** The guide's picks (主推), in their order: existing products, at most MAX_GUIDE_PICKS; absent on guides who never picked. */
  pickedProductIds?: Types.ObjectId[];
  createdAt: Date;
  updatedAt: Date;
  leftAt?: Date;
  /** The guide's photo in image storage (a square JPEG made from the upload). */
  avatarImageId?: string;
  /** The guide's mini-program code in image storage: drawn by WeChat once, kept while the stored image exists. */
  shopCodeImageId?: string;
  /** The same for posters: its scene marks the poster channel (`g=CODE&c=p`). */
  posterCodeImageId?: string;
  /** The latest poster per surface, with the key of everything drawn on it: another key means it must be drawn again. */
  posters?: Partial<Record<PosterSurface, StoredPoster>>;
}

export interface StoredPoster {
  key: string;
  imageId: string;
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
    wechatPayStoreId: { type: Number },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'stores', versionKey: false },
);

const storedPosterSchema = new Schema<StoredPoster>(
  { key: { type: String, required: true }, imageId: { type: String, required: true } },
  { _id: false, versionKey: false },
);

const guideSchema = new Schema<GuideRecord>(
  {
    name: { type: String, required: true },
    code: { type: String, required: true, unique: true },
    storeId: { type: Schema.Types.ObjectId, required: true },
    wecomUserId: { type: String, unique: true, sparse: true },
    phone: { type: String, default: '' },
    status: { type: String, enum: guideStatuses, required: true },
    wechatPayGuideId: { type: String },
    shopperId: { type: Schema.Types.ObjectId, unique: true, sparse: true },
    pickedProductIds: { type: [Schema.Types.ObjectId], default: undefined },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    leftAt: { type: Date },
    avatarImageId: { type: String },
    shopCodeImageId: { type: String },
    posterCodeImageId: { type: String },
    posters: { weapp: { type: storedPosterSchema }, h5: { type: storedPosterSchema } },
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
