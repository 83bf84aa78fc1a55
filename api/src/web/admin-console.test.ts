import http from 'node:http';
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
import { ADMIN_CONTENT_SECURITY_POLICY } from './admin-console.ts';

const INDEX_HTML = '<!doctype html><title>console</title><script type="module" src="/admin/assets/index-a1b2c3.js"></script>';
const SCRIPT = 'console.log("console");';
const SECRET = 'not for the browser';

let server: TestDatabaseServer;
let db: Database;
let workDir: string;
let distDir: string;
let listener: http.Server;
let agent: ReturnType<typeof request>;

function appFor(adminDistDir: string) {
  return createApp({ config: testConfig(), db, logger: createLogger('silent'), adminDistDir });
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
      error: { code: 'NOT_FOUND', details: { reason: expect.stringContaining('npm run build -w @mall/admin') } },
    });
    expect((await app.get('/')).status).toBe(404);
    expect((await app.get('/api/health')).status).toBe(200);

    await writeFile(path.join(emptyDir, 'index.html'), INDEX_HTML);
    expect((await app.get('/admin/staff')).text).toBe(INDEX_HTML);
  });
});
