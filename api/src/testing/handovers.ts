import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { IDEMPOTENCY_KEY_HEADER, type StaffRole } from '@mall/shared';
import { attributionModels, ensureAttributionIndexes, type AttributionModels } from '../attribution/models.ts';
import { recordTouch } from '../attribution/service.ts';
import type { Shopper } from '../customers/models.ts';
import type { WecomRelationRecord } from '../guide-contacts/models.ts';
import { shopperState } from '../guide-contacts/state.ts';
import { inheritanceDependencies, type InheritanceDependencies } from '../inheritance/dependencies.ts';
import { ensureInheritanceIndexes } from '../inheritance/models.ts';
import { createStaffAccount, signIn } from './app.ts';
import {
  addContactGuide,
  eventually,
  startGuideContactTest,
  wecomControl,
  type GuideContactTest,
  type TestGuide,
} from './guide-contacts.ts';
import { createTestShopper } from './shoppers.ts';

export interface HandoverTest extends GuideContactTest {
  inheritance: InheritanceDependencies;
  attribution: AttributionModels;
  /** Signed-in staff tokens of every role. */
  tokens: Record<StaffRole, string>;
}

/** The guide-contact test app (listening for the sandbox's WeCom callbacks) with the handover models and one token per role. */
export async function startHandoverTest(): Promise<HandoverTest> {
  const context = await startGuideContactTest();
  const inheritance = inheritanceDependencies(context.deps, context.db.connection);
  const attribution = attributionModels(context.db.connection);
  await Promise.all([ensureInheritanceIndexes(inheritance.inheritance), ensureAttributionIndexes(attribution)]);
  await createStaffAccount(context.db, { username: 'handover-operator', role: 'operator' });
  await createStaffAccount(context.db, { username: 'handover-manager', role: 'store_manager', storeId: 'sh-01' });
  const tokens: Record<StaffRole, string> = {
    owner: context.staff.owner,
    viewer: context.staff.viewer,
    operator: await signIn(context.http, 'handover-operator'),
    store_manager: await signIn(context.http, 'handover-manager'),
  };
  return { ...context, inheritance, attribution, tokens };
}

/** A customer whose first touch bound them to `guide`. */
export async function customerOf(context: HandoverTest, guide: TestGuide, nickname = '顾客'): Promise<Shopper> {
  const { shopper } = await createTestShopper(context.db, { nickname });
  await recordTouch(context.deps.attribution, shopper._id, { guideCode: guide.guide.code, channel: 'shop-link' });
  return shopper;
}

/**
 * A customer who added `guide` on WeCom through a contact way made for them (the sandbox sends the event, the app
 * links and binds them): their shopper, external user id and relation once the app has acted on it.
 */
export async function wecomCustomerOf(
  context: HandoverTest,
  guide: TestGuide,
): Promise<{ shopper: Shopper; externalUserId: string; relation: WecomRelationRecord }> {
  const { shopper } = await createTestShopper(context.db, { nickname: '企微顾客' });
  const added = await wecomControl<{ external_userid: string }>(context.testSandbox, '/add-contact', {
    userid: guide.guide.wecomUserId,
    state: shopperState(guide.guide.code, shopper._id),
    external: { name: `微信用户-${randomUUID()}` },
  });
  const relation = await eventually(async () => {
    const found = await context.deps.contacts.WecomRelation.findOne({
      externalUserId: added.external_userid,
      guideId: guide.guide._id,
    }).lean<WecomRelationRecord>();
    return found?.boundAt === undefined ? undefined : found;
  });
  return { shopper, externalUserId: added.external_userid, relation };
}

/** Marks the guide as left, in the mall and (when they have a WeCom userid) in the sandbox's directory. */
export async function guideLeaves(context: HandoverTest, guide: TestGuide): Promise<void> {
  const response = await context.http
    .post(`/api/admin/guides/${guide.guide._id.toHexString()}/leave`)
    .set('Authorization', `Bearer ${context.tokens.owner}`);
  if (response.status !== 200) throw new Error(`leave failed: ${response.status} ${JSON.stringify(response.body)}`);
  if (guide.guide.wecomUserId !== undefined) {
    await wecomControl(context.testSandbox, '/members', { userid: guide.guide.wecomUserId, name: guide.guide.name, resigned: true });
  }
}

/** POST /api/admin/guides/:id/handovers as `role`, with a fresh Idempotency-Key unless one is given. */
export function handOver(
  context: HandoverTest,
  from: TestGuide | string,
  body: unknown,
  options: { role?: StaffRole; key?: string | null } = {},
) {
  const fromId = typeof from === 'string' ? from : from.guide._id.toHexString();
  const request = context.http
    .post(`/api/admin/guides/${fromId}/handovers`)
    .set('Authorization', `Bearer ${context.tokens[options.role ?? 'owner']}`);
  if (options.key !== null) request.set(IDEMPOTENCY_KEY_HEADER, options.key ?? randomUUID());
  return request.send(body as object);
}

/** The shopper's bound guide now. */
export async function boundGuideOf(context: HandoverTest, shopperId: Types.ObjectId): Promise<string | undefined> {
  return (await context.attribution.CustomerBinding.findById(shopperId).lean())?.guideId.toHexString();
}

export interface SandboxTransfer {
  external_userid: string;
  handover_userid: string;
  takeover_userid: string;
  resigned: boolean;
  status: 1 | 2 | 3;
  transfer_success_msg?: string;
}

let guideSerial = 0;

/** A new guide with a WeCom userid of their own (also in the sandbox's directory), or none with `wecom: false`. */
export async function newHandoverGuide(context: HandoverTest, name: string, fields: { wecom?: boolean } = {}): Promise<TestGuide> {
  guideSerial += 1;
  return addContactGuide(context, { name, ...(fields.wecom !== false && { wecomUserId: `guide-${guideSerial}-${Date.now()}` }) });
}
