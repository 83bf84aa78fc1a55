import { staffRoles, type Guide, type StaffRole, type Store } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { ensureGuideIndexes, guideModels, type GuideModels } from '../guides/models.ts';
import { createStaffAccount, signIn, testApp, type TestApp } from './app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from './database.ts';

export interface GuideTestContext {
  server: TestDatabaseServer;
  db: Database;
  api: TestApp;
  models: GuideModels;
  /** A signed-in staff member of each role. */
  tokens: Record<StaffRole, string>;
  stop(): Promise<void>;
}

/** An app on a fresh database with one signed-in staff member per role. */
export async function startGuideTest(): Promise<GuideTestContext> {
  const server = await startTestDatabaseServer();
  const db = await server.connect();
  const api = testApp(db);
  const models = guideModels(db.connection);
  await ensureGuideIndexes(models);
  const tokens = {} as Record<StaffRole, string>;
  for (const role of staffRoles) {
    const username = `guides-${role}`.replace('_', '-');
    await createStaffAccount(db, { username, role, ...(role === 'store_manager' && { storeId: 'sh-01' }) });
    tokens[role] = await signIn(api.http, username);
  }
  return { server, db, api, models, tokens, stop: () => server.stop() };
}

export async function addStore(context: GuideTestContext, name: string): Promise<Store> {
  const response = await context.api.http.post('/api/admin/stores').set('Authorization', `Bearer ${context.tokens.owner}`).send({ name });
  if (response.status !== 201) throw new Error(`store creation failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { store: Store }).store;
}

export async function addGuide(context: GuideTestContext, fields: { name: string; storeId: string; wecomUserId?: string }): Promise<Guide> {
  const response = await context.api.http.post('/api/admin/guides').set('Authorization', `Bearer ${context.tokens.owner}`).send(fields);
  if (response.status !== 201) throw new Error(`guide creation failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { guide: Guide }).guide;
}

/** An invitation code for the guide, issued by the owner. */
export async function inviteGuide(context: GuideTestContext, guideId: string): Promise<string> {
  const response = await context.api.http
    .post(`/api/admin/guides/${guideId}/invitations`)
    .set('Authorization', `Bearer ${context.tokens.owner}`);
  if (response.status !== 201) throw new Error(`invitation failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { invitation: { code: string } }).invitation.code;
}
