import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoverReplySchema, type GuideContactReply, type HandoverReply } from '@mall/shared';
import { bindTo } from '../attribution/service.ts';
import type { WecomRelationRecord } from '../guide-contacts/models.ts';
import { createLogger } from '../logger.ts';
import { PlatformError } from '../platform/errors.ts';
import type { WecomClient } from '../platform/wecom/client.ts';
import { eventually, wecomControl, wecomView, type TestGuide } from '../testing/guide-contacts.ts';
import {
  customerOf,
  guideLeaves,
  handOver,
  newHandoverGuide,
  startHandoverTest,
  wecomCustomerOf,
  type HandoverTest,
  type SandboxTransfer,
} from '../testing/handovers.ts';
import { createShopperSession } from '../customers/sessions.ts';
import type { InheritanceDependencies } from './dependencies.ts';
import { inheritanceJobs } from './jobs.ts';
import type { HandoverCustomerRecord } from './models.ts';
import { HANDOVER_LEASE_MS, createHandover, resumeStalledHandovers } from './service.ts';
import {
  MAX_TRANSFER_REQUESTS,
  TRANSFER_CHECK_INTERVAL_MS,
  TRANSFER_RESULT_DEADLINE_MS,
  checkTransfers,
  requestTransfers,
} from './transfers.ts';

/**
 * The WeCom side of handovers through the sandbox: the job asks for results until they are final, a transfer done
 * moves the WeCom relation to the takeover guide, a refused one is noted on the customer's relation; failed calls are
 * retried; a handover whose run died is taken up again.
 */

let context: HandoverTest;
const log = createLogger('silent');
const HOUR_MS = 60 * 60_000;

const newGuide = (name: string, fields: { wecom?: boolean } = {}): Promise<TestGuide> => newHandoverGuide(context, name, fields);

function inFuture(ms: number): Date {
  return new Date(Date.now() + ms);
}

async function transferOf(handoverId: string, shopperId: Types.ObjectId): Promise<HandoverCustomerRecord['wecom']> {
  const record = await context.inheritance.inheritance.HandoverCustomer.findOne({
    handoverId: new Types.ObjectId(handoverId),
    shopperId,
  }).lean<HandoverCustomerRecord>();
  return record?.wecom;
}

async function relation(externalUserId: string, guide: TestGuide): Promise<WecomRelationRecord | null> {
  return context.deps.contacts.WecomRelation.findOne({ externalUserId, guideId: guide.guide._id }).lean<WecomRelationRecord>();
}

async function detail(handoverId: string): Promise<HandoverReply> {
  const response = await context.http.get(`/api/admin/handovers/${handoverId}`).set('Authorization', `Bearer ${context.tokens.viewer}`);
  return handoverReplySchema.parse(response.body);
}

/** The inheritance's dependencies with some WeCom calls replaced. */
function withWecom(overrides: Partial<WecomClient>): InheritanceDependencies {
  return { ...context.inheritance, wecom: { ...context.inheritance.wecom, ...overrides } };
}

beforeAll(async () => {
  context = await startHandoverTest();
});

afterAll(async () => {
  await context.stop();
});

