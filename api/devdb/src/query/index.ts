/**
 * The engine's query semantics — filters, updates, upserts, sorts, projections and aggregation —
 * as MongoDB defines them. Built on mingo, which stays behind this module: nothing else imports it.
 */
export { compileFilter } from './filter.ts';
export { type PipelineContext, runPipeline } from './pipeline.ts';
export { compileProjection } from './projection.ts';
export { compileSort } from './sort.ts';
export { applyUpdate, type UpdateOptions, type UpdateResult } from './update.ts';
export { upsertSeed } from './upsert.ts';
