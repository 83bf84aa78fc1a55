import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { testConfig } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { ADMIN_CONSOLE, STOREFRONT_H5, inlineScriptHashes, type BuiltApp } from './built-app.ts';

const INDEX_HTML = '<!doctype html><title>console</title><script type="module" src="/admin/assets/index-a1b2c3.js"></script>';
const SCRIPT = 'console.log("console");';
const SECRET = 'not for the browser';

let server: TestDatabaseServer;
let db: Database;
let workDir: string;
let distDir: string;
let listener: http.Server;
let agent: ReturnType<typeof request>;

const ADMIN_CONTENT_SECURITY_POLICY = ADMIN_CONSOLE.contentSecurityPolicy([]);

function appFor(adminDistDir: string, otherApps: BuiltApp[] = []) {
  return createApp({
    config: testConfig(),
    db,
    logger: createLogger('silent'),
    builtApps: [...otherApps, { ...ADMIN_CONSOLE, distDir: adminDistDir }],
  });
}

/**
 * Sends the path byte for byte: HTTP clients (supertest included) resolve `..` segments before sending,
 * which would hide exactly what these tests are about.
 */
function rawGet(requestPath: string): Promise<{ status: number; body: string }> {
  const { port } = listener.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: requestPath }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
  workDir = await mkdtemp(path.join(tmpdir(), 'mall-admin-console-'));
  distDir = path.join(workDir, 'dist');
  await mkdir(path.join(distDir, 'assets'), { recursive: true });
  await writeFile(path.join(distDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(distDir, 'assets', 'index-a1b2c3.js'), SCRIPT);
  await writeFile(path.join(distDir, 'assets', 'index-d4e5f6.css'), 'body { margin: 0 }');
  await writeFile(path.join(distDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  // Neighbours of the build that must stay out of reach: a file beside it, and a directory whose name starts like it.
  await writeFile(path.join(workDir, 'secret.txt'), SECRET);
  await mkdir(path.join(workDir, 'dist-private'));
  await writeFile(path.join(workDir, 'dist-private', 'key.txt'), SECRET);

  const app = appFor(distDir);
  agent = request(app.callback());
  listener = http.createServer(app.callback());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  await server.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe('the built admin console at /admin/', () => {
  it('serves index.html, revalidated on every load, with its content security policy', async () => {
    const response = await agent.get('/admin/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toBe(ADMIN_CONTENT_SECURITY_POLICY);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).toBe(INDEX_HTML);
  });

  it('answers client-side routes with index.html', async () => {
    for (const route of ['/admin/login', '/admin/staff', '/admin/orders/20260101000000018']) {
      const response = await agent.get(route);
      expect(response.status, route).toBe(200);
      expect(response.text, route).toBe(INDEX_HTML);
    }
  });

  it('serves hashed assets with their content type, cached as immutable', async () => {
    const script = await agent.get('/admin/assets/index-a1b2c3.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.headers['content-length']).toBe(String(Buffer.byteLength(SCRIPT)));
    expect(script.text).toBe(SCRIPT);

    const styles = await agent.get('/admin/assets/index-d4e5f6.css');
    expect(styles.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(styles.headers['content-security-policy']).toBeUndefined();
  });

  it('does not cache files outside assets/ as immutable: their names carry no hash', async () => {
    const icon = await agent.get('/admin/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing file with a 404 in the error envelope, not with index.html', async () => {
    const response = await agent.get('/admin/assets/index-gone00.js');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('serves nothing outside the build, however the path is written', async () => {
    for (const attempt of [
      '/admin/../secret.txt',
      '/admin/assets/../../secret.txt',
      '/admin/%2e%2e/secret.txt',
      '/admin/..%2fsecret.txt',
      '/admin/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/admin/../dist-private/key.txt',
      '/admin/..%2fdist-private%2fkey.txt',
      `/admin/${encodeURIComponent(path.join(workDir, 'secret.txt'))}`,
      `/admin//${path.join(workDir, 'secret.txt').slice(1)}`,
      '/admin/index.html%00.js',
      '/admin/%E0%A4%A',
    ]) {
      const response = await rawGet(attempt);
      expect(response.status, attempt).toBe(404);
      expect(response.body, attempt).not.toContain(SECRET);
      expect(JSON.parse(response.body), attempt).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('sends / and /admin to /admin/', async () => {
    const root = await agent.get('/');
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/admin/');
    const bare = await agent.get('/admin?from=mail');
    expect(bare.status).toBe(302);
    expect(bare.headers.location).toBe('/admin/?from=mail');
  });

  it('leaves /api/* to the API', async () => {
    const health = await agent.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok' });
    const unknown = await agent.get('/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers HEAD without a body and refuses writes', async () => {
    const head = await agent.head('/admin/assets/index-a1b2c3.js');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(SCRIPT)));
    expect(head.text).toBeUndefined();

    const post = await agent.post('/admin/staff').send({});
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(post.body).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('answers a conditional request for an unchanged file with 304', async () => {
    const modified = (await stat(path.join(distDir, 'index.html'))).mtime.toUTCString();
    const response = await agent.get('/admin/').set('If-Modified-Since', modified);
    expect(response.status).toBe(304);
    expect(response.text).toBe('');
  });
});

describe('without a build', () => {
  it('says so under /admin/, does not redirect /, and serves a build made while running', async () => {
    const emptyDir = path.join(workDir, 'not-built-yet');
    await mkdir(emptyDir);
    const app = request(appFor(emptyDir).callback());

    const console = await app.get('/admin/');
    expect(console.status).toBe(404);
    expect(console.body).toMatchObject({
      error: { code: 'NOT_FOUND', details: { reason: 'the admin console is not built: run npm run build -w @mall/admin' } },
    });
    expect((await app.get('/')).status).toBe(404);
    expect((await app.get('/api/health')).status).toBe(200);

    await writeFile(path.join(emptyDir, 'index.html'), INDEX_HTML);
    expect((await app.get('/admin/staff')).text).toBe(INDEX_HTML);
  });
});

describe('the H5 storefront at /shop/ beside the console', () => {
  const FONT_SIZE_SCRIPT = '!function(n){n.document.documentElement.style.fontSize="20px"}(window);';
  const STOREFRONT_HTML = `<!doctype html><title>导购商城</title><script>${FONT_SIZE_SCRIPT}</script><script defer="defer" src="/shop/js/app.1a2b3c4d.js"></script>`;
  let storefrontDir: string;
  let both: ReturnType<typeof request>;

  beforeAll(async () => {
    storefrontDir = path.join(workDir, 'h5');
    await mkdir(path.join(storefrontDir, 'js'), { recursive: true });
    await writeFile(path.join(storefrontDir, 'index.html'), STOREFRONT_HTML);
    await writeFile(path.join(storefrontDir, 'js', 'app.1a2b3c4d.js'), SCRIPT);
    both = request(appFor(distDir, [{ ...STOREFRONT_H5, distDir: storefrontDir }]).callback());
  });

  it('sends / to the storefront first, and /shop to /shop/', async () => {
    expect((await both.get('/')).headers.location).toBe('/shop/');
    expect((await both.get('/shop?g=A7K2')).headers.location).toBe('/shop/?g=A7K2');
  });

  it('serves its pages with a policy that allows exactly its inline script and the tab bar no-op links', async () => {
    const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    for (const route of ['/shop/', '/shop/pages/home/index', '/shop/index.html']) {
      const response = await both.get(route);
      expect(response.status, route).toBe(200);
      expect(response.text, route).toBe(STOREFRONT_HTML);
      const directives = new Map(
        String(response.headers['content-security-policy'])
          .split('; ')
          .map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1).join(' ')]),
      );
      expect(directives.get('script-src'), route).toBe(`'self' ${sha(FONT_SIZE_SCRIPT)} 'unsafe-hashes' ${sha('javascript:;')}`);
      expect(directives.get('connect-src'), route).toBe("'self'");
      expect(directives.get('default-src'), route).toBe("'self'");
      expect(directives.get('frame-ancestors'), route).toBe("'none'");
    }
  });

  it('caches its hashed scripts as immutable and keeps the console at /admin/', async () => {
    const script = await both.get('/shop/js/app.1a2b3c4d.js');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.text).toBe(SCRIPT);
    expect((await both.get('/shop/js/app.gone0000.js')).status).toBe(404);
    expect((await both.get('/admin/')).text).toBe(INDEX_HTML);
  });

  it('names its own build command when it is not built', async () => {
    const missing = request(appFor(distDir, [{ ...STOREFRONT_H5, distDir: path.join(workDir, 'no-h5') }]).callback());
    const response = await missing.get('/shop/');
    expect(response.status).toBe(404);
    expect(response.body.error.details.reason).toBe('the H5 storefront is not built: run npm run build:h5 -w @mall/miniapp');
    expect((await missing.get('/')).headers.location).toBe('/admin/');
  });
});

describe('inlineScriptHashes', () => {
  it('hashes inline scripts only, byte for byte', () => {
    const html = '<script src="/a.js"></script><script>one()</script><SCRIPT type="module">two()\n</SCRIPT><script></script>';
    const sha = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;
    expect(inlineScriptHashes(html)).toEqual([sha('one()'), sha('two()\n')]);
  });
});