describe('following WeCom’s results', () => {
  it('asks until the sandbox completes the transfers, then the customers follow the takeover guide on WeCom', async () => {
    const from = await newGuide('华在职');
    const to = await newGuide('金接手');
    const customers = [await wecomCustomerOf(context, from), await wecomCustomerOf(context, from)];
    const created = handoverReplySchema.parse((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).body);
    expect(created.handover.counts.transfers).toMatchObject({ requested: 2 });

    // Not due yet: nothing is asked.
    expect(await checkTransfers(context.inheritance, new Date(), log)).toBe(0);
    expect(await checkTransfers(context.inheritance, inFuture(TRANSFER_CHECK_INTERVAL_MS + 1000), log)).toBeGreaterThanOrEqual(2);
    expect((await detail(created.handover.id)).handover.counts.transfers).toMatchObject({ waiting: 2, requested: 0 });

    expect(await wecomControl<{ completed: number }>(context.testSandbox, '/transfers/complete', {})).toMatchObject({
      completed: expect.any(Number),
    });
    // The job (as the scheduler runs it) an hour later.
    const [job] = inheritanceJobs(context.inheritance);
    await job!.run({ now: inFuture(2 * TRANSFER_CHECK_INTERVAL_MS + 2000), log });
    const done = await detail(created.handover.id);
    expect(done.handover.counts.transfers).toMatchObject({ done: 2, waiting: 0 });
    for (const { shopper, externalUserId } of customers) {
      const transfer = done.customers.items.find((item) => item.customer.id === shopper._id.toHexString())?.transfer;
      expect(transfer).toMatchObject({ status: 'done', externalUserId });
      expect(transfer?.settledAt).not.toBeNull();
      expect(await relation(externalUserId, from)).toMatchObject({ status: 'deleted', deletedBy: 'transfer' });
      const taken = await relation(externalUserId, to);
      expect(taken).toMatchObject({ status: 'added', wecomUserId: to.guide.wecomUserId, welcome: 'transferred' });
      expect(taken?.shopperId?.equals(shopper._id)).toBe(true);
      // The shopper's 我的导购 shows the new guide as added.
      const { token } = await createShopperSession(context.deps.customers, shopper._id, new Date());
      const mine = await context.http.get('/api/me/guide-contact').query({ surface: 'h5' }).set('Authorization', `Bearer ${token}`);
      expect(mine.body as GuideContactReply).toMatchObject({ guide: { id: to.guide._id.toHexString() }, added: true });
    }
    // Final: asked no more.
    expect(await checkTransfers(context.inheritance, inFuture(10 * TRANSFER_CHECK_INTERVAL_MS), log)).toBe(0);
    const summary = await context.http
      .get(`/api/admin/guide-contacts/summary?guideIds=${from.guide._id.toHexString()},${to.guide._id.toHexString()}`)
      .set('Authorization', `Bearer ${context.tokens.viewer}`);
    expect(summary.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ guideId: from.guide._id.toHexString(), addedCustomers: 0 }),
        expect.objectContaining({ guideId: to.guide._id.toHexString(), addedCustomers: 2 }),
      ]),
    );
  });

  it('completes a departed guide’s transfers through the resigned result', async () => {
    const from = await newGuide('魏离职');
    const to = await newGuide('姜接手');
    const { shopper, externalUserId } = await wecomCustomerOf(context, from);
    await guideLeaves(context, from);
    const created = handoverReplySchema.parse((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).body);
    await wecomControl(context.testSandbox, '/transfers/complete', {});
    await checkTransfers(context.inheritance, inFuture(TRANSFER_CHECK_INTERVAL_MS + 1000), log);
    expect(await transferOf(created.handover.id, shopper._id)).toMatchObject({ status: 'done', resigned: true });
    expect(await relation(externalUserId, to)).toMatchObject({ status: 'added', welcome: 'transferred' });
  });

  it('notes a refused transfer on the customer’s relation once, whether WeCom’s event or the check comes first', async () => {
    const from = await newGuide('戚在职');
    const to = await newGuide('谢接手');
    const { shopper, externalUserId } = await wecomCustomerOf(context, from);
    const created = handoverReplySchema.parse((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).body);
    await wecomControl(context.testSandbox, '/transfers/refuse', { external_userid: externalUserId });
    // WeCom's transfer_fail event reaches the app and is noted on the relation…
    await eventually(async () => ((await relation(externalUserId, from))?.transferFailure === undefined ? undefined : true));
    // … and the check finds the refusal too, noting the same.
    await checkTransfers(context.inheritance, inFuture(TRANSFER_CHECK_INTERVAL_MS + 1000), log);
    expect(await transferOf(created.handover.id, shopper._id)).toMatchObject({ status: 'refused' });
    const kept = await relation(externalUserId, from);
    expect(kept).toMatchObject({
      status: 'added',
      transferFailure: { takeoverWecomUserId: to.guide.wecomUserId, reason: 'customer_refused' },
    });
    expect(await relation(externalUserId, to)).toBeNull();
    // The binding moved all the same: the mall's side follows the merchant's decision.
    expect((await context.attribution.CustomerBinding.findById(shopper._id).lean())?.guideId.equals(to.guide._id)).toBe(true);
  });

  it('records a takeover at its limit, no record at WeCom, and a transfer WeCom never settles', async () => {
    const from = await newGuide('邹在职');
    const to = await newGuide('喻接手');
    const customers = [await wecomCustomerOf(context, from), await wecomCustomerOf(context, from), await wecomCustomerOf(context, from)];
    const created = handoverReplySchema.parse((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).body);
    const [limited, unknown, silent] = customers as [(typeof customers)[number], (typeof customers)[number], (typeof customers)[number]];
    const deps = withWecom({
      async transferResult() {
        return {
          customers: [
            { externalUserId: limited.externalUserId, status: 4 },
            { externalUserId: unknown.externalUserId, status: 5 },
          ],
        };
      },
    });
    await checkTransfers(deps, inFuture(TRANSFER_CHECK_INTERVAL_MS + 1000), log);
    expect(await transferOf(created.handover.id, limited.shopper._id)).toMatchObject({ status: 'limit' });
    expect((await relation(limited.externalUserId, from))?.transferFailure).toMatchObject({ reason: 'customer_limit_exceed' });
    expect(await transferOf(created.handover.id, unknown.shopper._id)).toMatchObject({ status: 'failed', failure: 'no-record' });
    expect(await transferOf(created.handover.id, silent.shopper._id)).toMatchObject({ status: 'requested' });
    await checkTransfers(deps, inFuture(TRANSFER_RESULT_DEADLINE_MS + HOUR_MS), log);
    expect(await transferOf(created.handover.id, silent.shopper._id)).toMatchObject({ status: 'failed', failure: 'no-record' });
  });

  it('asks again later when WeCom cannot answer', async () => {
    const from = await newGuide('柏在职');
    const to = await newGuide('水接手');
    const { shopper } = await wecomCustomerOf(context, from);
    const created = handoverReplySchema.parse((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).body);
    const busy = withWecom({
      async transferResult() {
        throw new PlatformError({ platform: 'wecom', operation: 'transfer_result', code: -1, message: 'system busy' });
      },
    });
    const at = inFuture(TRANSFER_CHECK_INTERVAL_MS + 1000);
    await checkTransfers(busy, at, log);
    const transfer = await transferOf(created.handover.id, shopper._id);
    expect(transfer).toMatchObject({ status: 'requested', lastError: 'transfer_result -1: system busy' });
    expect(transfer?.nextAttemptAt?.getTime()).toBe(at.getTime() + TRANSFER_CHECK_INTERVAL_MS);
  });
});

