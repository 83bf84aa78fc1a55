import { describe, expect, it, vi } from 'vitest';
import { request } from '../testing/taro';
import { ApiError, createApiClient, type ShopperCredentials } from './client';
import { storedAddress } from '../testing/orders';

const health = { status: 'ok', db: { mode: 'embedded' }, sandbox: true, version: '0.1.0' };
const signedOut: ShopperCredentials = { token: () => null, rejected: () => undefined };

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
    expect(await createApiClient('http://api.test/', signedOut).health()).toEqual(health);
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ url: 'http://api.test/api/health', method: 'GET' }));
  });

  it('calls the same origin when the base URL is empty', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: health });
    await createApiClient('', signedOut).health();
    expect(request).toHaveBeenCalledWith(expect.objectContaining({ url: '/api/health' }));
  });

  it("turns the error envelope into an ApiError with the API's code, status, Chinese message and details", async () => {
    request.mockResolvedValueOnce({
      statusCode: 429,
      data: { error: { code: 'RATE_LIMITED', message: '操作过于频繁，请稍后再试', details: { retryAfterSeconds: 60 } } },
    });
    const error = await failureOf(createApiClient('http://api.test', signedOut).health());
    expect(error).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      message: '操作过于频繁，请稍后再试',
      details: { retryAfterSeconds: 60 },
    });
  });

  it('reports a failure reply that is not the envelope (a proxy page) as unexpected', async () => {
    request.mockResolvedValueOnce({ statusCode: 502, data: '<html>Bad Gateway</html>' });
    const error = await failureOf(createApiClient('http://api.test', signedOut).health());
    expect(error).toMatchObject({ code: 'UNEXPECTED_REPLY', status: 502 });
    expect(error.message).toContain('HTTP 502');
  });

  it('reports a success reply that breaks its schema as unexpected', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { status: 'ok' } });
    expect(await failureOf(createApiClient('http://api.test', signedOut).health())).toMatchObject({
      code: 'UNEXPECTED_REPLY',
      status: 200,
    });
  });

  it('reports an unreachable server as a network failure', async () => {
    request.mockRejectedValueOnce({ errMsg: 'request:fail timeout' });
    expect(await failureOf(createApiClient('http://api.test', signedOut).health())).toMatchObject({
      code: 'NETWORK_FAILED',
      status: 0,
      message: '无法连接到服务器，请检查网络后重试',
    });
  });

  it('sends shopper calls with the bearer token and a JSON body', async () => {
    const credentials = { token: () => 'shopper-token', rejected: vi.fn() };
    const address = storedAddress;
    request.mockResolvedValueOnce({ statusCode: 200, data: { address } });
    const { id: _id, isDefault: _isDefault, createdAt: _createdAt, updatedAt: _updatedAt, ...input } = address;
    await createApiClient('http://api.test', credentials).updateAddress(address.id, input);
    expect(request).toHaveBeenCalledWith(
      expect.objectContaining({
        url: `http://api.test/api/shopper/addresses/${address.id}`,
        method: 'PUT',
        data: input,
        header: expect.objectContaining({ Authorization: 'Bearer shopper-token', 'Content-Type': 'application/json' }),
      }),
    );
    expect(credentials.rejected).not.toHaveBeenCalled();
  });

  it('puts only the order filters that are set in the query, and sends cart changes as shopper calls', async () => {
    const client = createApiClient('http://api.test', { token: () => 'shopper-token', rejected: vi.fn() });
    request.mockResolvedValueOnce({ statusCode: 200, data: { items: [], total: 0, page: 2, pageSize: 10 } });
    await client.orders({ page: 2, pageSize: 10 });
    expect(request).toHaveBeenLastCalledWith(
      expect.objectContaining({ url: 'http://api.test/api/orders?page=2&pageSize=10', method: 'GET' }),
    );

    request.mockResolvedValueOnce({ statusCode: 200, data: { items: [], itemCount: 0, maxLines: 50 } });
    await client.updateCartItem('b00000000000000000000001', 3);
    expect(request).toHaveBeenLastCalledWith(
      expect.objectContaining({
        url: 'http://api.test/api/cart/items/b00000000000000000000001',
        method: 'PATCH',
        data: { quantity: 3 },
        header: expect.objectContaining({ Authorization: 'Bearer shopper-token' }),
      }),
    );
  });

  it('reads an empty 204 reply as done', async () => {
    request.mockResolvedValueOnce({ statusCode: 204, data: '' });
    await expect(createApiClient('http://api.test', { token: () => 't', rejected: vi.fn() }).deleteAddress('abc')).resolves.toBeUndefined();
  });

  it('refuses a shopper call without a session before sending it', async () => {
    expect(await failureOf(createApiClient('http://api.test', signedOut).addresses())).toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
    });
    expect(request).not.toHaveBeenCalled();
  });

  it('drops the session when the API refuses its token, but not on a public call', async () => {
    const credentials = { token: () => 'expired-token', rejected: vi.fn() };
    const refused = { statusCode: 401, data: { error: { code: 'UNAUTHENTICATED', message: '请先登录，或登录已过期' } } };
    request.mockResolvedValueOnce(refused);
    expect(await failureOf(createApiClient('http://api.test', credentials).shopperMe())).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(credentials.rejected).toHaveBeenCalledTimes(1);

    request.mockResolvedValueOnce(refused);
    await failureOf(createApiClient('http://api.test', credentials).health());
    expect(credentials.rejected).toHaveBeenCalledTimes(1);
    expect(request).toHaveBeenLastCalledWith(expect.objectContaining({ header: { Accept: 'application/json' } }));
  });
});
