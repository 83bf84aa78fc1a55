import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError, apiErrorOf, asApiError, networkFailed, readApiReply } from './client.ts';

const okSchema = z.object({ ok: z.literal(true) });

describe('readApiReply', () => {
  it('parses a 2xx reply with the schema', () => {
    expect(readApiReply(okSchema, { status: 200, data: { ok: true } })).toEqual({ ok: true });
  });

  it('reports a 2xx reply that breaks the schema as UNEXPECTED_REPLY with the issues', () => {
    const error = (() => {
      try {
        readApiReply(okSchema, { status: 201, data: { ok: 'yes' } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'UNEXPECTED_REPLY', status: 201, message: expect.stringContaining('HTTP 201') });
    expect((error as ApiError).details).toEqual([expect.objectContaining({ path: ['ok'] })]);
  });

  it('throws the envelope of any other reply as its ApiError', () => {
    expect(() => readApiReply(okSchema, { status: 404, data: { error: { code: 'NOT_FOUND', message: '请求的内容不存在' } } })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', status: 404, message: '请求的内容不存在' }),
    );
  });
});

describe('apiErrorOf', () => {
  it('carries code, details and Retry-After', () => {
    const error = apiErrorOf({
      status: 429,
      data: { error: { code: 'RATE_LIMITED', message: '操作过于频繁，请稍后再试', details: { windowSeconds: 600 } } },
      retryAfter: '42',
    });
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, details: { windowSeconds: 600 }, retryAfterSeconds: 42 });
  });

  it('treats a body that is not the envelope (a proxy page, an unknown code) as UNEXPECTED_REPLY', () => {
    expect(apiErrorOf({ status: 502, data: '<html>Bad Gateway</html>' })).toMatchObject({ code: 'UNEXPECTED_REPLY', status: 502 });
    expect(apiErrorOf({ status: 400, data: { error: { code: 'NO_SUCH_CODE', message: 'x' } } }).code).toBe('UNEXPECTED_REPLY');
    expect(apiErrorOf({ status: 503, data: undefined, retryAfter: 'soon' }).retryAfterSeconds).toBeUndefined();
  });
});

describe('networkFailed and asApiError', () => {
  it('makes a NETWORK_FAILED error with status 0 and the cause', () => {
    const cause = new Error('socket hang up');
    expect(networkFailed(cause)).toMatchObject({ code: 'NETWORK_FAILED', status: 0, cause });
  });

  it('passes ApiErrors through and turns anything else into a logged INTERNAL error', () => {
    const known = networkFailed(undefined);
    expect(asApiError(known)).toBe(known);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const bug = new TypeError('undefined is not a function');
    expect(asApiError(bug)).toMatchObject({ code: 'INTERNAL', cause: bug });
    expect(logged).toHaveBeenCalledWith(bug);
    logged.mockRestore();
  });
});
