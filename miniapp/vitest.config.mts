import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // Taro's runtime needs a mini-program or its H5 router; tests render pages in jsdom against these instead.
      '@tarojs/taro': fromHere('./src/testing/taro.ts'),
      '@tarojs/components': fromHere('./src/testing/taro-components.tsx'),
    },
  },
  define: {
    API_BASE_URL: JSON.stringify('http://api.test'),
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
