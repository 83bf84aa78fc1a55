import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localImageStorage } from '../catalog/image-storage.ts';
import type { GuideDependencies } from '../guides/dependencies.ts';
import { ensureGuideIndexes, guideModels } from '../guides/models.ts';
import { announceAllWecomMembers } from '../guides/wecom-directory.ts';
import { createLogger } from '../logger.ts';
import { miniProgramClientFromConfig } from '../platform/miniprogram/client.ts';
import { testConfig } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { seedDemoGuides } from './guides.ts';
import { demoStores } from './stores.ts';

let server: TestDatabaseServer;
let deps: GuideDependencies;
const announced: { userId: string; name: string }[] = [];
const log = createLogger('silent');

beforeAll(async () => {
  server = await startTestDatabaseServer();
  const db = await server.connect();
  const models = guideModels(db.connection);
  await ensureGuideIndexes(models);
  const config = testConfig();
  deps = {
    models,
    images: localImageStorage(config.uploadsDir),
    miniProgram: miniProgramClientFromConfig(config),
    h5Origin: config.h5Origin,
    wecomDirectory: { memberAssigned: async (member) => void announced.push(member) },
  };
});

afterAll(async () => {
  await server.stop();
});

describe('the demo guides', () => {
  it('fill an empty roster once, and every one of them is announced to the WeCom directory at start', async () => {
    const expectedGuides = demoStores.flatMap((store) => store.guides);
    expect(await seedDemoGuides(deps, log)).toEqual({ seeded: true, stores: demoStores.length, guides: expectedGuides.length });
    expect(await seedDemoGuides(deps, log)).toEqual({ seeded: false, stores: 0, guides: 0 });
    expect(await deps.models.Guide.countDocuments({ status: 'active' })).toBe(expectedGuides.length);

    await deps.models.Guide.updateOne({ wecomUserId: expectedGuides[0]?.wecomUserId }, { $set: { status: 'left' } });
    await announceAllWecomMembers(deps, log);
    expect(announced.map((member) => member.userId).sort()).toEqual(
      expectedGuides
        .slice(1)
        .map((guide) => guide.wecomUserId)
        .sort(),
    );
  });
});
