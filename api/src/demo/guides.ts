import type { Logger } from 'pino';
import type { GuideDependencies } from '../guides/dependencies.ts';
import { createGuide, createStore } from '../guides/service.ts';
import { demoStores } from './stores.ts';

/** Fills an empty guide roster with the demo stores and guides; does nothing once any store exists. */
export async function seedDemoGuides(deps: GuideDependencies, log: Logger): Promise<{ seeded: boolean; stores: number; guides: number }> {
  if ((await deps.models.Store.exists({})) !== null) return { seeded: false, stores: 0, guides: 0 };
  let guides = 0;
  for (const demo of demoStores) {
    const store = await createStore(deps.models, { name: demo.name, address: demo.address, phone: demo.phone });
    for (const guide of demo.guides) {
      await createGuide(deps, { ...guide, storeId: store.id });
      guides += 1;
    }
  }
  log.info({ stores: demoStores.length, guides }, 'seeded the demo stores and guides');
  return { seeded: true, stores: demoStores.length, guides };
}
