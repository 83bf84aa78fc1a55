import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addressListReplySchema, addressReplySchema, errorEnvelopeSchema, MAX_ADDRESSES_PER_SHOPPER, type Address } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { createTestShopper } from '../testing/shoppers.ts';

/** Delivery addresses: CRUD, the limit, the one default, ownership and bad input. */

let server: TestDatabaseServer;
let db: Database;
let api: TestApp;
let token: string;

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  api = testApp(db);
});

afterAll(async () => {
  await server.stop();
});

// A new shopper per test: each starts with an empty address book.
beforeEach(async () => {
  ({ token } = await createTestShopper(db));
});

const home = {
  recipientName: '王小明',
  phone: '13812345678',
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  detail: '世纪大道 100 号 8 楼',
};

function codeOf(body: unknown): string {
  return errorEnvelopeSchema.parse(body).error.code;
}

function as(shopperToken: string) {
  const auth = (request: ReturnType<TestApp['http']['get']>) => request.set('Authorization', `Bearer ${shopperToken}`);
  return {
    list: async () => {
      const response = await auth(api.http.get('/api/shopper/addresses'));
      expect(response.status).toBe(200);
      return addressListReplySchema.parse(response.body).items;
    },
    create: (body: object) => auth(api.http.post('/api/shopper/addresses')).send(body),
    get: (id: string) => auth(api.http.get(`/api/shopper/addresses/${id}`)),
    update: (id: string, body: object) => auth(api.http.put(`/api/shopper/addresses/${id}`)).send(body),
    remove: (id: string) => auth(api.http.delete(`/api/shopper/addresses/${id}`)),
    makeDefault: (id: string) => auth(api.http.post(`/api/shopper/addresses/${id}/default`)),
  };
}

async function add(body: object = home, shopperToken = token): Promise<Address> {
  const response = await as(shopperToken).create(body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return addressReplySchema.parse(response.body).address;
}

const defaultsOf = (items: Address[]) => items.filter((item) => item.isDefault).map((item) => item.id);

describe('addresses', () => {
  it('start empty, with the limit in the reply', async () => {
    const response = await as(token).get('0123456789abcdef01234567');
    expect(response.status).toBe(404);
    const list = await api.http.get('/api/shopper/addresses').set('Authorization', `Bearer ${token}`);
    expect(list.body).toEqual({ items: [], limit: MAX_ADDRESSES_PER_SHOPPER });
  });

  it('are created trimmed, read back, replaced and deleted', async () => {
    const created = await add({ ...home, recipientName: '  王小明 ', detail: ' 世纪大道 100 号 8 楼 ' });
    expect(created).toMatchObject({ ...home, isDefault: true });

    const read = await as(token).get(created.id);
    expect(read.status).toBe(200);
    expect(addressReplySchema.parse(read.body).address).toEqual(created);

    const replaced = await as(token).update(created.id, { ...home, detail: '张江路 1 号', phone: '15900001111' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.address).toMatchObject({ id: created.id, detail: '张江路 1 号', phone: '15900001111', isDefault: true });
    expect(Date.parse(replaced.body.address.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect(replaced.body.address.createdAt).toBe(created.createdAt);

    expect((await as(token).remove(created.id)).status).toBe(204);
    expect(await as(token).list()).toEqual([]);
    expect((await as(token).get(created.id)).status).toBe(404);
    expect((await as(token).remove(created.id)).status).toBe(404);
  });
});

describe('the default address', () => {
  it('is the first address, then whichever is made the default; the list shows it first, then newest first', async () => {
    const first = await add({ ...home, detail: '一号' });
    const second = await add({ ...home, detail: '二号' });
    const third = await add({ ...home, detail: '三号' });
    expect((await as(token).list()).map((item) => item.detail)).toEqual(['一号', '三号', '二号']);

    const made = await as(token).makeDefault(second.id);
    expect(made.status).toBe(200);
    expect(made.body.address).toMatchObject({ id: second.id, isDefault: true });
    const items = await as(token).list();
    expect(items.map((item) => item.id)).toEqual([second.id, third.id, first.id]);
    expect(defaultsOf(items)).toEqual([second.id]);
  });

  it('moves to a new address created with isDefault, or one updated with isDefault: true', async () => {
    await add();
    const second = await add({ ...home, isDefault: true });
    expect(second.isDefault).toBe(true);
    const third = await add({ ...home, isDefault: false });
    expect(third.isDefault).toBe(false);
    expect(defaultsOf(await as(token).list())).toEqual([second.id]);

    await as(token).update(third.id, { ...home, isDefault: true });
    expect(defaultsOf(await as(token).list())).toEqual([third.id]);
  });

  it('stays put when its own update says isDefault: false (another address is made the default instead)', async () => {
    const only = await add();
    const response = await as(token).update(only.id, { ...home, isDefault: false });
    expect(response.body.address.isDefault).toBe(true);
    expect(defaultsOf(await as(token).list())).toEqual([only.id]);
  });

  it('passes to the most recently added address when it is deleted', async () => {
    const oldest = await add({ ...home, detail: '旧' });
    const middle = await add({ ...home, detail: '中' });
    const newest = await add({ ...home, detail: '新' });
    await as(token).makeDefault(middle.id);
    expect((await as(token).remove(middle.id)).status).toBe(204);
    expect(defaultsOf(await as(token).list())).toEqual([newest.id]);
    await as(token).remove(newest.id);
    expect(defaultsOf(await as(token).list())).toEqual([oldest.id]);
    await as(token).remove(oldest.id);
    // The next address after the book was emptied becomes the default again.
    expect((await add()).isDefault).toBe(true);
  });

  it('is exactly one after parallel changes', async () => {
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, index) => add({ ...home, detail: `并发 ${index}`, isDefault: index % 2 === 0 })),
    );
    expect(defaultsOf(await as(token).list())).toHaveLength(1);

    const results = await Promise.all([
      ...created.map((address) => as(token).makeDefault(address.id)),
      as(token).remove(created[0]?.id ?? ''),
      as(token).remove(created[1]?.id ?? ''),
    ]);
    expect(results.every((response) => [200, 204, 404].includes(response.status))).toBe(true);
    const items = await as(token).list();
    expect(items).toHaveLength(4);
    expect(defaultsOf(items)).toHaveLength(1);
  });
});

describe('the limit', () => {
  it(`is ${MAX_ADDRESSES_PER_SHOPPER} addresses, then 409 ADDRESS_LIMIT_REACHED until one is deleted`, async () => {
    for (let index = 0; index < MAX_ADDRESSES_PER_SHOPPER; index += 1) await add({ ...home, detail: `地址 ${index}` });
    const refused = await as(token).create(home);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'ADDRESS_LIMIT_REACHED', details: { limit: MAX_ADDRESSES_PER_SHOPPER } });
    const [first] = await as(token).list();
    await as(token).remove(first?.id ?? '');
    await add();
  });

  it('holds under parallel creation', async () => {
    const results = await Promise.all(Array.from({ length: MAX_ADDRESSES_PER_SHOPPER + 5 }, () => as(token).create(home)));
    const statuses = results.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(MAX_ADDRESSES_PER_SHOPPER);
    expect(statuses.filter((status) => status === 409)).toHaveLength(5);
    const items = await as(token).list();
    expect(items).toHaveLength(MAX_ADDRESSES_PER_SHOPPER);
    expect(defaultsOf(items)).toHaveLength(1);
  });
});

