import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Response, Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorEnvelopeSchema,
  guideReplySchema,
  guideShopAssetsReplySchema,
  MAX_IMAGE_BYTES,
  staffRoles,
  type Guide,
  type GuideShopAssets,
  type StaffRole,
} from '@mall/shared';
import { localImageStorage } from '../catalog/image-storage.ts';
import { miniProgramClientFromConfig, type MiniProgramClient } from '../platform/miniprogram/client.ts';
import { testApp, testConfig, type TestApp } from '../testing/app.ts';
import { addGuide, addStore, inviteGuide, startGuideTest, type GuideTestContext } from '../testing/guides.ts';
import { scanQrPng } from '../testing/qr.ts';
import { startTestSandbox, type TestSandbox } from '../testing/sandbox.ts';
import { createTestShopper } from '../testing/shoppers.ts';
import { AVATAR_SIDE } from './avatar.ts';
import { guideShopEntry } from './shop-entry.ts';

const H5_ORIGIN = 'https://m.brand.example.com';
const MISSING_ID = '0123456789abcdef01234567';

let sandbox: TestSandbox;
let context: GuideTestContext;
/** The same database and image directory, with WeChat unreachable: it can only serve what is already stored. */
let offline: TestApp;
/** The same database and image directory, with no WeChat credentials at all. */
let unconfigured: TestApp;
let storeId: string;
let counter = 0;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  context = await startGuideTest({ env: { ...sandbox.sandbox.apiEnv, H5_ORIGIN } });
  const shared = { UPLOADS_DIR: context.uploadsDir, H5_ORIGIN };
  offline = testApp(context.db, { env: { ...sandbox.sandbox.apiEnv, ...shared, WECHAT_API_BASE_URL: 'http://127.0.0.1:9/wechat' } });
  unconfigured = testApp(context.db, { env: shared });
  storeId = (await addStore(context, '静安嘉里店')).id;
});

afterAll(async () => {
  await context.stop();
  await sandbox.stop();
});

const staff = (role: StaffRole) => (request: Test) => request.set('Authorization', `Bearer ${context.tokens[role]}`);
const bearer = (token: string) => (request: Test) => request.set('Authorization', `Bearer ${token}`);
const errorOf = (response: Response) => errorEnvelopeSchema.parse(response.body).error;
const http = () => context.api.http;

async function newGuide(name = `导购${(counter += 1)}`): Promise<Guide> {
  return addGuide(context, { name, storeId });
}

/** A guide bound to a fresh WeChat user, and that user's token (the workbench signs in as them). */
async function boundGuide(): Promise<{ guide: Guide; token: string }> {
  const guide = await newGuide();
  const { token } = await createTestShopper(context.db);
  const redeemed = await http()
    .post('/api/guide/invitations/redeem')
    .set('Authorization', `Bearer ${token}`)
    .send({ code: await inviteGuide(context, guide.id) });
  expect(redeemed.status).toBe(200);
  return { guide, token };
}

async function leave(guideId: string): Promise<void> {
  expect((await staff('owner')(http().post(`/api/admin/guides/${guideId}/leave`))).status).toBe(200);
}

/** A real photo: a colour gradient, so each colour pair gives other bytes. */
async function photo(from: string, to: string): Promise<Buffer> {
  const canvas = createCanvas(480, 360);
  const context2d = canvas.getContext('2d');
  const gradient = context2d.createLinearGradient(0, 0, 480, 360);
  gradient.addColorStop(0, from);
  gradient.addColorStop(1, to);
  context2d.fillStyle = gradient;
  context2d.fillRect(0, 0, 480, 360);
  return canvas.encode('png');
}

/** The PNG a binary route sent. */
function pngOf(response: Response): Buffer {
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('image/png');
  return response.body as Buffer;
}

const png = (request: Test) => request.buffer(true);
const storedFiles = async () => (await readdir(context.uploadsDir)).filter((name) => !name.startsWith('.')).sort();

describe('guide views', () => {
  it('carry the shop path, the H5 shop URL and the avatar (none yet), for staff and in the workbench', async () => {
    const { guide, token } = await boundGuide();
    expect(guide).toMatchObject({
      avatarUrl: null,
      shopPath: `pages/shop/index?g=${guide.code}`,
      shopUrl: `${H5_ORIGIN}/shop/pages/shop/index?g=${guide.code}`,
    });
    const me = await bearer(token)(http().get('/api/guide/me'));
    expect(guideReplySchema.parse(me.body).guide).toEqual({ ...guide, bound: true });
  });
});

