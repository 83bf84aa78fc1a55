import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, staffRoles, type StaffRole } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { createStaffAccount, signIn, testApp, TEST_PASSWORD, type TestApp } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { allowedRoles, rolesByPermission } from '@mall/shared';

/** The matrix written out by hand, so a change to shared/src/api/permissions.ts has to be made twice on purpose. */
const expected: Record<string, Record<StaffRole, number>> = {
  'GET /api/staff/me': { owner: 200, operator: 200, store_manager: 200, viewer: 200 },
  'GET /api/staff': { owner: 200, operator: 200, store_manager: 403, viewer: 403 },
  'POST /api/staff': { owner: 201, operator: 403, store_manager: 403, viewer: 403 },
};

let server: TestDatabaseServer;
let db: Database;
let api: TestApp;
const tokens = {} as Record<StaffRole, string>;
let created = 0;

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  api = testApp(db);
  for (const role of staffRoles) {
    await createStaffAccount(db, {
      username: `the-${role}`.replace('_', '-'),
      role,
      ...(role === 'store_manager' && { storeId: 'sh-01' }),
    });
    tokens[role] = await signIn(api.http, `the-${role}`.replace('_', '-'));
  }
});

afterAll(async () => {
  await server.stop();
});

function call(endpoint: string, token?: string) {
  const [method, path] = endpoint.split(' ') as ['GET' | 'POST', string];
  const request =
    method === 'GET'
      ? api.http.get(path)
      : api.http.post(path).send({ username: `new-${(created += 1)}`, password: TEST_PASSWORD, role: 'viewer' });
  return token ? request.set('Authorization', `Bearer ${token}`) : request;
}

describe('role matrix', () => {
  it('is what shared/src/api/permissions.ts declares', () => {
    expect(rolesByPermission).toEqual({
      'staff.list': ['owner', 'operator'],
      'staff.create': ['owner'],
      'catalog.read': ['owner', 'operator', 'store_manager', 'viewer'],
      'catalog.write': ['owner', 'operator'],
      'orders.read': ['owner', 'operator', 'store_manager', 'viewer'],
      'orders.write': ['owner', 'operator', 'store_manager'],
      'after_sales.read': ['owner', 'operator', 'store_manager', 'viewer'],
      'after_sales.write': ['owner', 'operator', 'store_manager'],
      'guides.read': ['owner', 'operator', 'store_manager', 'viewer'],
      'guides.write': ['owner', 'operator'],
      'customers.read': ['owner', 'operator', 'store_manager', 'viewer'],
      'settings.write': ['owner', 'operator'],
    });
    expect(allowedRoles('public')).toBeNull();
    expect(allowedRoles('signed-in')).toEqual(staffRoles);
  });

  for (const [endpoint, byRole] of Object.entries(expected)) {
    for (const role of staffRoles) {
      it(`${role}: ${endpoint} → ${byRole[role]}`, async () => {
        const response = await call(endpoint, tokens[role]);
        expect(response.status).toBe(byRole[role]);
        if (byRole[role] === 403) expect(errorEnvelopeSchema.parse(response.body).error.code).toBe('FORBIDDEN');
      });
    }

    it(`anonymous: ${endpoint} → 401`, async () => {
      const response = await call(endpoint);
      expect(response.status).toBe(401);
      expect(errorEnvelopeSchema.parse(response.body).error.code).toBe('UNAUTHENTICATED');
    });
  }

  it('checks the role before the body, so a forbidden caller learns nothing from validation', async () => {
    const response = await api.http.post('/api/staff').set('Authorization', `Bearer ${tokens.viewer}`).send({ nonsense: true });
    expect(response.status).toBe(403);
  });
});

describe('POST /api/staff', () => {
  it('creates an account that can sign in, with a normalised username', async () => {
    const response = await api.http
      .post('/api/staff')
      .set('Authorization', `Bearer ${tokens.owner}`)
      .send({ username: ' Lin.Store ', password: 'a long enough password', role: 'store_manager', storeId: 'hz-02' });
    expect(response.status).toBe(201);
    expect(response.body.staff).toMatchObject({ username: 'lin.store', role: 'store_manager', storeId: 'hz-02', active: true });
    expect(response.text).not.toContain('password');
    await signIn(api.http, 'lin.store', 'a long enough password');

    const list = await api.http.get('/api/staff').set('Authorization', `Bearer ${tokens.operator}`);
    expect(list.body.items.map((staff: { username: string }) => staff.username)).toContain('lin.store');
  });

  it('refuses a username already taken with 409 CONFLICT', async () => {
    const response = await api.http
      .post('/api/staff')
      .set('Authorization', `Bearer ${tokens.owner}`)
      .send({ username: 'THE-VIEWER', password: TEST_PASSWORD, role: 'viewer' });
    expect(response.status).toBe(409);
    expect(errorEnvelopeSchema.parse(response.body).error).toMatchObject({ code: 'CONFLICT', details: { field: 'username' } });
  });

  it('needs a store for a store manager', async () => {
    const response = await api.http
      .post('/api/staff')
      .set('Authorization', `Bearer ${tokens.owner}`)
      .send({ username: 'no-store', password: TEST_PASSWORD, role: 'store_manager' });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ in: 'body', path: ['storeId'] })]);
  });
});
