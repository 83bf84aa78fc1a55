import type { JobDefinition } from '../jobs/scheduler.ts';
import type { InheritanceDependencies } from './dependencies.ts';
import { resumeStalledHandovers } from './service.ts';
import { checkTransfers, requestTransfers } from './transfers.ts';

export const HANDOVERS_JOB = 'inheritance.handovers';

/**
 * Every minute: handovers whose run died are taken up, pending WeCom transfers requested (retries included), and
 * accepted ones whose check is due asked about (each at most hourly: WeCom settles them within 24 h).
 */
export function inheritanceJobs(deps: InheritanceDependencies): JobDefinition[] {
  return [
    {
      name: HANDOVERS_JOB,
      intervalMs: 60_000,
      run: async ({ now, log }) => {
        await resumeStalledHandovers(deps, now, log);
        await requestTransfers(deps, {}, now, log);
        await checkTransfers(deps, now, log);
      },
    },
  ];
}
