import { GUIDE_CODE_LENGTH, type Guide, type Store } from '@mall/shared';
import { ensureGuideIndexes, guideModels, type GuideModels, type GuideRecord, type StoreRecord } from '../guides/models.ts';
import { randomCode } from '../guides/service.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import { startStaffAppTest, type StaffAppTest } from './app.ts';

export interface GuideTestContext extends StaffAppTest {
  models: GuideModels;
}

/** An app on a fresh database and image directory (configured with `env` too) with one signed-in staff member per role. */
export async function startGuideTest(options: { env?: Record<string, string> } = {}): Promise<GuideTestContext> {
  const context = await startStaffAppTest('guides', options.env);
  const models = guideModels(context.db.connection);
  await ensureGuideIndexes(models);
  return { ...context, models };
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
