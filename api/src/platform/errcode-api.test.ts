import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenCache } from './access-token-cache.ts';
import { callWithToken, callWithoutToken, type ErrcodeApi } from './errcode-api.ts';
import { PlatformError } from './errors.ts';
import { platformFetch } from './http.ts';

/** A platform stand-in: tokens it accepts, and what each path answers. */
const accepted = new Set<string>();
let issued = 0;
/** Requests that arrived by following a redirect. */
let redirectedTo = 0;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/token') {
      issued += 1;
      const token = `t${issued}`;
      accepted.add(token);
      return json(200, { access_token: token, expires_in: 7200 });
    }
    if (url.pathname === '/slow') return setTimeout(() => json(200, {}), 500);
    if (url.pathname === '/slow-body') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"errcode":');
      return setTimeout(() => response.end('0}'), 500);
    }
    if (url.pathname === '/null') return json(503, null);
    if (url.pathname === '/huge') {
      response.writeHead(200, { 'Content-Type': 'image/png' });
      for (let mebibyte = 0; mebibyte < 9; mebibyte += 1) response.write(Buffer.alloc(1024 * 1024));
      return response.end();
    }
    if (url.pathname === '/moved') {
      response.writeHead(307, { Location: '/elsewhere' });
      return response.end();
    }
    if (url.pathname === '/elsewhere') {
      redirectedTo += 1;
      return json(200, { errcode: 0 });
    }
    const token = url.searchParams.get('access_token') ?? '';
    if (!accepted.has(token)) return json(200, { errcode: 40001, errmsg: 'invalid credential' });
    if (url.pathname === '/image') {
      response.writeHead(200, { 'Content-Type': 'image/png' });
      return response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    }
    if (url.pathname === '/refused') return json(200, { errcode: 43101, errmsg: 'user refuse to accept the msg' });
    if (url.pathname === '/mislabelled') {
      response.writeHead(200, { 'Content-Type': 'image/jpeg' });
      return response.end(JSON.stringify({ errcode: 45009, errmsg: 'reach max api daily quota limit' }));
    }
    if (url.pathname === '/not-json') {
      response.writeHead(502, { 'Content-Type': 'text/html' });
      return response.end('<html>bad gateway</html>');
    }
    return json(200, { errcode: 0, errmsg: 'ok', echoed: url.searchParams.get('x') });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(
  () =>
    new Promise((resolve) => {
      server.close(resolve);
      // The timeout tests leave replies unfinished.
      server.closeAllConnections();
    }),
);

function api(): ErrcodeApi {
  const tokens = new AccessTokenCache(async () => {
    const reply = (await callWithoutToken({ platform: 'wechat', baseUrl }, { operation: 'token', method: 'GET', path: '/token' })) as {
      access_token: string;
    };
    return { token: reply.access_token, expiresAt: Date.now() + 7_200_000 };
  });
  return { platform: 'wechat', baseUrl, tokens, invalidTokenCodes: [40001, 42001] };
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe('callWithToken', () => {
  it('sends the token and the query, and returns the JSON', async () => {
    const reply = await callWithToken(api(), { operation: 'echo', method: 'GET', path: '/echo', query: { x: '1' } });
    expect(reply).toEqual({ json: { errcode: 0, errmsg: 'ok', echoed: '1' } });
  });

  it('refreshes a token the platform no longer accepts and retries once', async () => {
    const client = api();
    await callWithToken(client, { operation: 'echo', method: 'GET', path: '/echo' });
    const before = issued;
    accepted.clear();
    await callWithToken(client, { operation: 'echo', method: 'GET', path: '/echo' });
    expect(issued).toBe(before + 1);
  });

  it('gives up after one retry', async () => {
    const client = api();
    client.invalidTokenCodes = [40001];
    const tokens = client.tokens;
    // Every token is refused: the first attempt and the retry both fail.
    client.tokens = { get: async () => 'never-valid', invalidate: (token: string) => tokens.invalidate(token) } as AccessTokenCache;
    const error = await failure(callWithToken(client, { operation: 'echo', method: 'GET', path: '/echo' }));
    expect(error.failure).toMatchObject({ platform: 'wechat', operation: 'echo', code: 40001, message: 'invalid credential' });
    expect(error.status).toBe(502);
    expect(error.code).toBe('PLATFORM_ERROR');
  });

  it('hands back binary replies untouched, but reads an error labelled as an image as the error', async () => {
    const reply = await callWithToken(api(), { operation: 'image', method: 'POST', path: '/image', json: {} });
    expect('binary' in reply && [...reply.binary.body]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const mislabelled = await failure(callWithToken(api(), { operation: 'image', method: 'POST', path: '/mislabelled', json: {} }));
    expect(mislabelled.failure).toMatchObject({ code: 45009, message: 'reach max api daily quota limit' });
  });

  it('fails as BAD_REPLY on a JSON null error reply, with or without a token', async () => {
    const call = { operation: 'null', method: 'GET', path: '/null' } as const;
    expect((await failure(callWithoutToken({ platform: 'wechat', baseUrl }, call))).failure).toMatchObject({
      code: 'BAD_REPLY',
      status: 503,
    });
    expect((await failure(callWithToken(api(), call))).failure).toMatchObject({ code: 'BAD_REPLY', status: 503 });
  });

  it('fails on a non-zero errcode with the platform code, and on a reply that is not JSON', async () => {
    expect((await failure(callWithToken(api(), { operation: 'send', method: 'POST', path: '/refused', json: {} }))).failure.code).toBe(
      43101,
    );
    const notJson = await failure(callWithToken(api(), { operation: 'odd', method: 'GET', path: '/not-json' }));
    expect(notJson.failure).toMatchObject({ code: 'BAD_REPLY', status: 502 });
  });
});

describe('platformFetch', () => {
  it('reports an unreachable host and a timeout as platform errors', async () => {
    const unreachable = await failure(platformFetch({ platform: 'wecom', operation: 'x', method: 'GET', url: 'http://127.0.0.1:1/' }));
    expect(unreachable.failure.code).toBe('UNREACHABLE');
    const slow = await failure(platformFetch({ platform: 'wecom', operation: 'x', method: 'GET', url: `${baseUrl}/slow`, timeoutMs: 50 }));
    expect(slow.failure.code).toBe('TIMEOUT');
    const slowBody = await failure(
      platformFetch({ platform: 'wecom', operation: 'x', method: 'GET', url: `${baseUrl}/slow-body`, timeoutMs: 100 }),
    );
    expect(slowBody.failure.code).toBe('TIMEOUT');
  });

  it('refuses a reply larger than any platform sends', async () => {
    const huge = await failure(platformFetch({ platform: 'wechat', operation: 'x', method: 'GET', url: `${baseUrl}/huge` }));
    expect(huge.failure).toMatchObject({ code: 'BAD_REPLY', status: 200 });
  });

  it('does not follow redirects, so a request and its body go nowhere else', async () => {
    const reply = await platformFetch({
      platform: 'wechat',
      operation: 'x',
      method: 'POST',
      url: `${baseUrl}/moved`,
      body: '{"secret":"s"}',
    });
    expect(reply.status).toBe(307);
    expect(redirectedTo).toBe(0);
  });
});
