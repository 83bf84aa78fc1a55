import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** The API's default development address: `npm run dev` forwards /api there, so the console and the API share an origin as in production. */
const API_DEV_ADDRESS = 'http://127.0.0.1:3000';

export default defineConfig({
  // The API serves the built console at /admin/; the dev server uses the same path.
  base: '/admin/',
  plugins: [react()],
  build: {
    // Ant Design is one ~850 kB chunk (270 kB gzipped), fetched once and cached as an immutable asset.
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        // Libraries change far less often than the console: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/ },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+)[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': API_DEV_ADDRESS },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testing/setup.ts'],
  },
});
