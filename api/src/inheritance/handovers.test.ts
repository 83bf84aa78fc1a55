import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  handoverListReplySchema,
  handoverReplySchema,
  IDEMPOTENCY_KEY_HEADER,
  MAX_HANDOVER_CUSTOMERS,
  type HandoverReply,
} from '@mall/shared';
import { attributeAtPayment, attributionAtCheckout } from '../attribution/orders.ts';
import { recordTouch } from '../attribution/service.ts';
import { createLogger } from '../logger.ts';
import { commerceDependencies } from '../orders/dependencies.ts';
import { insertAttributedOrder, wecomView, type TestGuide } from '../testing/guide-contacts.ts';
import {
  boundGuideOf,
  customerOf,
  guideLeaves,
  handOver,
  newHandoverGuide,
  startHandoverTest,
  wecomCustomerOf,
  type HandoverTest,
  type SandboxTransfer,
} from '../testing/handovers.ts';
import { createTestShopper } from '../testing/shoppers.ts';
import { createHandover } from './service.ts';

/**
 * Handing customers over (在职继承 / 离职继承) through the API: all or the named customers, skipped ones, the guard
 * against a touch or another handover moving the same customers at once, idempotent repeats, the WeCom transfer
 * requests (their WeCom side with results is in transfers.test.ts), access and bad input.
 */

let context: HandoverTest;
const log = createLogger('silent');

const newGuide = (name: string, fields: { wecom?: boolean } = {}): Promise<TestGuide> => newHandoverGuide(context, name, fields);

async function transfersOf(externalUserIds: string[]): Promise<SandboxTransfer[]> {
  return (await wecomView<SandboxTransfer[]>(context.testSandbox, '/transfers')).filter((transfer) =>
    externalUserIds.includes(transfer.external_userid),
  );
}

function outcomeOf(reply: HandoverReply, shopperId: Types.ObjectId) {
  return reply.customers.items.find((item) => item.customer.id === shopperId.toHexString());
}

beforeAll(async () => {
  context = await startHandoverTest();
});

afterAll(async () => {
  await context.stop();
});

