import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import developmentConfig from './dev';
import productionConfig from './prod';

/**
 * Where the storefront calls the API. The H5 build is served by the API at /shop/, so by default it calls
 * its own origin (empty); the mini-program calls the API's development address. `TARO_APP_API_BASE_URL`
 * (from the environment or a `.env.*` file) overrides either.
 */
const DEFAULT_API_BASE_URLS = { weapp: 'http://127.0.0.1:3000', h5: '' } as const;
const apiBaseUrl = process.env.TARO_APP_API_BASE_URL ?? DEFAULT_API_BASE_URLS[process.env.TARO_ENV];

/** Where the API serves the H5 build (api/src/web/built-app.ts, STOREFRONT_H5). */
const H5_MOUNT_PATH = '/shop/';

/** `@mall/shared` is TypeScript source (a workspace): Taro compiles it like the storefront's own code. */
const sharedSourceDir = path.resolve(__dirname, '../../shared/src');

/**
 * npm keeps `@tarojs/plugin-framework-react` in miniapp/node_modules (its optional `vite`/`@vitejs/plugin-react`
 * peers clash with the admin console's), where `@tarojs/taro-h5`, hoisted to the root, cannot see it: point
 * the H5 build at wherever it was installed.
 */
const reactFrameworkPluginDir = path.dirname(require.resolve('@tarojs/plugin-framework-react/package.json'));

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'guide-mall-miniapp',
    date: '2026-11-23',
    designWidth: 750,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    // dist/weapp for WeChat DevTools (the root project.config.json points there), dist/h5 for browsers.
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    defineConstants: {
      API_BASE_URL: JSON.stringify(apiBaseUrl),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: {
      // Webpack's persistent cache (node_modules/.cache): rebuilds take seconds instead of a cold build.
      enable: true,
    },
    mini: {
      compile: { include: [sharedSourceDir] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      publicPath: H5_MOUNT_PATH,
      // Real paths (/shop/pages/home/index?g=…) rather than #/…: shareable links keep their query, and the API
      // answers every extension-less path under /shop/ with index.html.
      router: { mode: 'browser', basename: H5_MOUNT_PATH.slice(0, -1) },
      staticDirectory: 'static',
      compile: { include: [sharedSourceDir] },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain(chain) {
        chain.resolve.alias.set('@tarojs/plugin-framework-react', reactFrameworkPluginDir);
        // Webpack's cache cannot serialize one module of @tarojs/components and says so on every build; that
        // module is simply rebuilt each time. Errors still show.
        chain.merge({ infrastructureLogging: { level: 'error' } });
        // React, react-dom and Taro's H5 runtime alone are ≈ 300 KiB minified (webpack's default hint is 244 KiB):
        // warn when the pages add more than ≈ 100 KiB to the first load.
        chain.performance.maxEntrypointSize(400 * 1024).maxAssetSize(300 * 1024);
        // Taro splits only the initial chunks, so every page's lazy chunk carried its own copy of zod and the shared
        // schemas (≈ 400 KiB each): split the pages too, so the code they share is one chunk, loaded once.
        chain.optimization.merge({ splitChunks: { chunks: 'all' } });
      },
    },
  };

  if (process.env.NODE_ENV === 'development') {
    // Development builds (--watch): not minified.
    return merge({}, baseConfig, developmentConfig);
  }
  return merge({}, baseConfig, productionConfig);
});
