import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { bindingReasons, touchChannels, touchEffects, type BindingReason, type TouchChannel, type TouchEffect } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

/** One entry with a guide code: who, through which guide and channel, when, and what it did to the binding. */
export interface GuideTouchRecord {
  _id: Types.ObjectId;
  shopperId: Types.ObjectId;
  guideId: Types.ObjectId;
  channel: TouchChannel;
  productId?: Types.ObjectId;
  liveRoomId?: string;
  effect: TouchEffect;
  at: Date;
}

/**
 * The shopper's guide (专属导购): one document per shopper, keyed by the shopper's id, so the first binding is a
 * unique insert and every later change an update guarded by `version` — of two guides touching at once, one wins.
 */
export interface CustomerBindingRecord {
  /** The shopper's id. */
  _id: Types.ObjectId;
  guideId: Types.ObjectId;
  since: Date;
  /** Absent when the protection is permanent (0 days when bound). */
  protectedUntil?: Date;
  reason: BindingReason;
  version: number;
}

/** A change of binding, kept forever: from whom (none for the first), to whom, why, and what caused it. */
export interface BindingChangeRecord {
  _id: Types.ObjectId;
  shopperId: Types.ObjectId;
  fromGuideId?: Types.ObjectId;
  toGuideId: Types.ObjectId;
  reason: BindingReason;
  touchId?: Types.ObjectId;
  /** The staff account behind a reassignment. */
  byStaffId?: Types.ObjectId;
  at: Date;
}

/** The merchant's attribution settings: one document. */
export interface AttributionSettingsRecord {
  _id: 'attribution';
  protectionDays: number;
  assignmentStoreId?: Types.ObjectId;
  updatedAt: Date;
}

/** Round-robin position per assignment pool (a store id, or `all`), advanced by an atomic `$inc`. */
export interface AssignmentCursorRecord {
  _id: string;
  taken: number;
}

const touchSchema = new Schema<GuideTouchRecord>(
  {
    shopperId: { type: Schema.Types.ObjectId, required: true },
    guideId: { type: Schema.Types.ObjectId, required: true },
    channel: { type: String, enum: touchChannels, required: true },
    productId: { type: Schema.Types.ObjectId },
    liveRoomId: { type: String },
    effect: { type: String, enum: touchEffects, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'guide_touches', versionKey: false },
);
// A shopper's latest touches (the order's source touch, the console's list).
touchSchema.index({ shopperId: 1, at: -1 });

const bindingSchema = new Schema<CustomerBindingRecord>(
  {
    guideId: { type: Schema.Types.ObjectId, required: true },
    since: { type: Date, required: true },
    protectedUntil: { type: Date },
    reason: { type: String, enum: bindingReasons, required: true },
    version: { type: Number, required: true },
  },
  { collection: 'customer_bindings', versionKey: false },
);
// A guide's customers (workbench, inheritance, the console's filter).
bindingSchema.index({ guideId: 1, since: -1 });

const bindingChangeSchema = new Schema<BindingChangeRecord>(
  {
    shopperId: { type: Schema.Types.ObjectId, required: true },
    fromGuideId: { type: Schema.Types.ObjectId },
    toGuideId: { type: Schema.Types.ObjectId, required: true },
    reason: { type: String, enum: bindingReasons, required: true },
    touchId: { type: Schema.Types.ObjectId },
    byStaffId: { type: Schema.Types.ObjectId },
    at: { type: Date, required: true },
  },
  { collection: 'binding_changes', versionKey: false },
);
bindingChangeSchema.index({ shopperId: 1, at: -1 });

const settingsSchema = new Schema<AttributionSettingsRecord>(
  {
    _id: { type: String, required: true },
    protectionDays: { type: Number, required: true },
    assignmentStoreId: { type: Schema.Types.ObjectId },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'attribution_settings', versionKey: false },
);

const cursorSchema = new Schema<AssignmentCursorRecord>(
  { _id: { type: String, required: true }, taken: { type: Number, required: true } },
  { collection: 'guide_assignment_cursors', versionKey: false },
);

export interface AttributionModels {
  GuideTouch: Model<GuideTouchRecord>;
  CustomerBinding: Model<CustomerBindingRecord>;
  BindingChange: Model<BindingChangeRecord>;
  AttributionSettings: Model<AttributionSettingsRecord>;
  AssignmentCursor: Model<AssignmentCursorRecord>;
}

export function attributionModels(connection: Connection): AttributionModels {
  return {
    GuideTouch: modelOf(connection, 'GuideTouch', touchSchema),
    CustomerBinding: modelOf(connection, 'CustomerBinding', bindingSchema),
    BindingChange: modelOf(connection, 'BindingChange', bindingChangeSchema),
    AttributionSettings: modelOf(connection, 'AttributionSettings', settingsSchema),
    AssignmentCursor: modelOf(connection, 'AssignmentCursor', cursorSchema),
  };
}

export async function ensureAttributionIndexes(models: AttributionModels): Promise<void> {
  await Promise.all(Object.values(models).map((model: Model<unknown>) => model.init()));
}