describe('avatars', () => {
  it('staff upload raw bytes or multipart; the guide gets a square JPEG served publicly, shown in every view', async () => {
    const guide = await newGuide();
    const raw = await staff('owner')(http().post(`/api/admin/guides/${guide.id}/avatar`))
      .set('Content-Type', 'image/png')
      .send(await photo('#ff6600', '#0066ff'));
    expect(raw.status).toBe(200);
    const changed = guideReplySchema.parse(raw.body).guide;
    expect(changed.avatarUrl).toMatch(/^\/api\/images\/[0-9a-f]{64}\.jpg$/);
    const served = await png(http().get(changed.avatarUrl!));
    expect(served.headers['content-type']).toBe('image/jpeg');
    const image = await loadImage(served.body as Buffer);
    expect([image.width, image.height]).toEqual([AVATAR_SIDE, AVATAR_SIDE]);

    const multipart = await staff('operator')(http().post(`/api/admin/guides/${guide.id}/avatar`)).attach(
      'file',
      await photo('#00aa00', '#aa00aa'),
      { filename: 'me.png', contentType: 'image/png' },
    );
    expect(multipart.status).toBe(200);
    const replaced = guideReplySchema.parse(multipart.body).guide.avatarUrl;
    expect(replaced).not.toBe(changed.avatarUrl);
    const listed = await staff('viewer')(http().get('/api/admin/guides').query({ keyword: guide.code }));
    expect(listed.body.items[0].avatarUrl).toBe(replaced);
  });

  it("a guide sets their own photo from the workbench (wx.uploadFile's multipart)", async () => {
    const { guide, token } = await boundGuide();
    const uploaded = await bearer(token)(http().post('/api/guide/me/avatar')).attach('file', await photo('#123456', '#abcdef'), {
      filename: 'tmp.png',
      contentType: 'image/png',
    });
    expect(uploaded.status).toBe(200);
    const avatarUrl = guideReplySchema.parse(uploaded.body).guide.avatarUrl;
    expect(avatarUrl).not.toBeNull();
    expect((await bearer(token)(http().get('/api/guide/me'))).body.guide.avatarUrl).toBe(avatarUrl);
    expect((await staff('viewer')(http().get(`/api/admin/guides/${guide.id}`))).body.guide.avatarUrl).toBe(avatarUrl);
  });

  it('only owners and operators change them; a shopper who is not a guide has no own avatar; departed and unknown guides are refused', async () => {
    const guide = await newGuide();
    const bytes = await photo('#ff0000', '#00ff00');
    const upload = (request: Test) => request.set('Content-Type', 'image/png').send(bytes);
    for (const role of staffRoles) {
      const response = await upload(staff(role)(http().post(`/api/admin/guides/${guide.id}/avatar`)));
      expect(response.status, role).toBe(role === 'owner' || role === 'operator' ? 200 : 403);
    }
    expect((await upload(http().post(`/api/admin/guides/${guide.id}/avatar`))).status).toBe(401);
    const { token } = await createTestShopper(context.db);
    expect((await upload(bearer(token)(http().post(`/api/admin/guides/${guide.id}/avatar`)))).status).toBe(401);
    const notAGuide = await upload(bearer(token)(http().post('/api/guide/me/avatar')));
    expect([notAGuide.status, errorOf(notAGuide).code]).toEqual([404, 'NOT_FOUND']);
    expect((await upload(staff('owner')(http().post('/api/guide/me/avatar')))).status).toBe(401);

    const unknown = await upload(staff('owner')(http().post(`/api/admin/guides/${MISSING_ID}/avatar`)));
    expect([unknown.status, errorOf(unknown).code]).toEqual([404, 'NOT_FOUND']);
    expect((await upload(staff('owner')(http().post('/api/admin/guides/not-an-id/avatar')))).status).toBe(400);
    await leave(guide.id);
    const departed = await upload(staff('owner')(http().post(`/api/admin/guides/${guide.id}/avatar`)));
    expect([departed.status, errorOf(departed).code]).toEqual([409, 'GUIDE_LEFT']);
  });

  const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  /** A PNG header claiming `side`×`side` pixels, with no image behind it. */
  const claimedPng = (side: number) => {
    const ihdr = Buffer.alloc(25);
    ihdr.writeUInt32BE(13, 0);
    ihdr.write('IHDR', 4, 'latin1');
    ihdr.writeUInt32BE(side, 8);
    ihdr.writeUInt32BE(side, 12);
    return Buffer.concat([pngSignature, ihdr, Buffer.alloc(32)]);
  };
  it.each<[string, (request: Test) => Test, number, string]>([
    ['an empty body', (r) => r.set('Content-Type', 'image/png').send(Buffer.alloc(0)), 400, 'MALFORMED_REQUEST'],
    ['JSON', (r) => r.send({ avatarUrl: 'https://evil.example.com/a.png' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a GIF named PNG', (r) => r.set('Content-Type', 'image/png').send(Buffer.from('GIF89a......')), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a PNG signature on garbage', (r) => r.set('Content-Type', 'image/png').send(claimedPng(400)), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a PNG claiming 20000×20000 pixels', (r) => r.set('Content-Type', 'image/png').send(claimedPng(20_000)), 413, 'PAYLOAD_TOO_LARGE'],
    [
      'over 5 MB',
      (r) => r.set('Content-Type', 'image/png').send(Buffer.concat([pngSignature, Buffer.alloc(MAX_IMAGE_BYTES)])),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['a multipart body without the file part', (r) => r.field('file', 'not a file'), 400, 'MALFORMED_REQUEST'],
  ])('%s is refused with a 4xx code, and nothing is stored or changed', async (_label, build, status, code) => {
    const guide = await newGuide();
    const before = await storedFiles();
    const response = await build(staff('owner')(http().post(`/api/admin/guides/${guide.id}/avatar`)));
    expect([response.status, errorOf(response).code]).toEqual([status, code]);
    expect(await storedFiles()).toEqual(before);
    expect((await staff('owner')(http().get(`/api/admin/guides/${guide.id}`))).body.guide.avatarUrl).toBeNull();
  });
});

describe('the mini-program code', () => {
  it('opens pages/shop/index with scene g=CODE, is a PNG download, and is the same for staff and the guide', async () => {
    const { guide, token } = await boundGuide();
    const response = await png(staff('viewer')(http().get(`/api/admin/guides/${guide.id}/shop-code`)));
    const code = pngOf(response);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="shop-code-${guide.code}.png"`);
    expect(response.headers['cache-control']).toBe('private, no-cache');
    const scanned = new URL(scanQrPng(code) ?? 'http://not-scanned');
    expect(scanned.searchParams.get('page')).toBe('pages/shop/index');
    expect(scanned.searchParams.get('scene')).toBe(`g=${guide.code}`);
    expect(pngOf(await png(bearer(token)(http().get('/api/guide/me/shop-code'))))).toEqual(code);
  });

  it('is asked of WeChat once and kept; asked again only when the stored image is gone', async () => {
    const guide = await newGuide();
    const first = pngOf(await png(staff('owner')(http().get(`/api/admin/guides/${guide.id}/shop-code`))));
    const record = await context.models.Guide.findById(guide.id).lean();
    expect(record?.shopCodeImageId).toMatch(/^[0-9a-f]{64}\.png$/);
    // WeChat is unreachable from `offline`: what it serves was kept.
    expect(pngOf(await png(staff('owner')(offline.http.get(`/api/admin/guides/${guide.id}/shop-code`))))).toEqual(first);

    await rm(path.join(context.uploadsDir, record!.shopCodeImageId!));
    const unreachable = await staff('owner')(offline.http.get(`/api/admin/guides/${guide.id}/shop-code`));
    expect([unreachable.status, errorOf(unreachable).code]).toEqual([502, 'PLATFORM_ERROR']);
    expect(pngOf(await png(staff('owner')(http().get(`/api/admin/guides/${guide.id}/shop-code`))))).toEqual(first);
    expect(await storedFiles()).toContain(record!.shopCodeImageId);
  });

  it('parallel first requests all get the same code from one WeChat call, and the guide keeps it', async () => {
    const guide = await newGuide();
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => png(staff('viewer')(http().get(`/api/admin/guides/${guide.id}/shop-code`)))),
    );
    const codes = replies.map(pngOf);
    for (const code of codes) expect(code).toEqual(codes[0]);
    expect(scanQrPng(codes[0]!)).toContain(`scene=g%3D${guide.code}`);

    // The same through the entry itself, counting the calls to WeChat.
    const real = miniProgramClientFromConfig(testConfig(sandbox.sandbox.apiEnv));
    let calls = 0;
    const counting: MiniProgramClient = {
      ...real,
      unlimitedCode(request) {
        calls += 1;
        return real.unlimitedCode(request);
      },
    };
    const entry = guideShopEntry({
      models: context.models,
      images: localImageStorage(context.uploadsDir),
      miniProgram: counting,
      h5Origin: H5_ORIGIN,
    });
    const fresh = (await context.models.Guide.findById((await newGuide()).id).lean())!;
    const stored = await Promise.all(Array.from({ length: 6 }, () => entry.miniProgramCode(fresh)));
    expect(calls).toBe(1);
    expect(new Set(stored.map((image) => image.id)).size).toBe(1);
    expect((await context.models.Guide.findById(fresh._id).lean())?.shopCodeImageId).toBe(stored[0]!.id);
  });

  it('is 503 PLATFORM_NOT_CONFIGURED without WeChat credentials, while the H5 poster still works', async () => {
    const guide = await newGuide();
    const refused = await staff('owner')(unconfigured.http.get(`/api/admin/guides/${guide.id}/shop-code`));
    expect([refused.status, errorOf(refused).code]).toEqual([503, 'PLATFORM_NOT_CONFIGURED']);
    const h5 = pngOf(await png(staff('owner')(unconfigured.http.get(`/api/admin/guides/${guide.id}/poster?surface=h5`))));
    expect(scanQrPng(h5)).toBe(`${guide.shopUrl}&c=p`);
  });
});

describe('posters', () => {
  it('weapp carries the mini-program code, h5 a QR of the H5 shop URL; both are PNG downloads named by the code', async () => {
    const { guide, token } = await boundGuide();
    const weappReply = await png(staff('store_manager')(http().get(`/api/admin/guides/${guide.id}/poster?surface=weapp`)));
    const weapp = pngOf(weappReply);
    expect(weappReply.headers['content-disposition']).toBe(`attachment; filename="poster-${guide.code}.png"`);
    // A poster's code and link mark the poster channel (c=p), the shop code's do not.
    expect(new URL(scanQrPng(weapp) ?? 'http://not-scanned').searchParams.get('scene')).toBe(`g=${guide.code}&c=p`);

    const h5Reply = await png(bearer(token)(http().get('/api/guide/me/poster?surface=h5')));
    expect(h5Reply.headers['content-disposition']).toBe(`attachment; filename="poster-${guide.code}-h5.png"`);
    expect(scanQrPng(pngOf(h5Reply))).toBe(`${H5_ORIGIN}/shop/pages/shop/index?g=${guide.code}&c=p`);
    expect(pngOf(await png(bearer(token)(http().get('/api/guide/me/poster?surface=weapp'))))).toEqual(weapp);
  });

  it('are kept, and drawn again when what they show changes (name, photo)', async () => {
    const guide = await newGuide('李娜');
    const poster = () => png(staff('owner')(http().get(`/api/admin/guides/${guide.id}/poster?surface=weapp`)));
    const keptPoster = async () => (await context.models.Guide.findById(guide.id).lean())?.posters?.weapp?.imageId;

    const first = pngOf(await poster());
    const firstId = await keptPoster();
    expect(pngOf(await poster())).toEqual(first);
    // Served with WeChat unreachable: the code and the poster were both kept.
    expect(pngOf(await png(staff('owner')(offline.http.get(`/api/admin/guides/${guide.id}/poster?surface=weapp`))))).toEqual(first);
    expect(await keptPoster()).toBe(firstId);

    await staff('owner')(http().patch(`/api/admin/guides/${guide.id}`)).send({ name: '李娜娜' });
    const renamed = pngOf(await poster());
    expect(renamed).not.toEqual(first);
    expect(await keptPoster()).not.toBe(firstId);

    await staff('owner')(http().post(`/api/admin/guides/${guide.id}/avatar`))
      .set('Content-Type', 'image/png')
      .send(await photo('#ffcc00', '#cc00ff'));
    const withPhoto = pngOf(await poster());
    expect(withPhoto).not.toEqual(renamed);
    expect(new URL(scanQrPng(withPhoto) ?? 'http://not-scanned').searchParams.get('scene')).toBe(`g=${guide.code}&c=p`);
  });

  it.each([
    ['no surface', ''],
    ['an unknown surface', '?surface=pc'],
    ['two surfaces', '?surface=weapp&surface=h5'],
    ['an unknown parameter', '?surface=h5&size=big'],
  ])('%s is 400 VALIDATION_FAILED', async (_label, query) => {
    const guide = await newGuide();
    const response = await staff('owner')(http().get(`/api/admin/guides/${guide.id}/poster${query}`));
    expect([response.status, errorOf(response).code]).toEqual([400, 'VALIDATION_FAILED']);
    const { token } = await boundGuide();
    expect((await bearer(token)(http().get(`/api/guide/me/poster${query}`))).status).toBe(400);
  });
});

describe('shop assets (what the console and the workbench show)', () => {
  async function assetsOf(response: Response): Promise<GuideShopAssets> {
    expect(response.status).toBe(200);
    return guideShopAssetsReplySchema.parse(response.body).assets;
  }

  it('are the links and public image URLs of the same code and posters the downloads send', async () => {
    const { guide, token } = await boundGuide();
    const assets = await assetsOf(await staff('viewer')(http().get(`/api/admin/guides/${guide.id}/shop-assets`)));
    expect(assets).toMatchObject({ code: guide.code, shopPath: guide.shopPath, shopUrl: guide.shopUrl });
    const fetched = async (url: string) => pngOf(await png(http().get(url)));
    expect(await fetched(assets.miniProgramCode.url)).toEqual(
      pngOf(await png(staff('viewer')(http().get(`/api/admin/guides/${guide.id}/shop-code`)))),
    );
    expect(await fetched(assets.posters.weapp.url)).toEqual(
      pngOf(await png(bearer(token)(http().get('/api/guide/me/poster?surface=weapp')))),
    );
    expect(scanQrPng(await fetched(assets.posters.h5.url))).toBe(`${guide.shopUrl}&c=p`);
    expect(await assetsOf(await bearer(token)(http().get('/api/guide/me/shop-assets')))).toEqual(assets);
  });

  const adminReads = ['shop-assets', 'shop-code', 'poster?surface=weapp', 'poster?surface=h5'];

  it('every staff role may read them; strangers and shopper tokens may not', async () => {
    const guide = await newGuide();
    for (const read of adminReads) {
      for (const role of staffRoles)
        expect((await staff(role)(http().get(`/api/admin/guides/${guide.id}/${read}`))).status, role).toBe(200);
      expect((await http().get(`/api/admin/guides/${guide.id}/${read}`)).status).toBe(401);
      const { token } = await createTestShopper(context.db);
      expect((await bearer(token)(http().get(`/api/admin/guides/${guide.id}/${read}`))).status).toBe(401);
    }
  });

  it('are 404 for an unknown guide, 400 for a malformed id, 409 GUIDE_LEFT for a guide who left', async () => {
    const { guide, token } = await boundGuide();
    for (const read of adminReads) {
      const unknown = await staff('owner')(http().get(`/api/admin/guides/${MISSING_ID}/${read}`));
      expect([unknown.status, errorOf(unknown).code]).toEqual([404, 'NOT_FOUND']);
      expect((await staff('owner')(http().get(`/api/admin/guides/12345/${read}`))).status).toBe(400);
    }
    await leave(guide.id);
    for (const read of adminReads) {
      const departed = await staff('owner')(http().get(`/api/admin/guides/${guide.id}/${read}`));
      expect([departed.status, errorOf(departed).code]).toEqual([409, 'GUIDE_LEFT']);
    }
    // Leaving unbinds the WeChat user: the workbench has no guide for them any more.
    for (const read of ['shop-assets', 'shop-code', 'poster?surface=h5']) {
      const workbench = await bearer(token)(http().get(`/api/guide/me/${read}`));
      expect([workbench.status, errorOf(workbench).code]).toEqual([404, 'NOT_FOUND']);
    }
  });

  it('in the workbench: 404 for a shopper who is not a guide, 401 signed out or with a staff token', async () => {
    const { token } = await createTestShopper(context.db);
    for (const read of ['shop-assets', 'shop-code', 'poster?surface=weapp']) {
      expect((await bearer(token)(http().get(`/api/guide/me/${read}`))).status).toBe(404);
      expect((await http().get(`/api/guide/me/${read}`)).status).toBe(401);
      expect((await staff('owner')(http().get(`/api/guide/me/${read}`))).status).toBe(401);
    }
  });
});