describe('handing over an on-duty guide’s customers', () => {
  it('moves every customer with the history, and requests the WeCom transfer of those on WeCom with the message', async () => {
    const from = await newGuide('张在职');
    const to = await newGuide('李接手');
    const onWecom = [await wecomCustomerOf(context, from), await wecomCustomerOf(context, from)];
    const plain = await customerOf(context, from, '只在商城');
    const elsewhere = await customerOf(context, to, '别人的客户');

    const response = await handOver(context, from, {
      toGuideId: to.guide._id.toHexString(),
      transferMessage: '您好，之后由李接手为您服务',
    });
    expect(response.status).toBe(201);
    const reply = handoverReplySchema.parse(response.body);
    expect(reply.handover).toMatchObject({
      mode: 'on-duty',
      status: 'done',
      selection: 'all',
      from: { id: from.guide._id.toHexString(), name: '张在职', status: 'active' },
      to: { id: to.guide._id.toHexString(), name: '李接手' },
      transferMessage: '您好，之后由李接手为您服务',
      by: 'contacts-owner',
      counts: { customers: 3, moved: 3, skipped: 0, transfers: { requested: 2, pending: 0, failed: 0 } },
    });
    expect(reply.customers.total).toBe(3);
    expect(outcomeOf(reply, plain._id)).toMatchObject({ outcome: 'moved', skipReason: null, transfer: null });
    for (const { shopper, externalUserId } of onWecom) {
      expect(outcomeOf(reply, shopper._id)).toMatchObject({
        outcome: 'moved',
        transfer: { externalUserId, status: 'requested', errcode: null },
      });
    }
    expect(outcomeOf(reply, elsewhere._id)).toBeUndefined();

    const owner = await context.inheritance.staff.StaffAccount.findOne({ username: 'contacts-owner' }).lean();
    for (const shopperId of [plain._id, ...onWecom.map((customer) => customer.shopper._id)]) {
      const binding = await context.attribution.CustomerBinding.findById(shopperId).lean();
      expect(binding?.guideId.equals(to.guide._id)).toBe(true);
      expect(binding?.reason).toBe('reassignment');
      const [change] = await context.attribution.BindingChange.find({ shopperId }).sort({ at: -1 }).lean();
      expect(change).toMatchObject({ reason: 'reassignment' });
      expect(change?.fromGuideId?.equals(from.guide._id)).toBe(true);
      expect(change?.byStaffId?.equals(owner?._id)).toBe(true);
    }
    expect(await boundGuideOf(context, elsewhere._id)).toBe(to.guide._id.toHexString());

    const requested = await transfersOf(onWecom.map((customer) => customer.externalUserId));
    expect(requested).toHaveLength(2);
    expect(requested.every((transfer) => !transfer.resigned && transfer.status === 2)).toBe(true);
    expect(requested.map((transfer) => [transfer.handover_userid, transfer.takeover_userid, transfer.transfer_success_msg])).toEqual(
      Array(2).fill([from.guide.wecomUserId, to.guide.wecomUserId, '您好，之后由李接手为您服务']),
    );

    // The customer list and the binding explanation show the new guide and who moved them.
    const binding = await context.http
      .get(`/api/admin/customers/${plain._id.toHexString()}/binding`)
      .set('Authorization', `Bearer ${context.tokens.viewer}`);
    expect(binding.body.history[0]).toMatchObject({
      reason: 'reassignment',
      by: 'contacts-owner',
      from: { id: from.guide._id.toHexString() },
    });

    for (const guide of [from, to]) {
      const listed = handoverListReplySchema.parse(
        (
          await context.http
            .get(`/api/admin/handovers?guideId=${guide.guide._id.toHexString()}`)
            .set('Authorization', `Bearer ${context.tokens.viewer}`)
        ).body,
      );
      expect(listed.items.map((item) => item.id)).toEqual([reply.handover.id]);
    }
    const detail = await context.http
      .get(`/api/admin/handovers/${reply.handover.id}?pageSize=2`)
      .set('Authorization', `Bearer ${context.tokens.viewer}`);
    expect(detail.status).toBe(200);
    expect(handoverReplySchema.parse(detail.body)).toMatchObject({
      handover: { id: reply.handover.id },
      customers: { total: 3, pageSize: 2 },
    });
    expect(detail.body.customers.items).toHaveLength(2);
  });

  it('moves only the named customers; one no longer bound to the guide and an unknown id are skipped, repeats count once', async () => {
    const from = await newGuide('王选择');
    const to = await newGuide('赵接手');
    const other = await newGuide('钱旁人');
    const [first, second] = [await customerOf(context, from), await customerOf(context, from)];
    const someoneElses = await customerOf(context, other);
    const unknown = new Types.ObjectId();
    const response = await handOver(context, from, {
      toGuideId: to.guide._id.toHexString(),
      customerIds: [first._id, someoneElses._id, unknown, first._id].map((id) => id.toHexString()),
    });
    expect(response.status).toBe(201);
    const reply = handoverReplySchema.parse(response.body);
    expect(reply.handover).toMatchObject({ selection: 'selected', counts: { customers: 3, moved: 1, skipped: 2 } });
    expect(outcomeOf(reply, first._id)).toMatchObject({ outcome: 'moved' });
    expect(outcomeOf(reply, someoneElses._id)).toMatchObject({ outcome: 'skipped', skipReason: 'not-bound-to-guide', transfer: null });
    expect(outcomeOf(reply, unknown)).toMatchObject({ outcome: 'skipped', skipReason: 'unknown-customer', customer: { nickname: null } });
    expect(await boundGuideOf(context, first._id)).toBe(to.guide._id.toHexString());
    expect(await boundGuideOf(context, second._id)).toBe(from.guide._id.toHexString());
    expect(await boundGuideOf(context, someoneElses._id)).toBe(other.guide._id.toHexString());
    expect(await context.attribution.BindingChange.countDocuments({ shopperId: someoneElses._id, reason: 'reassignment' })).toBe(0);
  });

  it('hands over a guide without customers as an empty handover, and customers of a guide without WeCom without transfers', async () => {
    const from = await newGuide('孙无企微', { wecom: false });
    const to = await newGuide('周接手');
    const empty = handoverReplySchema.parse((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).body);
    expect(empty.handover.counts).toMatchObject({ customers: 0, moved: 0 });
    const customer = await customerOf(context, from);
    const reply = handoverReplySchema.parse((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).body);
    expect(outcomeOf(reply, customer._id)).toMatchObject({ outcome: 'moved', transfer: null });
  });

  it('records the transfer as failed when the takeover guide has no WeCom userid; the binding still moves', async () => {
    const from = await newGuide('吴有企微');
    const to = await newGuide('郑无企微', { wecom: false });
    const { shopper, externalUserId } = await wecomCustomerOf(context, from);
    const reply = handoverReplySchema.parse((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).body);
    expect(outcomeOf(reply, shopper._id)).toMatchObject({
      outcome: 'moved',
      transfer: { status: 'failed', failure: 'takeover-without-wecom' },
    });
    expect(await transfersOf([externalUserId])).toEqual([]);
    expect(await boundGuideOf(context, shopper._id)).toBe(to.guide._id.toHexString());
  });
});

