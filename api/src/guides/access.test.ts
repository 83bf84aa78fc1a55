import type { Response, Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, staffRoles, type StaffRole } from '@mall/shared';
import { addGuide, addStore, startGuideTest, type GuideTestContext } from '../testing/guides.ts';

let context: GuideTestContext;
let storeId: string;
let counter = 0;
const unique = (prefix: string) => `${prefix}${(counter += 1)}`;

beforeAll(async () => {
  context = await startGuideTest();
  storeId = (await addStore(context, '权限店')).id;
});

afterAll(async () => {
  await context.stop();
});

type Call = (authorize: (request: Test) => Test) => Promise<Response>;

const newGuideId = async () => (await addGuide(context, { name: unique('导购'), storeId })).id;

/** Every staff route of the domain with a request that succeeds for an allowed role (written out, like the matrix). */
const endpoints: { name: string; access: 'read' | 'write'; success: number; call: Call }[] = [
  { name: 'GET /api/admin/stores', access: 'read', success: 200, call: (as) => as(context.api.http.get('/api/admin/stores')) },
  {
    name: 'POST /api/admin/stores',
    access: 'write',
    success: 201,
    call: (as) => as(context.api.http.post('/api/admin/stores')).send({ name: unique('店') }),
  },
  {
    name: 'PATCH /api/admin/stores/:id',
    access: 'write',
    success: 200,
    call: async (as) =>
      as(context.api.http.patch(`/api/admin/stores/${(await addStore(context, unique('改名店'))).id}`)).send({ name: unique('新店名') }),
  },
  { name: 'GET /api/admin/guides', access: 'read', success: 200, call: (as) => as(context.api.http.get('/api/admin/guides')) },
  {
    name: 'GET /api/admin/guides/:id',
    access: 'read',
    success: 200,
    call: async (as) => as(context.api.http.get(`/api/admin/guides/${await newGuideId()}`)),
  },
  {
    name: 'POST /api/admin/guides',
    access: 'write',
    success: 201,
    call: (as) => as(context.api.http.post('/api/admin/guides')).send({ name: unique('导购'), storeId }),
  },
  {
    name: 'PATCH /api/admin/guides/:id',
    access: 'write',
    success: 200,
    call: async (as) => as(context.api.http.patch(`/api/admin/guides/${await newGuideId()}`)).send({ name: unique('改名') }),
  },
  {
    name: 'POST /api/admin/guides/:id/leave',
    access: 'write',
    success: 200,
    call: async (as) => as(context.api.http.post(`/api/admin/guides/${await newGuideId()}/leave`)),
  },
  {
    name: 'POST /api/admin/guides/:id/invitations',
    access: 'write',
    success: 201,
    call: async (as) => as(context.api.http.post(`/api/admin/guides/${await newGuideId()}/invitations`)),
  },
];

const writers: readonly StaffRole[] = ['owner', 'operator'];

describe('guide routes by role', () => {
  for (const endpoint of endpoints) {
    for (const role of staffRoles) {
      const allowed = endpoint.access === 'read' || writers.includes(role);
      it(`${role}: ${endpoint.name} → ${allowed ? endpoint.success : 403}`, async () => {
        const response = await endpoint.call((request) => request.set('Authorization', `Bearer ${context.tokens[role]}`));
        expect(response.status).toBe(allowed ? endpoint.success : 403);
        if (!allowed) expect(errorEnvelopeSchema.parse(response.body).error.code).toBe('FORBIDDEN');
      });
    }
    it(`anonymous: ${endpoint.name} → 401`, async () => {
      const response = await endpoint.call((request) => request);
      expect(response.status).toBe(401);
    });
  }

  it('a refused write changes nothing', async () => {
    const before = await context.models.Store.countDocuments();
    const response = await context.api.http
      .post('/api/admin/stores')
      .set('Authorization', `Bearer ${context.tokens.viewer}`)
      .send({ name: unique('不该有') });
    expect(response.status).toBe(403);
    expect(await context.models.Store.countDocuments()).toBe(before);
  });
});
