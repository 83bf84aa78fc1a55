import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { staffRoles, type Staff, type StaffRole } from '@mall/shared';
import { modelOf } from '../db/model-of.ts';

export interface StaffAccount {
  _id: Types.ObjectId;
  /** Lower case; unique. */
  username: string;
  passwordHash: string;
  role: StaffRole;
  storeId?: string;
  active: boolean;
  createdAt: Date;
}

/** A sign-in. Only the SHA-256 of the token is stored, so a database leak yields no usable tokens. */
export interface StaffSession {
  _id: Types.ObjectId;
  tokenHash: string;
  staffId: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
}

/** Failed sign-ins per username and IP in the current window; shared by every API instance. */
export interface LoginFailures {
  _id: string;
  count: number;
  windowEndsAt: Date;
}

const staffAccountSchema = new Schema<StaffAccount>(
  {
    username: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: staffRoles, required: true },
    storeId: { type: String },
    active: { type: Boolean, required: true, default: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'staff', versionKey: false },
);
staffAccountSchema.index({ role: 1 });

const staffSessionSchema = new Schema<StaffSession>(
  {
    tokenHash: { type: String, required: true, unique: true },
    staffId: { type: Schema.Types.ObjectId, required: true, index: true },
    createdAt: { type: Date, required: true },
    // Expired sessions are refused on read; the TTL index only tidies them away.
    expiresAt: { type: Date, required: true, expires: 0 },
  },
  { collection: 'staff_sessions', versionKey: false },
);

const loginFailuresSchema = new Schema<LoginFailures>(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    windowEndsAt: { type: Date, required: true, expires: 0 },
  },
  { collection: 'staff_login_failures', versionKey: false },
);

export interface StaffModels {
  StaffAccount: Model<StaffAccount>;
  StaffSession: Model<StaffSession>;
  LoginFailures: Model<LoginFailures>;
}

/** The staff models on a connection (compiled once per connection). */
export function staffModels(connection: Connection): StaffModels {
  return {
    StaffAccount: modelOf(connection, 'StaffAccount', staffAccountSchema),
    StaffSession: modelOf(connection, 'StaffSession', staffSessionSchema),
    LoginFailures: modelOf(connection, 'LoginFailures', loginFailuresSchema),
  };
}

/** Resolves once every staff index exists; the unique ones are what make concurrent writes safe. */
export async function ensureStaffIndexes(models: StaffModels): Promise<void> {
  await Promise.all([models.StaffAccount.init(), models.StaffSession.init(), models.LoginFailures.init()]);
}

export function toStaffView(account: StaffAccount): Staff {
  return {
    id: account._id.toHexString(),
    username: account.username,
    role: account.role,
    ...(account.storeId !== undefined && { storeId: account.storeId }),
    active: account.active,
    createdAt: account.createdAt.toISOString(),
  };
}