describe('handing over a departed guide’s customers', () => {
  it('uses the resigned transfer and keeps each customer’s errcode', async () => {
    const from = await newGuide('冯离职');
    const to = await newGuide('陈接手');
    const other = await newGuide('褚另一位');
    const accepted = await wecomCustomerOf(context, from);
    const busy = await wecomCustomerOf(context, from);
    // A transfer of this customer is under way already: WeCom answers 40129 for them.
    expect(
      await context.deps.wecom.transferCustomers({
        handoverUserId: from.guide.wecomUserId ?? '',
        takeoverUserId: other.guide.wecomUserId ?? '',
        externalUserIds: [busy.externalUserId],
      }),
    ).toEqual([{ externalUserId: busy.externalUserId, errcode: 0 }]);
    await guideLeaves(context, from);

    const refused = await handOver(context, from, { toGuideId: to.guide._id.toHexString(), transferMessage: '你好' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0]).toMatchObject({ path: ['transferMessage'] });

    const response = await handOver(context, from, { toGuideId: to.guide._id.toHexString() });
    expect(response.status).toBe(201);
    const reply = handoverReplySchema.parse(response.body);
    expect(reply.handover).toMatchObject({
      mode: 'resigned',
      from: { status: 'left' },
      counts: { moved: 2, transfers: { requested: 1, failed: 1 } },
    });
    expect(outcomeOf(reply, accepted.shopper._id)?.transfer).toMatchObject({ status: 'requested', errcode: null });
    expect(outcomeOf(reply, busy.shopper._id)?.transfer).toMatchObject({ status: 'failed', failure: 'refused-by-wecom', errcode: 40129 });
    const [transfer] = await transfersOf([accepted.externalUserId]);
    expect(transfer).toMatchObject({
      resigned: true,
      handover_userid: from.guide.wecomUserId,
      takeover_userid: to.guide.wecomUserId,
      status: 2,
    });
    expect(transfer?.transfer_success_msg).toBeUndefined();
  });

  it('keeps every order with the guide it was attributed to; the next order goes to the new guide', async () => {
    const from = await newGuide('蒋离职');
    const to = await newGuide('沈接手');
    const customer = await customerOf(context, from);
    const unpaid = await insertAttributedOrder(context.deps, { shopperId: customer._id, status: 'pending_payment', guide: from });
    await guideLeaves(context, from);
    expect((await handOver(context, from, { toGuideId: to.guide._id.toHexString() })).status).toBe(201);

    const commerce = commerceDependencies(context.config, context.db);
    const atPayment = await attributeAtPayment(commerce, unpaid, log);
    expect(atPayment.attribution.guideId?.equals(from.guide._id)).toBe(true);
    expect(atPayment.attribution.guideName).toBe('蒋离职');
    const next = await attributionAtCheckout(commerce, customer._id, new Date());
    expect(next.guideId?.equals(to.guide._id)).toBe(true);
    expect(next.guideSource).toBe('binding');
  });
});

