import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageReplySchema, MAX_IMAGE_BYTES } from '@mall/shared';
import { jpegBytes, PNG_BYTES, startCatalogTest, webpBytes, type CatalogTestContext } from '../testing/catalog.ts';
import { imageIdOf, sniffImageType } from './image-storage.ts';

let context: CatalogTestContext;

beforeAll(async () => {
  context = await startCatalogTest();
});

afterAll(async () => {
  await context.stop();
});

function upload(body: Buffer | string, contentType: string, token = context.tokens.owner) {
  return context.api.http.post('/api/admin/images').set('Authorization', `Bearer ${token}`).set('Content-Type', contentType).send(body);
}

describe('sniffImageType', () => {
  it('knows JPEG, PNG and WebP by their bytes, and nothing else', () => {
    expect(sniffImageType(jpegBytes())).toBe('image/jpeg');
    expect(sniffImageType(PNG_BYTES)).toBe('image/png');
    expect(sniffImageType(webpBytes())).toBe('image/webp');
    expect(sniffImageType(Buffer.from('GIF89a......'))).toBeNull();
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeNull();
    expect(sniffImageType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffImageType(Buffer.alloc(0))).toBeNull();
  });
});

describe('POST /api/admin/images and GET /api/images/:id', () => {
  it('stores an image under the hash of its bytes and serves it immutably, with nosniff', async () => {
    const response = await upload(PNG_BYTES, 'image/png');
    expect(response.status).toBe(201);
    const { image } = imageReplySchema.parse(response.body);
    expect(image).toEqual({ id: imageIdOf(PNG_BYTES, 'image/png'), url: `/api/images/${imageIdOf(PNG_BYTES, 'image/png')}` });

    const again = await upload(PNG_BYTES, 'image/png');
    expect(again.body.image.id).toBe(image.id);
    expect((await readdir(context.uploadsDir)).filter((name) => !name.startsWith('.'))).toEqual([image.id]);

    const served = await context.api.http.get(image.url).buffer(true);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(served.body as Buffer, PNG_BYTES)).toBe(0);
  });

  it('stores JPEG and WebP, under the type the bytes show rather than the one claimed', async () => {
    const jpeg = jpegBytes();
    const claimedPng = await upload(jpeg, 'image/png');
    expect(claimedPng.status).toBe(201);
    expect(claimedPng.body.image.id).toMatch(/\.jpg$/);
    expect((await context.api.http.get(claimedPng.body.image.url)).headers['content-type']).toBe('image/jpeg');

    const webp = await upload(webpBytes(), 'image/webp');
    expect(webp.status).toBe(201);
    expect(webp.body.image.id).toMatch(/\.webp$/);
  });

  it.each([
    ['text/plain', Buffer.from('hello'), 'a non-image type'],
    ['image/gif', Buffer.from('GIF89a......'), 'an image type not stored'],
    ['image/svg+xml', Buffer.from('<svg><script>alert(1)</script></svg>'), 'SVG (can carry script)'],
    ['image/png', Buffer.from('<html><script>alert(1)</script></html>'), 'HTML claiming to be PNG'],
    ['application/octet-stream', PNG_BYTES, 'a PNG without its type'],
  ])('refuses %s (%s) with 415 UNSUPPORTED_MEDIA_TYPE', async (contentType, body) => {
    const response = await upload(body, contentType);
    expect(response.status).toBe(415);
    expect(response.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: '仅支持 JPEG、PNG、WebP 格式的图片' });
  });

  it('refuses a JSON body with 415, and an empty one with 400', async () => {
    const json = await context.api.http
      .post('/api/admin/images')
      .set('Authorization', `Bearer ${context.tokens.owner}`)
      .send({ image: 'x' });
    expect(json.status).toBe(415);
    const empty = await upload(Buffer.alloc(0), 'image/png');
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('MALFORMED_REQUEST');
  });

  it('refuses more than 5 MB with 413, storing nothing', async () => {
    const before = await readdir(context.uploadsDir);
    const oversized = Buffer.concat([PNG_BYTES, Buffer.alloc(MAX_IMAGE_BYTES)]);
    const response = await upload(oversized, 'image/png');
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: '图片不能超过 5 MB' });
    expect(await readdir(context.uploadsDir)).toEqual(before);

    const exactly = Buffer.concat([PNG_BYTES, Buffer.alloc(MAX_IMAGE_BYTES - PNG_BYTES.length)]);
    expect((await upload(exactly, 'image/png')).status).toBe(201);
  });

  it('stops reading a body without Content-Length once it passes 5 MB', async () => {
    const server = context.api.app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const chunk = Buffer.alloc(1024 * 1024);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(PNG_BYTES);
          for (let sent = 0; sent <= MAX_IMAGE_BYTES; sent += chunk.length) controller.enqueue(chunk);
          controller.close();
        },
      });
      const response = await fetch(`http://127.0.0.1:${port}/api/admin/images`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${context.tokens.owner}`, 'Content-Type': 'image/png' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      server.close();
    }
  });

  it('lets only catalog writers upload', async () => {
    for (const role of ['store_manager', 'viewer'] as const) {
      const response = await upload(PNG_BYTES, 'image/png', context.tokens[role]);
      expect(response.status).toBe(403);
    }
    const anonymous = await context.api.http.post('/api/admin/images').set('Content-Type', 'image/png').send(PNG_BYTES);
    expect(anonymous.status).toBe(401);
  });

  it('answers 404 for an unknown image and 400 for an id that is not one', async () => {
    const unknown = await context.api.http.get(`/api/images/${'0'.repeat(64)}.png`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    for (const id of ['..%2F..%2Fetc%2Fpasswd', `${'0'.repeat(64)}.gif`, `${'0'.repeat(63)}.png`, 'x']) {
      const response = await context.api.http.get(`/api/images/${id}`);
      expect(response.status, id).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});
