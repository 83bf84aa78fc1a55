interface ImportMetaEnv {
  /** The API's base URL when it is not the console's own origin (e.g. http://127.0.0.1:3000). */
  readonly VITE_API_BASE_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