describe('concurrency and repeats', () => {
  it('moves each customer once when two handovers of the same customers run at the same moment', async () => {
    const from = await newGuide('韩并发');
    const [left, right] = [await newGuide('杨甲'), await newGuide('朱乙')];
    const customers = await Promise.all(Array.from({ length: 12 }, () => customerOf(context, from)));
    const onWecom = await wecomCustomerOf(context, from);
    const ids = [...customers, onWecom.shopper].map((customer) => customer._id.toHexString());
    const [a, b] = await Promise.all([
      handOver(context, from, { toGuideId: left.guide._id.toHexString(), customerIds: ids }),
      handOver(context, from, { toGuideId: right.guide._id.toHexString(), customerIds: ids }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const replies = [handoverReplySchema.parse(a.body), handoverReplySchema.parse(b.body)];
    expect(replies[0]!.handover.counts.moved + replies[1]!.handover.counts.moved).toBe(ids.length);
    expect(replies[0]!.handover.counts.skipped + replies[1]!.handover.counts.skipped).toBe(ids.length);
    for (const id of ids) {
      const movedBy = replies.filter((reply) => reply.customers.items.some((item) => item.customer.id === id && item.outcome === 'moved'));
      expect(movedBy).toHaveLength(1);
      const winner = movedBy[0]!.handover.to.id;
      expect(await boundGuideOf(context, new Types.ObjectId(id))).toBe(winner);
      expect(await context.attribution.BindingChange.countDocuments({ shopperId: new Types.ObjectId(id), reason: 'reassignment' })).toBe(1);
    }
    // WeCom is asked once, by the handover that moved the customer.
    expect(await transfersOf([onWecom.externalUserId])).toHaveLength(1);
  });

  it('lets a touch that rebinds a lapsed customer at the same moment win or lose cleanly, never both', async () => {
    const from = await newGuide('秦保护');
    const to = await newGuide('尤接手');
    const toucher = await newGuide('许路过');
    const customers = await Promise.all(Array.from({ length: 10 }, () => customerOf(context, from)));
    await context.attribution.CustomerBinding.updateMany(
      { _id: { $in: customers.map((customer) => customer._id) } },
      { $set: { protectedUntil: new Date(Date.now() - 1000) } },
    );
    const [response, ...touches] = await Promise.all([
      handOver(context, from, {
        toGuideId: to.guide._id.toHexString(),
        customerIds: customers.map((customer) => customer._id.toHexString()),
      }),
      ...customers.map((customer) =>
        recordTouch(context.deps.attribution, customer._id, { guideCode: toucher.guide.code, channel: 'poster' }),
      ),
    ]);
    const reply = handoverReplySchema.parse(response.body);
    customers.forEach((customer, index) => {
      const outcome = outcomeOf(reply, customer._id);
      const touched = touches[index]!;
      if (outcome?.outcome === 'moved') expect(touched.effect).toBe('protected');
      else {
        expect(outcome).toMatchObject({ outcome: 'skipped', skipReason: 'not-bound-to-guide' });
        expect(touched.effect).toBe('rebound');
      }
    });
    for (const customer of customers) {
      const moved = outcomeOf(reply, customer._id)?.outcome === 'moved';
      expect(await boundGuideOf(context, customer._id)).toBe((moved ? to : toucher).guide._id.toHexString());
      expect(await context.attribution.BindingChange.countDocuments({ shopperId: customer._id })).toBe(2);
    }
  });

  it('answers a repeated request (same Idempotency-Key) with the handover it made, even when sent several times at once', async () => {
    const from = await newGuide('何重复');
    const to = await newGuide('吕接手');
    const customer = await customerOf(context, from);
    const key = randomUUID();
    const body = { toGuideId: to.guide._id.toHexString() };
    const first = await handOver(context, from, body, { key });
    const again = await handOver(context, from, body, { key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.handover.id).toBe(first.body.handover.id);
    expect(again.body.handover.counts).toEqual(first.body.handover.counts);
    expect(await context.attribution.BindingChange.countDocuments({ shopperId: customer._id, reason: 'reassignment' })).toBe(1);

    const other = await customerOf(context, from);
    const raceKey = randomUUID();
    const raced = await Promise.all(Array.from({ length: 3 }, () => handOver(context, from, body, { key: raceKey })));
    expect(raced.map((reply) => reply.status)).toEqual([201, 201, 201]);
    expect(new Set(raced.map((reply) => reply.body.handover.id as string)).size).toBe(1);
    expect(await context.inheritance.inheritance.Handover.countDocuments({ idempotencyKey: raceKey })).toBe(1);
    expect(await context.attribution.BindingChange.countDocuments({ shopperId: other._id, reason: 'reassignment' })).toBe(1);

    const reused = await handOver(
      context,
      from,
      { toGuideId: to.guide._id.toHexString(), customerIds: [other._id.toHexString()] },
      { key },
    );
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Keys belong to the staff member who sent them: another's same key is a request of its own.
    const operators = await handOver(context, from, body, { key, role: 'operator' });
    expect(operators.status).toBe(201);
    expect(operators.body.handover.id).not.toBe(first.body.handover.id);
  });
});

describe('access and bad input', () => {
  let from: TestGuide;
  let to: TestGuide;
  let customer: Types.ObjectId;

  beforeAll(async () => {
    from = await newGuide('施原导购');
    to = await newGuide('孔接手');
    customer = (await customerOf(context, from))._id;
  });

  async function nothingChanged(): Promise<void> {
    expect(await context.inheritance.inheritance.Handover.countDocuments({ fromGuideId: from.guide._id })).toBe(0);
    expect(await boundGuideOf(context, customer)).toBe(from.guide._id.toHexString());
  }

  it('lets owners and operators hand over, every role read, nobody without a token', async () => {
    for (const role of ['viewer', 'store_manager'] as const) {
      const refused = await handOver(context, from, { toGuideId: to.guide._id.toHexString() }, { role });
      expect(refused.status).toBe(403);
    }
    expect(
      (
        await context.http
          .post(`/api/admin/guides/${from.guide._id.toHexString()}/handovers`)
          .send({ toGuideId: to.guide._id.toHexString() })
      ).status,
    ).toBe(401);
    expect((await context.http.get('/api/admin/handovers')).status).toBe(401);
    for (const role of ['viewer', 'store_manager', 'operator', 'owner'] as const) {
      expect((await context.http.get('/api/admin/handovers').set('Authorization', `Bearer ${context.tokens[role]}`)).status).toBe(200);
    }
    await nothingChanged();
  });

  const id = () => new Types.ObjectId().toHexString();
  const tooMany = Array.from({ length: MAX_HANDOVER_CUSTOMERS + 1 }, id);
  it.each([
    ['no body', () => undefined, 400, 'VALIDATION_FAILED'],
    ['no target', () => ({}), 400, 'VALIDATION_FAILED'],
    ['a malformed target', () => ({ toGuideId: 'x' }), 400, 'VALIDATION_FAILED'],
    ['an empty selection', () => ({ toGuideId: to.guide._id.toHexString(), customerIds: [] }), 400, 'VALIDATION_FAILED'],
    ['too many customers', () => ({ toGuideId: to.guide._id.toHexString(), customerIds: tooMany }), 400, 'VALIDATION_FAILED'],
    ['a malformed customer id', () => ({ toGuideId: to.guide._id.toHexString(), customerIds: ['nope'] }), 400, 'VALIDATION_FAILED'],
    ['customers as text', () => ({ toGuideId: to.guide._id.toHexString(), customerIds: customer.toHexString() }), 400, 'VALIDATION_FAILED'],
    [
      'a message over 200 characters',
      () => ({ toGuideId: to.guide._id.toHexString(), transferMessage: '好'.repeat(201) }),
      400,
      'VALIDATION_FAILED',
    ],
    ['a blank message', () => ({ toGuideId: to.guide._id.toHexString(), transferMessage: '   ' }), 400, 'VALIDATION_FAILED'],
    ['an unknown field', () => ({ toGuideId: to.guide._id.toHexString(), all: true }), 400, 'VALIDATION_FAILED'],
    ['the same guide', () => ({ toGuideId: from.guide._id.toHexString() }), 400, 'HANDOVER_SAME_GUIDE'],
    ['an unknown target', () => ({ toGuideId: id() }), 404, 'NOT_FOUND'],
  ])('refuses %s, changing nothing', async (_name, body, status, code) => {
    const response = await handOver(context, from, body());
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    await nothingChanged();
  });

  it('refuses a departed target, an unknown or malformed source, and a missing or malformed Idempotency-Key', async () => {
    const departed = await newGuide('曹已离职');
    await guideLeaves(context, departed);
    const left = await handOver(context, from, { toGuideId: departed.guide._id.toHexString() });
    expect([left.status, left.body.error.code]).toEqual([409, 'HANDOVER_TARGET_LEFT']);
    const unknown = await handOver(context, id(), { toGuideId: to.guide._id.toHexString() });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await handOver(context, 'nope', { toGuideId: to.guide._id.toHexString() })).status).toBe(400);
    for (const key of [null, 'short', 'has spaces in it here', 'x'.repeat(65)]) {
      const response = await handOver(context, from, { toGuideId: to.guide._id.toHexString() }, { key });
      expect(response.status).toBe(400);
      expect(response.body.error.details[0]).toMatchObject({ in: 'header', path: [IDEMPOTENCY_KEY_HEADER] });
    }
    await nothingChanged();
  });

  it('refuses bad list and detail queries', async () => {
    const auth = { Authorization: `Bearer ${context.tokens.viewer}` };
    expect((await context.http.get('/api/admin/handovers?guideId=x').set(auth)).status).toBe(400);
    expect((await context.http.get('/api/admin/handovers?pageSize=1000').set(auth)).status).toBe(400);
    expect((await context.http.get('/api/admin/handovers?status=done').set(auth)).status).toBe(400);
    expect((await context.http.get('/api/admin/handovers/nope').set(auth)).status).toBe(400);
    const missing = await context.http.get(`/api/admin/handovers/${id()}`).set(auth);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await context.http.get(`/api/admin/handovers/${id()}?pageSize=201`).set(auth)).status).toBe(400);
  });
});

