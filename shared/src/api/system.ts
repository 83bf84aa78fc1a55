import { z } from 'zod';

/** Where the API's data lives: the embedded development engine, or a real MongoDB. */
export const databaseModeSchema = z.enum(['embedded', 'mongodb']);
export type DatabaseMode = z.infer<typeof databaseModeSchema>;

export const healthReplySchema = z.object({
  status: z.literal('ok'),
  db: z.object({ mode: databaseModeSchema }),
  /** True when WeChat, WeChat Pay or WeCom calls go to the local sandbox instead of the real platforms. */
  sandbox: z.boolean(),
  version: z.string(),
});
export type HealthReply = z.infer<typeof healthReplySchema>;
