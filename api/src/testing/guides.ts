import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GUIDE_CODE_LENGTH, type Guide, type StaffRole, type Store } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { ensureGuideIndexes, guideModels, type GuideModels, type GuideRecord, type StoreRecord } from '../guides/models.ts';
import { randomCode } from '../guides/service.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import { signInEveryRole, testApp, type TestApp } from './app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from './database.ts';

export interface GuideTestContext {
  server: TestDatabaseServer;
  db: Database;
  api: TestApp;
  models: GuideModels;
  /** The app's image storage directory (avatars, mini-program codes, posters), removed by `stop`. */
  uploadsDir: string;
  /** A signed-in staff member of each role. */
  tokens: Record<StaffRole, string>;
  stop(): Promise<void>;
}

/** An app on a fresh database and image directory (configured with `env` too) with one signed-in staff member per role. */
export async function startGuideTest(options: { env?: Record<string, string> } = {}): Promise<GuideTestContext> {
  const server = await startTestDatabaseServer();
  const db = await server.connect();
  const uploadsDir = await mkdtemp(path.join(tmpdir(), 'mall-guide-images-'));
  const env = { UPLOADS_DIR: uploadsDir, ...options.env };
  const api = testApp(db, { env });
  const models = guideModels(db.connection);
  await ensureGuideIndexes(models);
  const tokens = await signInEveryRole(db, api.http, 'guides');
  return {
    server,
    db,
    api,
    models,
    uploadsDir,
    tokens,
    async stop() {
      await server.stop();
      await rm(uploadsDir, { recursive: true, force: true });
    },
  };
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

/** A store written straight into the database (the guides' own tests cover the admin API). */
export async function addTestStore(deps: Pick<CommerceDependencies, 'guides'>, name: string): Promise<StoreRecord> {
  const now = new Date();
  return (await deps.guides.Store.create({ name, address: '', phone: '', status: 'active', createdAt: now, updatedAt: now })).toObject();
}

export async function addTestGuide(
  deps: Pick<CommerceDependencies, 'guides'>,
  store: StoreRecord,
  name: string,
  fields: Partial<GuideRecord> = {},
): Promise<GuideRecord> {
  const now = new Date();
  const guide = await deps.guides.Guide.create({
    name,
    code: randomCode(GUIDE_CODE_LENGTH),
    storeId: store._id,
    phone: '',
    status: 'active',
    createdAt: now,
    updatedAt: now,
    ...fields,
  });
  return guide.toObject();
}
