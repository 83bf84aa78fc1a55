import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuideContactReply } from '@mall/shared';
import { attributionModels, type AttributionModels } from '../attribution/models.ts';
import type { Shopper } from '../customers/models.ts';
import { createLogger } from '../logger.ts';
import { PlatformError } from '../platform/errors.ts';
import { recordWecomEvent, wecomEventKey, type StoredWecomEvent } from '../platform/wecom/callback-events.ts';
import { callbackKeysFromConfig, openEvent } from '../platform/wecom/callback-crypto.ts';
import {
  addContactGuide,
  eventually,
  insertAttributedOrder,
  startGuideContactTest,
  wecomControl,
  wecomView,
  type CapturedCallback,
  type GuideContactTest,
  type TestGuide,
} from '../testing/guide-contacts.ts';
import { createTestShopper } from '../testing/shoppers.ts';
import { MAX_EVENT_ATTEMPTS, processDueEvents, processStoredEvent } from './events.ts';
import type { ContactWayRecord, WecomRelationRecord } from './models.ts';
import type { GuideContactDependencies } from './service.ts';
import { generalState, shopperState } from './state.ts';

/**
 * WeCom's 客户联系 callbacks through the sandbox: a customer adding a guide links the shopper, binds them and gets
 * the welcome message; duplicates and races act once; tampered callbacks are refused; deletes and failed transfers
 * are recorded; a failed attempt is retried by the job.
 */

let context: GuideContactTest;
let attribution: AttributionModels;
let li: TestGuide;
const log = createLogger('silent');

interface AddContactReply {
  external_userid: string;
  welcome_code: string;
  delivery: { id: number };
}

interface SandboxWelcome {
  welcome_code: string;
  userid: string;
  external_userid: string;
  text?: { content: string };
}

async function buyer(fields: { unionid?: string } = {}): Promise<{ shopper: Shopper; auth: { Authorization: string } }> {
  const { shopper, token } = await createTestShopper(context.db, fields);
  return { shopper, auth: { Authorization: `Bearer ${token}` } };
}

/** The QR contact way the payment result page made for the shopper's paid order with `guide`. */
async function resultPageContactWay(shopper: Shopper, auth: { Authorization: string }, guide: TestGuide = li): Promise<ContactWayRecord> {
  const order = await insertAttributedOrder(context.deps, { shopperId: shopper._id, status: 'paid', guide });
  const response = await context.http.get(`/api/orders/${order.orderNo}/guide-contact`).query({ surface: 'weapp' }).set(auth);
  expect(response.status).toBe(200);
  const way = await context.deps.contacts.ContactWay.findOne({
    state: shopperState(guide.guide.code, shopper._id),
    scene: 2,
    active: true,
  });
  return way!.toObject();
}

async function delivered(id: number) {
  return context.testSandbox.sandbox.deliveries.waitFor((entry) => entry.id === id && entry.state !== 'pending');
}

/** The stored event once it has been acted on. */
async function processed(filter: Record<string, unknown>): Promise<StoredWecomEvent> {
  return eventually(async () => {
    const stored = await context.deps.events.findOne(filter).lean<StoredWecomEvent>();
    return stored?.processedAt === undefined ? undefined : stored;
  });
}

async function relationOf(externalUserId: string, guide: TestGuide = li): Promise<WecomRelationRecord | null> {
  return context.deps.contacts.WecomRelation.findOne({ externalUserId, guideId: guide.guide._id }).lean<WecomRelationRecord>();
}

async function welcomesTo(externalUserId: string): Promise<SandboxWelcome[]> {
  return (await wecomView<SandboxWelcome[]>(context.testSandbox, '/welcome-messages')).filter(
    (message) => message.external_userid === externalUserId,
  );
}

async function wecomAddsOf(shopper: Shopper): Promise<number> {
  return attribution.BindingChange.countDocuments({ shopperId: shopper._id, reason: 'wecom-add' });
}

/** The WeCom adds the guide's performance counts over every day. */
async function performanceAddsOf(guide: TestGuide): Promise<number> {
  const days = await context.deps.performance.GuideDay.find({ guideId: guide.guide._id }).lean();
  return days.reduce((sum, day) => sum + day.wecomAdds, 0);
}

