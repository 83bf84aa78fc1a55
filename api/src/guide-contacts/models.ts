import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  wecomRelationEnders,
  wecomRelationStatuses,
  welcomeOutcomes,
  type WecomRelationEnder,
  type WecomRelationStatus,
  type WelcomeOutcome,
} from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

/** Why a contact way stopped being served (and was deleted in WeCom). */
export const contactWayRetirements = ['added', 'expired', 'member_changed'] as const;
export type ContactWayRetirement = (typeof contactWayRetirements)[number];

/**
 * A 「联系我」 contact way made through WeCom's API for one guide — general (`state` = the guide's code) or for one
 * shopper (`<code>.<shopper key>`) — in one scene (1: the mini-program's contact plugin, 2: a QR code). At most
 * one `active` per state and scene (a partial unique index): of two requests creating it at once, one is kept.
 */
export interface ContactWayRecord {
  _id: Types.ObjectId;
  guideId: Types.ObjectId;
  /** Absent on the guide's general contact way. */
  shopperId?: Types.ObjectId;
  state: string;
  scene: 1 | 2;
  /** WeCom's id of the contact way: the plugin's `plugid`, and what deletes it. */
  configId: string;
  /** WeCom's QR image URL (scene 2). */
  qrCode?: string;
  /** The guide's WeCom userid the contact way adds: a guide whose userid changed gets a new one. */
  wecomUserId: string;
  active: boolean;
  createdAt: Date;
  retiredAt?: Date;
  retiredBecause?: ContactWayRetirement;
}

/**
 * A WeCom external contact (a WeChat user) following a guide, as WeCom's callbacks report it: one document per
 * external user and guide (unique), updated by each add or delete in the order the events happened (`changedAt`).
 */
export interface WecomRelationRecord {
  _id: Types.ObjectId;
  externalUserId: string;
  guideId: Types.ObjectId;
  /** The guide's WeCom userid the customer added. */
  wecomUserId: string;
  /** The shopper this WeChat user is, when our `state` or their unionid said so. */
  shopperId?: Types.ObjectId;
  /** Their WeChat name as WeCom gave it (asked when the state did not name the shopper). */
  customerName?: string;
  /** The contact way's state the latest add came through. */
  state?: string;
  status: WecomRelationStatus;
  addedAt: Date;
  /** The time (WeCom's CreateTime) of the latest event applied: an older event arriving late changes nothing. */
  changedAt: Date;
  /** The stored event of the latest add: the steps below belong to it. */
  addEventKey: string;
  welcome: WelcomeOutcome;
  /** When the shopper was bound to the guide for the latest add. */
  boundAt?: Date;
  deletedAt?: Date;
  deletedBy?: WecomRelationEnder;
  transferFailure?: { takeoverWecomUserId: string; reason: string; at: Date };
  createdAt: Date;
  updatedAt: Date;
}

const contactWaySchema = new Schema<ContactWayRecord>(
  {
    guideId: { type: Schema.Types.ObjectId, required: true },
    shopperId: { type: Schema.Types.ObjectId },
    state: { type: String, required: true },
    scene: { type: Number, enum: [1, 2], required: true },
    configId: { type: String, required: true, unique: true },
    qrCode: { type: String },
    wecomUserId: { type: String, required: true },
    active: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    retiredAt: { type: Date },
    retiredBecause: { type: String, enum: contactWayRetirements },
  },
  { collection: 'guide_contact_ways', versionKey: false },
);
// One active contact way per state and scene: the index decides between two requests creating it at once.
contactWaySchema.index({ state: 1, scene: 1 }, { unique: true, partialFilterExpression: { active: true } });
// A guide's contact ways (the console), and the expiry sweep over unused per-shopper ones.
contactWaySchema.index({ guideId: 1, active: 1 });
contactWaySchema.index({ active: 1, createdAt: 1 });

const wecomRelationSchema = new Schema<WecomRelationRecord>(
  {
    externalUserId: { type: String, required: true },
    guideId: { type: Schema.Types.ObjectId, required: true },
    wecomUserId: { type: String, required: true },
    shopperId: { type: Schema.Types.ObjectId },
    customerName: { type: String },
    state: { type: String },
    status: { type: String, enum: wecomRelationStatuses, required: true },
    addedAt: { type: Date, required: true },
    changedAt: { type: Date, required: true },
    addEventKey: { type: String, required: true },
    welcome: { type: String, enum: welcomeOutcomes, required: true },
    boundAt: { type: Date },
    deletedAt: { type: Date },
    deletedBy: { type: String, enum: wecomRelationEnders },
    transferFailure: {
      type: new Schema({ takeoverWecomUserId: String, reason: String, at: Date }, { _id: false }),
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'wecom_relations', versionKey: false },
);
wecomRelationSchema.index({ externalUserId: 1, guideId: 1 }, { unique: true });
// Whether a shopper has the guide (result page, 我的导购); a guide's customers, newest first (the console).
wecomRelationSchema.index({ shopperId: 1, guideId: 1 });
wecomRelationSchema.index({ guideId: 1, status: 1, addedAt: -1 });
wecomRelationSchema.index({ guideId: 1, addedAt: -1 });

export interface GuideContactModels {
  ContactWay: Model<ContactWayRecord>;
  WecomRelation: Model<WecomRelationRecord>;
}

export function guideContactModels(connection: Connection): GuideContactModels {
  return {
    ContactWay: modelOf(connection, 'GuideContactWay', contactWaySchema),
    WecomRelation: modelOf(connection, 'WecomRelation', wecomRelationSchema),
  };
}

/** Resolves once the unique indexes exist: one active contact way per state and scene, one relation per customer and guide. */
export async function ensureGuideContactIndexes(models: GuideContactModels): Promise<void> {
  await Promise.all([models.ContactWay.init(), models.WecomRelation.init()]);
}
