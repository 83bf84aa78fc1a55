import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext, AppMiddleware } from '../http/context.ts';
import { AppError } from '../http/errors.ts';

/** A single-page front end built into static files, which the API serves under its own path. */
export interface BuiltApp {
  /** What people call it, for log lines and errors. */
  name: string;
  /** Where it is served, with a trailing slash: `/admin/`. */
  mountPath: string;
  /** The build's output folder. */
  distDir: string;
  /** The command that builds it, named in the 404 when it is not built. */
  buildCommand: string;
  /** Folders of the build (relative, with a trailing slash) whose file names carry a content hash. */
  hashedAssetDirs: readonly string[];
  /** The policy sent with index.html; `inlineScriptHashes` are the CSP hashes of its inline scripts. */
  contentSecurityPolicy(inlineScriptHashes: readonly string[]): string;
}

const fromRepo = (relative: string) => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

/** Directives both front ends share: nothing from other origins, no plugins, no framing. */
const SAME_ORIGIN_ONLY = ["default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"];

/** The merchant console (`npm run build -w @mall/admin`, Vite). */
export const ADMIN_CONSOLE: BuiltApp = {
  name: 'admin console',
  mountPath: '/admin/',
  distDir: fromRepo('admin/dist/'),
  buildCommand: 'npm run build -w @mall/admin',
  // Vite puts every built file except index.html under assets/ with a content hash in its name.
  hashedAssetDirs: ['assets/'],
  // Ant Design injects its styles as inline <style> elements, hence 'unsafe-inline' for styles.
  contentSecurityPolicy: () =>
    [...SAME_ORIGIN_ONLY, "script-src 'self'", "style-src 'self' 'unsafe-inline'", "connect-src 'self'"].join('; '),
};

/** The CSP hash of `javascript:;`: browsers hash a javascript: URL whole, scheme included. */
const NO_OP_JAVASCRIPT_URL_HASH = `sha256-${createHash('sha256').update('javascript:;').digest('base64')}`;

/** The storefront's H5 build (`npm run build:h5 -w @mall/miniapp`, Taro), the same pages as the mini-program. */
export const STOREFRONT_H5: BuiltApp = {
  name: 'H5 storefront',
  mountPath: '/shop/',
  distDir: fromRepo('miniapp/dist/h5/'),
  buildCommand: 'npm run build:h5 -w @mall/miniapp',
  // miniapp/config/index.ts names scripts, styles and static files with their content hash.
  hashedAssetDirs: ['js/', 'css/', 'static/'],
  // Taro inlines a small script that sizes the root font to the screen, allowed by its hash; its tab bar
  // items are <a href="javascript:;"> links, allowed by that exact no-op's hash (only 'unsafe-hashes' lets a
  // hash match a javascript: URL); its components set inline styles; product images may be data: or blob:
  // URLs (previews before upload).
  contentSecurityPolicy: (inlineScriptHashes) =>
    [
      ...SAME_ORIGIN_ONLY,
      ["script-src 'self'", ...inlineScriptHashes.map((hash) => `'${hash}'`), "'unsafe-hashes'", `'${NO_OP_JAVASCRIPT_URL_HASH}'`].join(
        ' ',
      ),
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self'",
    ].join('; '),
};

/** The file whose presence means the app is built. */
export function builtIndexFile(app: Pick<BuiltApp, 'distDir'>): string {
  return path.join(path.resolve(app.distDir), 'index.html');
}

/** Whether the app's build exists now. */
export async function isBuilt(app: Pick<BuiltApp, 'distDir'>): Promise<boolean> {
  return isFile(builtIndexFile(app));
}

/**
 * Serves a built app under its mount path (and `/mount` without the slash redirects there). Looks for
 * the build on every request, so a build made while the API runs is served without a restart.
 *
 * Files are served only from inside `distDir`. Paths that name no file and have no extension are
 * client-side routes and get index.html; a missing file with an extension is a 404, so a stale script
 * reference fails loudly instead of receiving HTML. Hashed assets are cached for a year as immutable;
 * everything else, index.html included, is revalidated on every load, so a new build is picked up at once.
 */