/** Replays a captured (or delivered) callback to the app, as WeCom's retry would. */
async function replay(callback: CapturedCallback): Promise<{ status: number; text: string }> {
  const response = await context.http.post(callback.url).set('Content-Type', 'text/xml').send(callback.body.toString('utf8'));
  return { status: response.status, text: response.text };
}

/** Runs `send` while callbacks are captured instead of reaching the app; the captured callback. */
async function capturedCallback(send: () => Promise<unknown>): Promise<CapturedCallback> {
  const captured = context.capture();
  try {
    await send();
    return await eventually(async () => captured[0]);
  } finally {
    context.release();
  }
}

beforeAll(async () => {
  context = await startGuideContactTest();
  attribution = attributionModels(context.db.connection);
  li = await addContactGuide(context, { name: '李导购', wecomUserId: 'guide-li', storeName: '静安店' });
});

afterAll(async () => {
  await context.stop();
});

describe('a customer adds a guide', () => {
  it("through the result page's contact way: relation, binding, welcome message, and that contact way deleted", async () => {
    const { shopper, auth } = await buyer();
    const way = await resultPageContactWay(shopper, auth);
    const addsBefore = await performanceAddsOf(li);
    const added = await wecomControl<AddContactReply>(context.testSandbox, '/add-contact', {
      config_id: way.configId,
      external: { name: '周女士' },
    });
    expect((await delivered(added.delivery.id)).state).toBe('delivered');

    const stored = await processed({ 'event.welcomeCode': added.welcome_code });
    expect(stored.outcome).toContain(`shopper ${shopper._id.toHexString()} added guide ${li.guide.code}`);
    const relation = await relationOf(added.external_userid);
    expect(relation).toMatchObject({
      wecomUserId: 'guide-li',
      state: shopperState(li.guide.code, shopper._id),
      status: 'added',
      welcome: 'sent',
    });
    expect(relation?.shopperId?.equals(shopper._id)).toBe(true);
    expect(relation?.boundAt).toBeInstanceOf(Date);

    const binding = await attribution.CustomerBinding.findById(shopper._id).lean();
    expect(binding?.guideId.equals(li.guide._id)).toBe(true);
    expect(binding?.reason).toBe('wecom-add');
    expect(await performanceAddsOf(li)).toBe(addsBefore + 1);

    const [welcome, ...more] = await welcomesTo(added.external_userid);
    expect(more).toEqual([]);
    expect(welcome).toMatchObject({ welcome_code: added.welcome_code, userid: 'guide-li' });
    expect(welcome?.text?.content).toContain('静安店');
    expect(welcome?.text?.content).toContain('李导购');

    // Both contact ways made for this shopper (plugin and QR) are deleted in WeCom and no longer served.
    const ways = await context.deps.contacts.ContactWay.find({ state: way.state }).lean<ContactWayRecord[]>();
    expect(ways.map((entry) => [entry.active, entry.retiredBecause])).toEqual([
      [false, 'added'],
      [false, 'added'],
    ]);
    const inWecom = await wecomView<{ state: string }[]>(context.testSandbox, '/contact-ways');
    expect(inWecom.filter((entry) => entry.state === way.state)).toEqual([]);

    const page = await context.http.get('/api/me/guide-contact').query({ surface: 'h5' }).set(auth);
    expect(page.body as GuideContactReply).toMatchObject({ guide: { id: li.guide._id.toHexString() }, contact: null, added: true });
  });

  it('acts once on an event WeCom delivers again, or delivers twice at the same moment', async () => {
    const { shopper, auth } = await buyer();
    const way = await resultPageContactWay(shopper, auth);
    const added = await wecomControl<AddContactReply>(context.testSandbox, '/add-contact', {
      config_id: way.configId,
      external: { name: '吴先生' },
    });
    const delivery = await delivered(added.delivery.id);
    await processed({ 'event.welcomeCode': added.welcome_code });
    const addsAfterFirst = await performanceAddsOf(li);

    const again = await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    expect([again.status, await again.text()]).toEqual([200, 'success']);
    expect(await context.deps.events.countDocuments({ 'event.welcomeCode': added.welcome_code })).toBe(1);

    // Another add, captured before the app sees it, then delivered twice at once.
    const other = await buyer();
    const otherWay = await resultPageContactWay(other.shopper, other.auth);
    const callback = await capturedCallback(() =>
      wecomControl(context.testSandbox, '/add-contact', { config_id: otherWay.configId, external: { name: '郑女士' } }),
    );
    const answers = await Promise.all([replay(callback), replay(callback), replay(callback)]);
    expect(answers).toEqual(Array(3).fill({ status: 200, text: 'success' }));
    const event = openEvent(
      callbackKeysFromConfig(context.config.wecom),
      callback.body,
      Object.fromEntries(new URL(callback.url, 'http://app').searchParams),
    );
    const raced = await processed({ dedupeKey: wecomEventKey(event) });
    expect(raced.attempts).toBe(1);
    expect(await context.deps.events.countDocuments({ dedupeKey: wecomEventKey(event) })).toBe(1);

    for (const [customer, externalUserId] of [
      [shopper, added.external_userid],
      [other.shopper, event.type === 'add_external_contact' ? event.externalUserId : ''],
    ] as const) {
      expect(await welcomesTo(externalUserId)).toHaveLength(1);
      expect(await wecomAddsOf(customer)).toBe(1);
      expect(await context.deps.contacts.WecomRelation.countDocuments({ externalUserId })).toBe(1);
    }
    // The redelivered first add counted nothing more; the raced second add counted once.
    expect(await performanceAddsOf(li)).toBe(addsAfterFirst + 1);
  });

  it('refuses tampered callbacks: nothing stored, nobody linked', async () => {
    const before = await context.deps.events.countDocuments();
    for (const how of ['signature', 'corp-id', 'padding']) {
      const tampered = await wecomControl<{ delivery: { id: number } }>(context.testSandbox, '/tamper', { how });
      const delivery = await delivered(tampered.delivery.id);
      expect(delivery.state).toBe('gave_up');
      expect(delivery.attempts.every((attempt) => attempt.status === 401)).toBe(true);
    }
    expect(await context.deps.events.countDocuments()).toBe(before);
    expect(await context.deps.contacts.WecomRelation.countDocuments({ wecomUserId: 'tampered' })).toBe(0);
  });

  it("links a customer who used the guide's general contact way by their unionid", async () => {
    const { shopper } = await buyer({ unionid: 'U-zhou' });
    const added = await wecomControl<AddContactReply>(context.testSandbox, '/add-contact', {
      userid: 'guide-li',
      state: generalState(li.guide.code),
      external: { name: '周先生', unionid: 'U-zhou' },
    });
    await processed({ 'event.welcomeCode': added.welcome_code });
    const relation = await relationOf(added.external_userid);
    expect(relation?.shopperId?.equals(shopper._id)).toBe(true);
    expect(relation?.customerName).toBe('周先生');
    expect(await wecomAddsOf(shopper)).toBe(1);
  });

  it('records a customer it cannot match without a shopper, and still welcomes them', async () => {
    const added = await wecomControl<AddContactReply>(context.testSandbox, '/add-contact', {
      userid: 'guide-li',
      external: { name: '陌生人', unionid: 'U-nobody' },
    });
    const stored = await processed({ 'event.welcomeCode': added.welcome_code });
    expect(stored.outcome).toContain('an unknown shopper');
    const relation = await relationOf(added.external_userid);
    expect(relation).toMatchObject({ status: 'added', customerName: '陌生人', welcome: 'sent' });
    expect(relation?.shopperId).toBeUndefined();
    expect(await welcomesTo(added.external_userid)).toHaveLength(1);
  });

  it("ignores an add to a WeCom member who is no guide's", async () => {
    await wecomControl(context.testSandbox, '/members', { userid: 'not-a-guide', name: '客服' });
    const added = await wecomControl<AddContactReply>(context.testSandbox, '/add-contact', {
      userid: 'not-a-guide',
      external: { name: '孙女士' },
    });
    const stored = await processed({ 'event.welcomeCode': added.welcome_code });
    expect(stored.outcome).toMatch(/^ignored/);
    expect(await context.deps.contacts.WecomRelation.countDocuments({ externalUserId: added.external_userid })).toBe(0);
  });
});

