/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.gif';
declare module '*.jpg';
declare module '*.jpeg';
declare module '*.svg';
declare module '*.css';
declare module '*.scss';
declare module '*.sass';

/** The API's base URL, set by `defineConstants` in config/index.ts; empty means the page's own origin (H5). */
declare const API_BASE_URL: string;

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production';
    /** The platform being built. */
    TARO_ENV: 'weapp' | 'h5';
    /** The API's base URL for this build (see config/index.ts); empty means the same origin. */
    TARO_APP_API_BASE_URL?: string;
  }
}