describe('creating handovers directly', () => {
  it('splits WeCom requests into calls of at most 100 customers', async () => {
    const from = await newGuide('魏很多');
    const to = await newGuide('陶接手');
    const customers = [];
    for (let index = 0; index < 105; index += 1) customers.push(await createTestShopper(context.db));
    // Linked on WeCom as the add events would have: the relations exist and the sandbox knows the contacts.
    const externalUserIds: string[] = [];
    for (const [index, { shopper }] of customers.entries()) {
      await recordTouch(context.deps.attribution, shopper._id, { guideCode: from.guide.code, channel: 'shop-link' });
      externalUserIds.push(`wm-bulk-${index}`);
    }
    const batches: number[] = [];
    const now = new Date();
    await context.deps.contacts.WecomRelation.insertMany(
      customers.map(({ shopper }, index) => ({
        externalUserId: externalUserIds[index],
        guideId: from.guide._id,
        wecomUserId: from.guide.wecomUserId,
        shopperId: shopper._id,
        status: 'added',
        addedAt: now,
        changedAt: now,
        addEventKey: `bulk-${index}`,
        welcome: 'console',
        createdAt: now,
        updatedAt: now,
      })),
    );
    const deps = {
      ...context.inheritance,
      wecom: {
        ...context.inheritance.wecom,
        async transferCustomers(transfer: Parameters<typeof context.inheritance.wecom.transferCustomers>[0]) {
          batches.push(transfer.externalUserIds.length);
          return transfer.externalUserIds.map((externalUserId) => ({ externalUserId, errcode: 0 }));
        },
      },
    };
    const owner = await context.inheritance.staff.StaffAccount.findOne({ username: 'contacts-owner' }).lean();
    const reply = await createHandover(
      deps,
      {
        byStaffId: owner!._id,
        fromGuideId: from.guide._id.toHexString(),
        request: { toGuideId: to.guide._id.toHexString() },
        idempotencyKey: randomUUID(),
      },
      log,
    );
    expect(batches).toEqual([100, 5]);
    expect(reply.handover.counts).toMatchObject({ moved: 105, transfers: { requested: 105 } });
  });
});
