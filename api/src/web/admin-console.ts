import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext, AppMiddleware } from '../http/context.ts';
import { AppError } from '../http/errors.ts';

/** Where `npm run build -w @mall/admin` writes the console. */
export const ADMIN_DIST_DIR = fileURLToPath(new URL('../../../admin/dist/', import.meta.url));

export const ADMIN_PATH = '/admin/';

/** The file whose presence means the console is built. */
export function adminIndexFile(distDir: string): string {
  return path.join(path.resolve(distDir), 'index.html');
}

/** Vite puts every built file except index.html under assets/ with a content hash in its name. */
const HASHED_ASSETS_DIR = 'assets/';

/**
 * The console's own policy: scripts and styles from this origin only (Ant Design injects its styles as
 * inline <style> elements, hence 'unsafe-inline' for styles), API calls to this origin.
 */
export const ADMIN_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built admin console at /admin/ (and sends `/` there) when `distDir` holds a build; looks
 * for it on every request, so a build made while the API runs is served without a restart.
 *
 * Files are served only from inside `distDir`. Paths under /admin/ that name no file and have no
 * extension are client-side routes and get index.html; a missing file with an extension is a 404, so
 * a stale script reference fails loudly instead of receiving HTML. Hashed assets are cached for a year
 * as immutable; index.html is revalidated on every load, so a new build is picked up at once.
 */
export function serveAdminConsole(distDir: string): AppMiddleware {
  const root = path.resolve(distDir);
  const indexFile = adminIndexFile(root);

  return async (ctx, next) => {
    if (ctx.path === '/' || ctx.path === ADMIN_PATH.slice(0, -1)) {
      if (!isRead(ctx) || !(await isFile(indexFile))) return next();
      ctx.redirect(`${ADMIN_PATH}${ctx.search}`);
      return;
    }
    if (!ctx.path.startsWith(ADMIN_PATH)) return next();
    if (!(await isFile(indexFile))) {
      throw new AppError('NOT_FOUND', { details: { reason: 'the admin console is not built: run npm run build -w @mall/admin' } });
    }
    if (!isRead(ctx)) throw new AppError('METHOD_NOT_ALLOWED', { headers: { Allow: 'GET, HEAD' } });

    const relative = decodedPath(ctx.path.slice(ADMIN_PATH.length));
    if (relative === null) throw new AppError('NOT_FOUND');
    const file = path.resolve(root, relative);
    // `..` segments, encoded or not, and absolute paths may resolve anywhere: only files under root are served.
    if (file !== root && !file.startsWith(`${root}${path.sep}`)) throw new AppError('NOT_FOUND');

    if (await isFile(file)) {
      await sendFile(ctx, file, relative.startsWith(HASHED_ASSETS_DIR) ? 'public, max-age=31536000, immutable' : 'no-cache');
      return;
    }
    if (path.extname(relative) !== '') throw new AppError('NOT_FOUND');
    await sendFile(ctx, indexFile, 'no-cache');
  };
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

async function sendFile(ctx: AppContext, file: string, cacheControl: string): Promise<void> {
  const stats = await stat(file);
  ctx.status = 200;
  ctx.type = path.extname(file);
  ctx.lastModified = stats.mtime;
  ctx.set('Cache-Control', cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (ctx.type === 'text/html') ctx.set('Content-Security-Policy', ADMIN_CONTENT_SECURITY_POLICY);
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.length = stats.size;
  // A HEAD reply never reads its body: opening the file would only hold a descriptor.
  if (ctx.method === 'GET') ctx.body = createReadStream(file);
}
