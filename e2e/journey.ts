import type { Locator, Page } from 'playwright-core';
import type { HealthReply } from '@mall/shared';

export interface Step {
  name: string;
  /** File name of the screenshot taken after the step (also after a failure, with "-failed"). */
  screenshot: string;
  run(): Promise<void>;
}

export interface JourneySetup {
  page: Page;
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  owner: { username: string; password: string };
  health: HealthReply;
}

/** Waits until the first match is shown. */
export async function visible(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible' });
}