describe('requesting transfers', () => {
  it('retries a call WeCom refused as a whole, then records the failure; one that succeeds later is requested', async () => {
    const from = await newGuide('窦离职');
    const to = await newGuide('章接手');
    const first = await wecomCustomerOf(context, from);
    // Left in the mall, not yet in WeCom: the resigned transfer is refused as a whole (40097).
    const left = await context.http
      .post(`/api/admin/guides/${from.guide._id.toHexString()}/leave`)
      .set('Authorization', `Bearer ${context.tokens.owner}`);
    expect(left.status).toBe(200);
    const created = handoverReplySchema.parse((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).body);
    expect(created.handover.counts.transfers).toMatchObject({ pending: 1 });
    const pending = await transferOf(created.handover.id, first.shopper._id);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending?.lastError).toMatch(/^resigned_transfer_customer 40097/);

    // Not due yet; then the member resigns in WeCom and the job's retry goes through.
    expect(await requestTransfers(context.inheritance, {}, new Date(), log)).toBe(0);
    await wecomControl(context.testSandbox, '/members', { userid: from.guide.wecomUserId, name: from.guide.name, resigned: true });
    expect(await requestTransfers(context.inheritance, {}, inFuture(HOUR_MS), log)).toBe(1);
    expect(await transferOf(created.handover.id, first.shopper._id)).toMatchObject({ status: 'requested', attempts: 2 });
    const [transfer] = (await wecomView<SandboxTransfer[]>(context.testSandbox, '/transfers')).filter(
      (entry) => entry.external_userid === first.externalUserId,
    );
    expect(transfer).toMatchObject({ resigned: true, status: 2 });

    // Another whose calls keep failing fails for good after MAX_TRANSFER_REQUESTS calls, with WeCom's code.
    const from2 = await newGuide('云在职');
    const second = await wecomCustomerOf(context, from2);
    const unreachable = withWecom({
      async transferCustomers() {
        throw new PlatformError({ platform: 'wecom', operation: 'transfer_customer', code: -1, message: 'system busy' });
      },
    });
    const owner = await context.inheritance.staff.StaffAccount.findOne({ username: 'contacts-owner' }).lean();
    const failing = await createHandover(
      unreachable,
      {
        byStaffId: owner!._id,
        fromGuideId: from2.guide._id.toHexString(),
        request: { toGuideId: to.guide._id.toHexString() },
        idempotencyKey: randomUUID(),
      },
      log,
    );
    for (let attempt = 2; attempt <= MAX_TRANSFER_REQUESTS; attempt += 1) {
      await requestTransfers(unreachable, {}, inFuture(attempt * HOUR_MS), log);
    }
    expect(await transferOf(failing.handover.id, second.shopper._id)).toMatchObject({
      status: 'failed',
      failure: 'call-failed',
      errcode: -1,
      attempts: MAX_TRANSFER_REQUESTS,
    });
  });
});

