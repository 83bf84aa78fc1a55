import { defineConfig } from 'vitest/config';

/** The miniprogram-automator specs (automator/): Node, no mocks, one file at a time against a real DevTools. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['automator/**/*.automator.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
  },
});