export function serveBuiltApp(app: BuiltApp): AppMiddleware {
  const root = path.resolve(app.distDir);
  const indexFile = builtIndexFile(app);
  const bareMountPath = app.mountPath.slice(0, -1);

  return async (ctx, next) => {
    if (ctx.path === bareMountPath) {
      if (!isRead(ctx)) return next();
      ctx.redirect(`${app.mountPath}${ctx.search}`);
      return;
    }
    if (!ctx.path.startsWith(app.mountPath)) return next();
    if (!(await isFile(indexFile))) {
      throw new AppError('NOT_FOUND', { details: { reason: `the ${app.name} is not built: run ${app.buildCommand}` } });
    }
    if (!isRead(ctx)) throw new AppError('METHOD_NOT_ALLOWED', { headers: { Allow: 'GET, HEAD' } });

    const relative = decodedPath(ctx.path.slice(app.mountPath.length));
    if (relative === null) throw new AppError('NOT_FOUND');
    const file = path.resolve(root, relative);
    // `..` segments, encoded or not, and absolute paths may resolve anywhere: only files under root are served.
    if (file !== root && !file.startsWith(`${root}${path.sep}`)) throw new AppError('NOT_FOUND');

    if (file !== indexFile && (await isFile(file))) {
      const hashed = app.hashedAssetDirs.some((dir) => relative.startsWith(dir));
      await sendFile(ctx, file, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      return;
    }
    if (file !== indexFile && path.extname(relative) !== '') throw new AppError('NOT_FOUND');
    await sendIndex(ctx, app, indexFile);
  };
}

/** `/` goes to the first of `apps` that is built (the storefront before the console); nothing when none is. */
export function redirectRootToBuiltApp(apps: readonly BuiltApp[]): AppMiddleware {
  return async (ctx, next) => {
    if (ctx.path !== '/' || !isRead(ctx)) return next();
    for (const app of apps) {
      if (await isBuilt(app)) {
        ctx.redirect(`${app.mountPath}${ctx.search}`);
        return;
      }
    }
    return next();
  };
}

/** The CSP source expressions (`sha256-…`) of the inline scripts of an HTML page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const [, attributes = '', content = ''] = match;
    if (/\bsrc\s*=/i.test(attributes) || content === '') continue;
    hashes.push(`sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}`);
  }
  return hashes;
}

function isRead(ctx: AppContext): boolean {
  return ctx.method === 'GET' || ctx.method === 'HEAD';
}

/** Null for malformed percent-encoding and for NUL bytes, which no built file has in its name. */
function decodedPath(encoded: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  return decoded.includes('\0') ? null : decoded;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Sets the headers every served file gets; true when the client's copy is current (the reply is a 304). */
async function prepareFileReply(ctx: AppContext, file: string, cacheControl: string): Promise<{ fresh: boolean; size: number }> {
  const stats = await stat(file);
  ctx.status = 200;
  ctx.type = path.extname(file);
  ctx.lastModified = stats.mtime;
  ctx.set('Cache-Control', cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (ctx.fresh) ctx.status = 304;
  return { fresh: ctx.fresh, size: stats.size };
}

async function sendFile(ctx: AppContext, file: string, cacheControl: string): Promise<void> {
  const { fresh, size } = await prepareFileReply(ctx, file, cacheControl);
  if (fresh) return;
  ctx.length = size;
  // A HEAD reply never reads its body: opening the file would only hold a descriptor.
  if (ctx.method === 'GET') ctx.body = createReadStream(file);
}

/** index.html is small and its policy depends on its inline scripts: read whole, sent with its CSP. */
async function sendIndex(ctx: AppContext, app: BuiltApp, indexFile: string): Promise<void> {
  const html = await readFile(indexFile);
  const { fresh } = await prepareFileReply(ctx, indexFile, 'no-cache');
  ctx.set('Content-Security-Policy', app.contentSecurityPolicy(inlineScriptHashes(html.toString('utf8'))));
  if (fresh) return;
  ctx.length = html.length;
  if (ctx.method === 'GET') ctx.body = html;
}