describe('relations ending', () => {
  it('marks the relation deleted by whoever deleted it; the binding stays; adding again restores it', async () => {
    const { shopper, auth } = await buyer();
    const way = await resultPageContactWay(shopper, auth);
    const added = await wecomControl<AddContactReply>(context.testSandbox, '/add-contact', {
      config_id: way.configId,
      external: { name: '冯女士' },
    });
    await processed({ 'event.welcomeCode': added.welcome_code });

    const removed = await wecomControl<{ delivery: { id: number } }>(context.testSandbox, '/del-follow-user', {
      userid: 'guide-li',
      external_userid: added.external_userid,
    });
    await delivered(removed.delivery.id);
    await processed({ 'event.type': 'del_follow_user', 'event.externalUserId': added.external_userid });
    expect(await relationOf(added.external_userid)).toMatchObject({ status: 'deleted', deletedBy: 'customer' });
    expect((await attribution.CustomerBinding.findById(shopper._id).lean())?.guideId.equals(li.guide._id)).toBe(true);
    const page = await context.http.get('/api/me/guide-contact').query({ surface: 'h5' }).set(auth);
    expect(page.body).toMatchObject({ added: false, contact: { configId: null } });

    const readded = await wecomControl<AddContactReply>(context.testSandbox, '/add-contact', {
      userid: 'guide-li',
      external: { name: '冯女士' },
    });
    await processed({ 'event.welcomeCode': readded.welcome_code });
    const relation = await relationOf(added.external_userid);
    expect(relation).toMatchObject({ status: 'added', welcome: 'sent' });
    expect(relation?.deletedBy).toBeUndefined();
    // The earlier relation named the shopper: the add through no contact way of theirs is still theirs.
    expect(relation?.shopperId?.equals(shopper._id)).toBe(true);

    const deleted = await wecomControl<{ delivery: { id: number } }>(context.testSandbox, '/del-contact', {
      userid: 'guide-li',
      external_userid: added.external_userid,
    });
    await delivered(deleted.delivery.id);
    await processed({ 'event.type': 'del_external_contact', 'event.externalUserId': added.external_userid });
    expect(await relationOf(added.external_userid)).toMatchObject({ status: 'deleted', deletedBy: 'guide' });
  });

  it('notes a transfer the customer refused on their relation with the current guide', async () => {
    const zhang = await addContactGuide(context, { name: '张导购', wecomUserId: 'guide-zhang', storeName: '静安店' });
    const added = await wecomControl<AddContactReply>(context.testSandbox, '/add-contact', {
      userid: 'guide-li',
      external: { name: '陈先生' },
    });
    await processed({ 'event.welcomeCode': added.welcome_code });
    const outcomes = await context.deps.wecom.transferCustomers({
      handoverUserId: 'guide-li',
      takeoverUserId: 'guide-zhang',
      externalUserIds: [added.external_userid],
    });
    expect(outcomes).toEqual([{ externalUserId: added.external_userid, errcode: 0 }]);
    const refused = await wecomControl<{ delivery: { id: number } }>(context.testSandbox, '/transfers/refuse', {
      external_userid: added.external_userid,
    });
    await delivered(refused.delivery.id);
    await processed({ 'event.type': 'transfer_fail', 'event.externalUserId': added.external_userid });
    const relation = await relationOf(added.external_userid);
    expect(relation).toMatchObject({
      status: 'added',
      transferFailure: { takeoverWecomUserId: 'guide-zhang', reason: 'customer_refused' },
    });
    expect(await relationOf(added.external_userid, zhang)).toBeNull();
  });
});