describe('ownership', () => {
  it("keeps a shopper away from another shopper's addresses: 404 for reading, changing, deleting or making it default", async () => {
    const mine = await add();
    const { token: stranger } = await createTestShopper(db);
    expect(await as(stranger).list()).toEqual([]);
    for (const response of [
      await as(stranger).get(mine.id),
      await as(stranger).update(mine.id, { ...home, recipientName: '冒名' }),
      await as(stranger).remove(mine.id),
      await as(stranger).makeDefault(mine.id),
    ]) {
      expect(response.status).toBe(404);
      expect(codeOf(response.body)).toBe('NOT_FOUND');
    }
    expect((await as(token).get(mine.id)).body.address).toEqual(mine);
    // The stranger's own book stays separate: their first address is their default.
    expect((await add(home, stranger)).isDefault).toBe(true);
    expect(defaultsOf(await as(token).list())).toEqual([mine.id]);
  });
});

describe('bad input', () => {
  const cases: [string, object][] = [
    ['no recipient', { ...home, recipientName: undefined }],
    ['a blank recipient', { ...home, recipientName: '   ' }],
    ['a recipient too long', { ...home, recipientName: '名'.repeat(21) }],
    ['a recipient with a line break', { ...home, recipientName: '王\n明' }],
    ['no phone', { ...home, phone: undefined }],
    ['a landline', { ...home, phone: '02112345678' }],
    ['a phone starting 12', { ...home, phone: '12812345678' }],
    ['a phone of 10 digits', { ...home, phone: '1381234567' }],
    ['a phone of 12 digits', { ...home, phone: '138123456789' }],
    ['a phone with a country code', { ...home, phone: '+8613812345678' }],
    ['a phone as a number', { ...home, phone: 13812345678 }],
    ['no province', { ...home, province: undefined }],
    ['a blank city', { ...home, city: '' }],
    ['a district too long', { ...home, district: '区'.repeat(21) }],
    ['a detail too long', { ...home, detail: '址'.repeat(121) }],
    ['isDefault as text', { ...home, isDefault: 'yes' }],
    ['an unknown field', { ...home, shopperId: '0123456789abcdef01234567' }],
    ['an array', [home]],
  ];

  it.each(cases)('refuses %s on create with 400 VALIDATION_FAILED, writing nothing', async (_case, body) => {
    const response = await as(token).create(body);
    expect(response.status).toBe(400);
    expect(codeOf(response.body)).toBe('VALIDATION_FAILED');
    expect(await as(token).list()).toEqual([]);
  });

  it.each(cases)('refuses %s on update with 400 VALIDATION_FAILED, changing nothing', async (_case, body) => {
    const address = await add();
    const response = await as(token).update(address.id, body);
    expect(response.status).toBe(400);
    expect(codeOf(response.body)).toBe('VALIDATION_FAILED');
    expect(await as(token).list()).toEqual([address]);
  });

  it.each([
    ['a short id', 'abc'],
    ['a non-hex id', 'zzzzzzzzzzzzzzzzzzzzzzzz'],
    ['an upper-case id', '0123456789ABCDEF01234567'],
  ])('refuses %s in the path with 400 VALIDATION_FAILED', async (_case, id) => {
    for (const response of [
      await as(token).get(id),
      await as(token).update(id, home),
      await as(token).remove(id),
      await as(token).makeDefault(id),
    ]) {
      expect(response.status).toBe(400);
      expect(codeOf(response.body)).toBe('VALIDATION_FAILED');
    }
  });

  it('answers a malformed JSON body with 400 MALFORMED_REQUEST', async () => {
    const response = await api.http
      .post('/api/shopper/addresses')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"recipientName": ');
    expect(response.status).toBe(400);
    expect(codeOf(response.body)).toBe('MALFORMED_REQUEST');
    expect(await as(token).list()).toEqual([]);
  });
});
