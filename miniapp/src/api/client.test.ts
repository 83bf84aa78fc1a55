import { describe, expect, it } from 'vitest';
import { request } from '../testing/taro';
import { ApiError, createApiClient } from './client';

const health = { status: 'ok', db: { mode: 'embedded' }, sandbox: true, version: '0.1.0' };

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe('the API client', () => {
  it('calls the base URL and parses the reply with the shared schema', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: health });
    expect(await createApiClient('http://api.test/').health()).toEqual(health);
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ url: 'http://api.test/api/health', method: 'GET' }));
  });

  it('calls the same origin when the base URL is empty', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: health });
    await createApiClient('').health();
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ url: '/api/health' }));
  });

  it("turns the error envelope into an ApiError with the API's code, status, Chinese message and details", async () => {
    request.mockResolvedValueOnce({
      statusCode: 429,
      data: { error: { code: 'RATE_LIMITED', message: '操作过于频繁，请稍后再试', details: { retryAfterSeconds: 60 } } },
    });
    const error = await failureOf(createApiClient('http://api.test').health());
    expect(error).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      message: '操作过于频繁，请稍后再试',
      details: { retryAfterSeconds: 60 },
    });
  });

  it('reports a failure reply that is not the envelope (a proxy page) as unexpected', async () => {
    request.mockResolvedValueOnce({ statusCode: 502, data: '<html>Bad Gateway</html>' });
    const error = await failureOf(createApiClient('http://api.test').health());
    expect(error).toMatchObject({ code: 'UNEXPECTED_REPLY', status: 502 });
    expect(error.message).toContain('HTTP 502');
  });

  it('reports a success reply that breaks its schema as unexpected', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { status: 'ok' } });
    expect(await failureOf(createApiClient('http://api.test').health())).toMatchObject({ code: 'UNEXPECTED_REPLY', status: 200 });
  });

  it('reports an unreachable server as a network failure', async () => {
    request.mockRejectedValueOnce({ errMsg: 'request:fail timeout' });
    expect(await failureOf(createApiClient('http://api.test').health())).toMatchObject({
      code: 'NETWORK_FAILED',
      status: 0,
      message: '无法连接到服务器，请检查网络后重试',
    });
  });
});
