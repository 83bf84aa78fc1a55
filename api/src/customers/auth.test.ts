import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { createStaffAccount, signIn, testApp, type TestApp } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { createTestShopper } from '../testing/shoppers.ts';
import { customerModels } from './models.ts';
import { createShopperSession } from './sessions.ts';

/** The boundary between shopper and staff tokens, and the end of a shopper session. */

let server: TestDatabaseServer;
let db: Database;
let api: TestApp;
let staffToken: string;

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  api = testApp(db);
  await createStaffAccount(db, { username: 'boss', role: 'owner' });
  staffToken = await signIn(api.http, 'boss');
});

afterAll(async () => {
  await server.stop();
});

/** Routes of each side that any caller of that side may use. */
const SHOPPER_ROUTE = '/api/shopper/me';
const STAFF_ROUTE = '/api/staff/me';

async function expectUnauthenticated(path: string, authorization?: string): Promise<void> {
  const request = api.http.get(path);
  if (authorization !== undefined) request.set('Authorization', authorization);
  const response = await request;
  expect(response.status).toBe(401);
  expect(errorEnvelopeSchema.parse(response.body).error.code).toBe('UNAUTHENTICATED');
}

describe('shopper routes', () => {
  it('open with a shopper token', async () => {
    const { token, shopper } = await createTestShopper(db);
    const response = await api.http.get(SHOPPER_ROUTE).set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.body.shopper.id).toBe(shopper._id.toHexString());
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic c2hvcHBlcjpwdw=='],
    ['a malformed token', 'Bearer not-a-token'],
    ['an unknown token', `Bearer ${'B'.repeat(43)}`],
  ])('refuse %s with 401', async (_case, header) => {
    await expectUnauthenticated(SHOPPER_ROUTE, header);
  });

  it('refuse a staff token with 401', async () => {
    expect((await api.http.get(STAFF_ROUTE).set('Authorization', `Bearer ${staffToken}`)).status).toBe(200);
    await expectUnauthenticated(SHOPPER_ROUTE, `Bearer ${staffToken}`);
    const addresses = await api.http.get('/api/shopper/addresses').set('Authorization', `Bearer ${staffToken}`);
    expect(addresses.status).toBe(401);
  });

  it('refuse an expired session with 401', async () => {
    const { token, shopper } = await createTestShopper(db);
    await customerModels(db.connection).ShopperSession.updateMany(
      { shopperId: shopper._id },
      { $set: { expiresAt: new Date(Date.now() - 1) } },
    );
    await expectUnauthenticated(SHOPPER_ROUTE, `Bearer ${token}`);
  });

  it('refuse a logged-out session with 401, leaving other sessions of the shopper alive', async () => {
    const { token: phone, shopper } = await createTestShopper(db);
    const tablet = await createShopperSession(customerModels(db.connection), shopper._id, new Date());
    const logout = await api.http.post('/api/shopper/logout').set('Authorization', `Bearer ${phone}`);
    expect(logout.status).toBe(204);
    await expectUnauthenticated(SHOPPER_ROUTE, `Bearer ${phone}`);
    expect((await api.http.post('/api/shopper/logout').set('Authorization', `Bearer ${phone}`)).status).toBe(401);
    expect((await api.http.get(SHOPPER_ROUTE).set('Authorization', `Bearer ${tablet.token}`)).status).toBe(200);
  });

  it('check the token before the body', async () => {
    const response = await api.http.post('/api/shopper/addresses').send({ nonsense: true });
    expect(response.status).toBe(401);
  });
});

describe('staff routes', () => {
  it('refuse a shopper token with 401', async () => {
    const { token } = await createTestShopper(db);
    await expectUnauthenticated(STAFF_ROUTE, `Bearer ${token}`);
    const list = await api.http.get('/api/staff').set('Authorization', `Bearer ${token}`);
    expect(list.status).toBe(401);
  });
});
