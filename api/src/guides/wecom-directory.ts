import type { Logger } from 'pino';
import type { GuideDependencies } from './dependencies.ts';
import type { GuideRecord } from './models.ts';

/** Tells the WeCom directory a guide has this userid; the guide stays saved when it cannot be told (WeCom's own console can). */
export async function announceWecomMember(
  deps: Pick<GuideDependencies, 'wecomDirectory'>,
  guide: { id: string; name: string; wecomUserId: string | null },
  log: Logger,
): Promise<void> {
  if (guide.wecomUserId === null) return;
  await deps.wecomDirectory
    .memberAssigned({ userId: guide.wecomUserId, name: guide.name })
    .catch((error: unknown) => log.warn({ err: error, guideId: guide.id }, 'could not add the guide to the WeCom directory'));
}

/** At start: every active guide's userid, so a sandbox started afresh knows the guides the database has. */
export async function announceAllWecomMembers(deps: Pick<GuideDependencies, 'models' | 'wecomDirectory'>, log: Logger): Promise<void> {
  const guides = await deps.models.Guide.find({ status: 'active', wecomUserId: { $exists: true } }, { name: 1, wecomUserId: 1 }).lean<
    Pick<GuideRecord, '_id' | 'name' | 'wecomUserId'>[]
  >();
  for (const guide of guides) {
    await announceWecomMember(deps, { id: guide._id.toHexString(), name: guide.name, wecomUserId: guide.wecomUserId ?? null }, log);
  }
}