describe('a handover whose run died', () => {
  it('is taken up by the job once its lease ran out, without handling a customer twice', async () => {
    const from = await newGuide('苏中断');
    const to = await newGuide('潘接手');
    const handled = await customerOf(context, from);
    const rest = [await customerOf(context, from), (await wecomCustomerOf(context, from)).shopper];
    const owner = await context.inheritance.staff.StaffAccount.findOne({ username: 'contacts-owner' }).lean();
    const now = new Date();
    // What a run that died after its first customer leaves behind: the handover moving, one customer moved with its record.
    const handover = await context.inheritance.inheritance.Handover.create({
      fromGuideId: from.guide._id,
      toGuideId: to.guide._id,
      mode: 'on-duty',
      byStaffId: owner!._id,
      idempotencyKey: randomUUID(),
      requestHash: 'x',
      status: 'moving',
      leaseUntil: new Date(now.getTime() + HANDOVER_LEASE_MS),
      createdAt: now,
    });
    await bindTo(
      context.deps.attribution,
      handled._id,
      { guideId: to.guide._id, reason: 'reassignment', byStaffId: owner!._id, onlyFromGuideId: from.guide._id },
      (session) =>
        context.inheritance.inheritance.HandoverCustomer.create(
          [{ handoverId: handover._id, shopperId: handled._id, outcome: 'moved', at: now }],
          {
            session,
          },
        ),
    );

    expect(await resumeStalledHandovers(context.inheritance, now, log)).toBe(0);
    expect(await resumeStalledHandovers(context.inheritance, new Date(now.getTime() + HANDOVER_LEASE_MS), log)).toBe(1);
    const reply = await detail(handover._id.toHexString());
    expect(reply.handover).toMatchObject({ status: 'done', counts: { customers: 3, moved: 3, skipped: 0, transfers: { requested: 1 } } });
    for (const customer of [handled, ...rest]) {
      expect(await context.attribution.BindingChange.countDocuments({ shopperId: customer._id, reason: 'reassignment' })).toBe(1);
    }
  });
});
