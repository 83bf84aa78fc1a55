import { describe, expect, it } from 'vitest';
import { errorCatalogue, errorCodes, errorCodeSchema, errorEnvelopeSchema } from './errors.ts';

describe('error catalogue', () => {
  it('has the codes the API relies on', () => {
    for (const code of ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'INTERNAL']) {
      expect(errorCodes).toContain(code);
    }
  });

  it.each(Object.entries(errorCatalogue))('%s: upper snake case, an error status, a Chinese message', (code, entry) => {
    expect(code).toMatch(/^[A-Z]+(?:_[A-Z]+)*$/);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
    expect(entry.message).toMatch(/\p{Script=Han}/u);
  });

  it('maps the conventional statuses', () => {
    expect(errorCatalogue.VALIDATION_FAILED.status).toBe(400);
    expect(errorCatalogue.UNAUTHENTICATED.status).toBe(401);
    expect(errorCatalogue.FORBIDDEN.status).toBe(403);
    expect(errorCatalogue.NOT_FOUND.status).toBe(404);
    expect(errorCatalogue.CONFLICT.status).toBe(409);
    expect(errorCatalogue.RATE_LIMITED.status).toBe(429);
    expect(errorCatalogue.INTERNAL.status).toBe(500);
  });

  it('envelope schema accepts catalogue codes only', () => {
    expect(errorCodeSchema.options).toEqual(errorCodes);
    expect(errorEnvelopeSchema.safeParse({ error: { code: 'NOT_FOUND', message: '请求的内容不存在' } }).success).toBe(true);
    expect(errorEnvelopeSchema.safeParse({ error: { code: 'VALIDATION_FAILED', message: 'x', details: [{ path: ['a'] }] } }).success).toBe(
      true,
    );
    expect(errorEnvelopeSchema.safeParse({ error: { code: 'TEAPOT', message: 'x' } }).success).toBe(false);
  });
});