describe('retries', () => {
  /** The app's clients, except that the first `failures` welcome messages fail as WeCom being busy. */
  function failingWelcomes(failures: number): GuideContactDependencies {
    let left = failures;
    return {
      ...context.deps,
      wecom: {
        ...context.deps.wecom,
        async sendWelcomeMessage(message) {
          if (left > 0) {
            left -= 1;
            throw new PlatformError({ platform: 'wecom', operation: 'send_welcome_msg', code: -1, message: 'system busy' });
          }
          return context.deps.wecom.sendWelcomeMessage(message);
        },
      },
    };
  }

  /** An add-contact event as the callback route stores it, without the route acting on it. */
  async function storedAdd(body: Record<string, unknown>): Promise<{ key: string; externalUserId: string }> {
    const callback = await capturedCallback(() => wecomControl(context.testSandbox, '/add-contact', body));
    const event = openEvent(
      callbackKeysFromConfig(context.config.wecom),
      callback.body,
      Object.fromEntries(new URL(callback.url, 'http://app').searchParams),
    );
    expect(await recordWecomEvent(context.deps.events, event, new Date())).toBe(true);
    return { key: wecomEventKey(event), externalUserId: event.type === 'add_external_contact' ? event.externalUserId : '' };
  }

  it('retries a failed welcome message from the job, within WeCom’s 20 s', async () => {
    const { shopper, auth } = await buyer();
    const way = await resultPageContactWay(shopper, auth);
    const { key, externalUserId } = await storedAdd({ config_id: way.configId, external: { name: '褚女士' } });

    expect(await processStoredEvent(failingWelcomes(1), key, log)).toBe(false);
    const failed = await context.deps.events.findOne({ dedupeKey: key }).lean<StoredWecomEvent>();
    expect(failed).toMatchObject({ attempts: 1, lastError: 'send_welcome_msg -1: system busy' });
    expect(failed?.processedAt).toBeUndefined();
    expect(failed!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await relationOf(externalUserId)).toMatchObject({ welcome: 'pending' });
    expect(await welcomesTo(externalUserId)).toEqual([]);
    // Held until its retry time: acting again now takes nothing.
    expect(await processStoredEvent(context.deps, key, log)).toBe(false);

    expect(await processDueEvents(context.deps, new Date(failed!.nextAttemptAt!.getTime() + 1), log)).toBe(1);
    const done = await context.deps.events.findOne({ dedupeKey: key }).lean<StoredWecomEvent>();
    expect(done).toMatchObject({ attempts: 2 });
    expect(done?.processedAt).toBeInstanceOf(Date);
    expect(done?.lastError).toBeUndefined();
    expect(await welcomesTo(externalUserId)).toHaveLength(1);
    expect(await relationOf(externalUserId)).toMatchObject({ welcome: 'sent' });
    expect(await wecomAddsOf(shopper)).toBe(1);
  });

  it('records a welcome message WeCom no longer takes (its 20 s passed) and finishes the rest', async () => {
    const { shopper, auth } = await buyer();
    const way = await resultPageContactWay(shopper, auth);
    const { key, externalUserId } = await storedAdd({ config_id: way.configId, external: { name: '卫先生' } });
    context.testSandbox.sandbox.advanceClock(21_000);
    expect(await processStoredEvent(context.deps, key, log)).toBe(true);
    expect(await relationOf(externalUserId)).toMatchObject({ welcome: 'expired' });
    expect(await welcomesTo(externalUserId)).toEqual([]);
    expect(await wecomAddsOf(shopper)).toBe(1);
  });

  it(`gives up after ${MAX_EVENT_ATTEMPTS} failed attempts, leaving the event for people to look at`, async () => {
    const { key } = await storedAdd({ userid: 'guide-li', external: { name: '蒋女士' } });
    await context.deps.events.updateOne({ dedupeKey: key }, { $set: { attempts: MAX_EVENT_ATTEMPTS - 1 } });
    expect(await processStoredEvent(failingWelcomes(1), key, log)).toBe(false);
    const stored = await context.deps.events.findOne({ dedupeKey: key }).lean<StoredWecomEvent>();
    expect(stored?.gaveUpAt).toBeInstanceOf(Date);
    expect(stored?.processedAt).toBeUndefined();
    expect(await processDueEvents(context.deps, new Date(Date.now() + 3_600_000), log)).toBe(0);
  });
});
