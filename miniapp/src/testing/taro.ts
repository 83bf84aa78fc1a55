// What the tests use in place of `@tarojs/taro` (see vitest.config.mts): `request` is a mock each test answers.
import { vi } from 'vitest';

export interface RequestOption {
  url: string;
  method?: string;
  header?: Record<string, string>;
  data?: unknown;
}

export interface RequestReply {
  statusCode: number;
  data: unknown;
}

export const request = vi.fn<(option: RequestOption) => Promise<RequestReply>>();

export default { request };
