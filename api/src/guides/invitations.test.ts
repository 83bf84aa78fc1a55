import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorEnvelopeSchema,
  guideInvitationReplySchema,
  guideReplySchema,
  INVITATION_VALID_DAYS,
  UNAMBIGUOUS_CODE_ALPHABET,
} from '@mall/shared';
import { createTestShopper } from '../testing/shoppers.ts';
import { addGuide, addStore, inviteGuide, startGuideTest, type GuideTestContext } from '../testing/guides.ts';

let context: GuideTestContext;
let storeId: string;
let counter = 0;

beforeAll(async () => {
  context = await startGuideTest();
  storeId = (await addStore(context, '邀请店')).id;
});

afterAll(async () => {
  await context.stop();
});

const newGuide = () => addGuide(context, { name: `导购${(counter += 1)}`, storeId });
const redeem = (token: string, code: string) =>
  context.api.http.post('/api/guide/invitations/redeem').set('Authorization', `Bearer ${token}`).send({ code });
const me = (token: string) => context.api.http.get('/api/guide/me').set('Authorization', `Bearer ${token}`);
const errorCode = (body: unknown) => errorEnvelopeSchema.parse(body).error.code;

describe('guide invitations', () => {
  it('are 8 characters of the unambiguous alphabet, valid for 7 days', async () => {
    const guide = await newGuide();
    const before = Date.now();
    const response = await context.api.http
      .post(`/api/admin/guides/${guide.id}/invitations`)
      .set('Authorization', `Bearer ${context.tokens.operator}`);
    expect(response.status).toBe(201);
    const { invitation } = guideInvitationReplySchema.parse(response.body);
    expect(invitation.code).toMatch(new RegExp(`^[${UNAMBIGUOUS_CODE_ALPHABET}]{8}$`));
    expect(invitation.guideId).toBe(guide.id);
    const validFor = Date.parse(invitation.expiresAt) - before;
    expect(validFor).toBeGreaterThanOrEqual(INVITATION_VALID_DAYS * 86_400_000 - 1000);
    expect(validFor).toBeLessThanOrEqual(INVITATION_VALID_DAYS * 86_400_000 + 5000);
  });

  it('bind the redeeming shopper to the guide (code case and spaces do not matter), shown by /api/guide/me', async () => {
    const guide = await newGuide();
    const code = await inviteGuide(context, guide.id);
    const { token } = await createTestShopper(context.db);
    expect((await me(token)).status).toBe(404);

    const redeemed = await redeem(token, ` ${code.toLowerCase()} `);
    expect(redeemed.status).toBe(200);
    expect(guideReplySchema.parse(redeemed.body).guide).toMatchObject({ id: guide.id, bound: true });
    const mine = await me(token);
    expect(mine.status).toBe(200);
    expect(mine.body.guide).toMatchObject({ id: guide.id, code: guide.code, storeName: '邀请店' });

    // Bound: no new invitation for this guide.
    const another = await context.api.http
      .post(`/api/admin/guides/${guide.id}/invitations`)
      .set('Authorization', `Bearer ${context.tokens.owner}`);
    expect(another.status).toBe(409);
    expect(errorCode(another.body)).toBe('GUIDE_NOT_BINDABLE');
  });

  it('work exactly once under 10 parallel redemptions', async () => {
    const guide = await newGuide();
    const code = await inviteGuide(context, guide.id);
    const shoppers = await Promise.all(Array.from({ length: 10 }, () => createTestShopper(context.db)));
    const responses = await Promise.all(shoppers.map(({ token }) => redeem(token, code)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    const refusals = responses.filter((response) => response.status !== 200);
    expect(refusals).toHaveLength(9);
    for (const refusal of refusals) {
      expect(refusal.status).toBe(409);
      expect(errorCode(refusal.body)).toBe('INVITATION_USED');
    }
    const winner = shoppers[statuses.indexOf(200)]!;
    const stored = await context.models.Guide.findById(guide.id).lean();
    expect(stored?.shopperId?.equals(winner.shopper._id)).toBe(true);
    const invitation = await context.models.GuideInvitation.findOne({ code }).lean();
    expect(invitation?.usedByShopperId?.equals(winner.shopper._id)).toBe(true);
  });

  it('refuse a used code, an expired code and an unknown code', async () => {
    const guide = await newGuide();
    const code = await inviteGuide(context, guide.id);
    const first = await createTestShopper(context.db);
    const second = await createTestShopper(context.db);
    expect((await redeem(first.token, code)).status).toBe(200);
    const used = await redeem(second.token, code);
    expect(used.status).toBe(409);
    expect(errorCode(used.body)).toBe('INVITATION_USED');

    const expiring = await newGuide();
    const expiredCode = await inviteGuide(context, expiring.id);
    await context.models.GuideInvitation.updateOne({ code: expiredCode }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await redeem(second.token, expiredCode);
    expect(expired.status).toBe(410);
    expect(errorCode(expired.body)).toBe('INVITATION_EXPIRED');
    expect((await context.models.GuideInvitation.findOne({ code: expiredCode }).lean())?.usedAt).toBeUndefined();

    const unknown = await redeem(second.token, 'ZZZZZZZZ');
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown.body)).toBe('INVITATION_NOT_FOUND');
    expect((await me(second.token)).status).toBe(404);
  });

  it('refuse a shopper already bound to another guide, leaving the code unspent', async () => {
    const [mine, other] = [await newGuide(), await newGuide()];
    const { token } = await createTestShopper(context.db);
    expect((await redeem(token, await inviteGuide(context, mine.id))).status).toBe(200);
    const otherCode = await inviteGuide(context, other.id);
    const twice = await redeem(token, otherCode);
    expect(twice.status).toBe(409);
    expect(errorCode(twice.body)).toBe('ALREADY_A_GUIDE');
    expect((await context.models.GuideInvitation.findOne({ code: otherCode }).lean())?.usedAt).toBeUndefined();
  });

  it('make one shopper redeeming two codes at once the guide of one of them only', async () => {
    const guides = [await newGuide(), await newGuide()];
    const codes = await Promise.all(guides.map((guide) => inviteGuide(context, guide.id)));
    const { token } = await createTestShopper(context.db);
    const responses = await Promise.all(codes.map((code) => redeem(token, code)));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    expect(errorCode(responses.find((response) => response.status === 409)!.body)).toBe('ALREADY_A_GUIDE');
    const bound = await context.models.Guide.countDocuments({
      _id: { $in: guides.map((guide) => guide.id) },
      shopperId: { $exists: true },
    });
    expect(bound).toBe(1);
  });

  it('stop working when the guide leaves, and the departed guide loses the workbench', async () => {
    const guide = await newGuide();
    const unusedCode = await inviteGuide(context, guide.id);
    const leaving = await newGuide();
    const { token } = await createTestShopper(context.db);
    expect((await redeem(token, await inviteGuide(context, leaving.id))).status).toBe(200);

    await context.api.http.post(`/api/admin/guides/${guide.id}/leave`).set('Authorization', `Bearer ${context.tokens.owner}`);
    const late = await redeem((await createTestShopper(context.db)).token, unusedCode);
    expect(late.status).toBe(409);
    expect(errorCode(late.body)).toBe('GUIDE_NOT_BINDABLE');
    expect((await context.models.GuideInvitation.findOne({ code: unusedCode }).lean())?.usedAt).toBeUndefined();

    await context.api.http.post(`/api/admin/guides/${leaving.id}/leave`).set('Authorization', `Bearer ${context.tokens.owner}`);
    expect((await me(token)).status).toBe(404);
    // Invited again later as another guide, the same WeChat user can be bound.
    const rehired = await newGuide();
    expect((await redeem(token, await inviteGuide(context, rehired.id))).status).toBe(200);
  });

  it('are for shoppers only: staff tokens and anonymous callers get 401', async () => {
    const staff = await context.api.http
      .post('/api/guide/invitations/redeem')
      .set('Authorization', `Bearer ${context.tokens.owner}`)
      .send({ code: 'ABCDEFGH' });
    expect(staff.status).toBe(401);
    expect((await context.api.http.get('/api/guide/me')).status).toBe(401);
  });
});
