import type { Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, type Guide, type Store } from '@mall/shared';
import { createTestShopper } from '../testing/shoppers.ts';
import { addGuide, addStore, startGuideTest, type GuideTestContext } from '../testing/guides.ts';

let context: GuideTestContext;
let store: Store;
let guide: Guide;
let shopperToken: string;

const MISSING_ID = '0123456789abcdef01234567';

beforeAll(async () => {
  context = await startGuideTest();
  store = await addStore(context, '坏输入店');
  guide = await addGuide(context, { name: '坏输入', storeId: store.id });
  shopperToken = (await createTestShopper(context.db)).token;
});

afterAll(async () => {
  await context.stop();
});

const asOwner = (request: Test) => request.set('Authorization', `Bearer ${context.tokens.owner}`);
const asShopper = (request: Test) => request.set('Authorization', `Bearer ${shopperToken}`);

interface BadCase {
  name: string;
  send(): Test;
  status: number;
  code: string;
}

const invalid = (name: string, send: () => Test): BadCase => ({ name, send, status: 400, code: 'VALIDATION_FAILED' });

const storeBodies: [string, unknown][] = [
  ['no fields', {}],
  ['a blank name', { name: '  ' }],
  ['a 31-character name', { name: '店'.repeat(31) }],
  ['a numeric name', { name: 42 }],
  ['a 101-character address', { name: '店', address: '路'.repeat(101) }],
  ['a phone with letters', { name: '店', phone: 'call me' }],
  ['an unknown field', { name: '店', status: 'closed', owner: 'x' }],
];

const guideBodies = (): [string, unknown][] => [
  ['no fields', {}],
  ['a blank name', { name: ' ', storeId: store.id }],
  ['a 21-character name', { name: '名'.repeat(21), storeId: store.id }],
  ['no store', { name: '某人' }],
  ['a malformed store id', { name: '某人', storeId: 'abc' }],
  ['a WeCom userid with spaces', { name: '某人', storeId: store.id, wecomUserId: 'a b' }],
  ['a 65-character WeCom userid', { name: '某人', storeId: store.id, wecomUserId: 'a'.repeat(65) }],
  ['a phone that is a number', { name: '某人', storeId: store.id, phone: 13800000000 }],
  ['a code chosen by the caller', { name: '某人', storeId: store.id, code: 'AAAAAA' }],
  ['a status', { name: '某人', storeId: store.id, status: 'left' }],
];

const cases = (): BadCase[] => [
  ...storeBodies.map(([name, body]) =>
    invalid(`POST /api/admin/stores with ${name}`, () => asOwner(context.api.http.post('/api/admin/stores')).send(body as object)),
  ),
  ...[{}, { name: '' }, { status: 'open' }, { address: 1 }, { id: store.id }].map((body) =>
    invalid(`PATCH /api/admin/stores/:id ${JSON.stringify(body)}`, () =>
      asOwner(context.api.http.patch(`/api/admin/stores/${store.id}`)).send(body),
    ),
  ),
  invalid('PATCH a malformed store id', () => asOwner(context.api.http.patch('/api/admin/stores/x')).send({ name: '新' })),
  {
    name: 'PATCH an unknown store',
    send: () => asOwner(context.api.http.patch(`/api/admin/stores/${MISSING_ID}`)).send({ name: '无此店' }),
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'POST /api/admin/stores with a body that is not JSON',
    send: () => asOwner(context.api.http.post('/api/admin/stores')).set('Content-Type', 'application/json').send('{"name":'),
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  ...guideBodies().map(([name, body]) =>
    invalid(`POST /api/admin/guides with ${name}`, () => asOwner(context.api.http.post('/api/admin/guides')).send(body as object)),
  ),
  {
    name: 'POST /api/admin/guides in an unknown store',
    send: () => asOwner(context.api.http.post('/api/admin/guides')).send({ name: '某人', storeId: MISSING_ID }),
    status: 404,
    code: 'NOT_FOUND',
  },
  ...[{}, { name: '' }, { storeId: 'x' }, { wecomUserId: '' }, { status: 'left' }, { phone: null }].map((body) =>
    invalid(`PATCH /api/admin/guides/:id ${JSON.stringify(body)}`, () =>
      asOwner(context.api.http.patch(`/api/admin/guides/${guide.id}`)).send(body),
    ),
  ),
  {
    name: 'PATCH a guide into an unknown store',
    send: () => asOwner(context.api.http.patch(`/api/admin/guides/${guide.id}`)).send({ storeId: MISSING_ID }),
    status: 404,
    code: 'NOT_FOUND',
  },
  ...['storeId=x', 'status=gone', 'page=0', 'pageSize=101', 'page=1.5', 'keyword=', `keyword=${'k'.repeat(51)}`, 'sort=name'].map((query) =>
    invalid(`GET /api/admin/guides?${query}`, () => asOwner(context.api.http.get(`/api/admin/guides?${query}`))),
  ),
  invalid('GET a malformed guide id', () => asOwner(context.api.http.get('/api/admin/guides/123'))),
  {
    name: 'GET an unknown guide',
    send: () => asOwner(context.api.http.get(`/api/admin/guides/${MISSING_ID}`)),
    status: 404,
    code: 'NOT_FOUND',
  },
  invalid('leave with a malformed guide id', () => asOwner(context.api.http.post('/api/admin/guides/zz/leave'))),
  {
    name: 'leave an unknown guide',
    send: () => asOwner(context.api.http.post(`/api/admin/guides/${MISSING_ID}/leave`)),
    status: 404,
    code: 'NOT_FOUND',
  },
  invalid('invite with a malformed guide id', () => asOwner(context.api.http.post('/api/admin/guides/zz/invitations'))),
  {
    name: 'invite an unknown guide',
    send: () => asOwner(context.api.http.post(`/api/admin/guides/${MISSING_ID}/invitations`)),
    status: 404,
    code: 'NOT_FOUND',
  },
  ...[
    {},
    { code: '' },
    { code: 'ABCDEFG' },
    { code: 'ABCDEFGHJ' },
    { code: 'ABCDEFG0' },
    { code: 'ABCDEFGI' },
    { code: 12345678 },
    { code: 'ABCDEFGH', guideId: guide.id },
  ].map((body) =>
    invalid(`POST /api/guide/invitations/redeem ${JSON.stringify(body)}`, () =>
      asShopper(context.api.http.post('/api/guide/invitations/redeem')).send(body),
    ),
  ),
];

describe('bad input to the guide routes', () => {
  it('gets a 4xx with a code, and writes nothing', async () => {
    const before = await Promise.all([
      context.models.Store.find().lean(),
      context.models.Guide.find().lean(),
      context.models.GuideInvitation.find().lean(),
    ]);
    for (const badCase of cases()) {
      const response = await badCase.send();
      expect({ name: badCase.name, status: response.status }).toEqual({ name: badCase.name, status: badCase.status });
      expect(errorEnvelopeSchema.parse(response.body).error.code, badCase.name).toBe(badCase.code);
    }
    const after = await Promise.all([
      context.models.Store.find().lean(),
      context.models.Guide.find().lean(),
      context.models.GuideInvitation.find().lean(),
    ]);
    expect(after).toEqual(before);
  });
});
