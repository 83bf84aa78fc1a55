import { createCanvas, loadImage } from '@napi-rs/canvas';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { sniffImageType } from '../catalog/image-storage.ts';
import { scanQrPng } from '../testing/qr.ts';
import { AVATAR_SIDE, squareAvatar } from './avatar.ts';
import { POSTER_CODE_SIDE, POSTER_HEIGHT, POSTER_WIDTH, qrCodePng, renderGuidePoster, type PosterContent } from './poster.ts';

const SHOP_URL = 'https://m.brand.example.com/shop/pages/shop/index?g=K7M2QX';
/** Where the poster draws the avatar's centre (see renderGuidePoster). */
const AVATAR_CENTRE = { x: POSTER_WIDTH / 2, y: 196 };

/** A photo of one colour. */
async function solidPhoto(color: string, width = 400, height = 400, format: 'png' | 'jpeg' | 'webp' = 'png'): Promise<Buffer> {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = color;
  context.fillRect(0, 0, width, height);
  return format === 'png' ? canvas.encode('png') : canvas.encode(format, 90);
}

function pixelAt(png: Buffer, x: number, y: number): [number, number, number] {
  const image = PNG.sync.read(png);
  const offset = (image.width * y + x) * 4;
  return [image.data[offset]!, image.data[offset + 1]!, image.data[offset + 2]!];
}

async function content(fields: Partial<PosterContent> = {}): Promise<PosterContent> {
  return {
    storeName: '静安嘉里店',
    guideName: '王小美',
    guideCode: 'K7M2QX',
    avatar: null,
    scanCode: await qrCodePng(SHOP_URL),
    surface: 'h5',
    ...fields,
  };
}

describe('renderGuidePoster', () => {
  it('draws a PNG poster whose code scans to the shop link', async () => {
    const poster = await renderGuidePoster(await content());
    expect(sniffImageType(poster)).toBe('image/png');
    const image = PNG.sync.read(poster);
    expect([image.width, image.height]).toEqual([POSTER_WIDTH, POSTER_HEIGHT]);
    // A real drawing, not a blank page: Chinese text in a real font and a QR code make it tens of kilobytes.
    expect(poster.length).toBeGreaterThan(20_000);
    expect(poster.length).toBeLessThan(1_000_000);
    expect(scanQrPng(poster)).toBe(SHOP_URL);
  });

  it('carries a mini-program code the same way (the sandbox draws it as a real QR code)', async () => {
    const miniProgramCode = 'https://sandbox.mp.weixin.qq.local/wxa?appid=wx1&page=pages%2Fshop%2Findex&scene=g%3DK7M2QX';
    const poster = await renderGuidePoster(await content({ surface: 'weapp', scanCode: await qrCodePng(miniProgramCode, 430) }));
    expect(scanQrPng(poster)).toBe(miniProgramCode);
  });

  it("draws the guide's photo in the circle, or their initial on a tint when they have none", async () => {
    const withPhoto = await renderGuidePoster(await content({ avatar: await squareAvatar(await solidPhoto('#0000ff')) }));
    const [red, green, blue] = pixelAt(withPhoto, AVATAR_CENTRE.x - 60, AVATAR_CENTRE.y);
    expect(blue).toBeGreaterThan(200);
    expect(red + green).toBeLessThan(60);

    const withInitial = await renderGuidePoster(await content());
    // Left of the initial's glyph: the tint, not the photo's blue nor the white card.
    expect(pixelAt(withInitial, AVATAR_CENTRE.x - 70, AVATAR_CENTRE.y)).toEqual([0xf7, 0xb2, 0xa8]);
  });

  it('keeps long names and store names on the poster (cut with an ellipsis) and still scans', async () => {
    const poster = await renderGuidePoster(
      await content({ guideName: '欧阳'.repeat(10), storeName: '上海市静安区南京西路嘉里中心旗舰店'.repeat(2) }),
    );
    expect(scanQrPng(poster)).toBe(SHOP_URL);
  });
});

describe('qrCodePng', () => {
  it('is a PNG of the asked side that scans back to the text', async () => {
    const png = await qrCodePng(SHOP_URL);
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([POSTER_CODE_SIDE, POSTER_CODE_SIDE]);
    expect(scanQrPng(png)).toBe(SHOP_URL);
  });
});

describe('squareAvatar', () => {
  it('crops the centre square of a photo to a JPEG of AVATAR_SIDE', async () => {
    // Red | green | blue thirds: the centre square of a 600×300 photo is mostly green.
    const canvas = createCanvas(600, 300);
    const context = canvas.getContext('2d');
    for (const [index, color] of ['#ff0000', '#00ff00', '#0000ff'].entries()) {
      context.fillStyle = color;
      context.fillRect(index * 200, 0, 200, 300);
    }
    const avatar = await squareAvatar(await canvas.encode('png'));
    expect(sniffImageType(avatar)).toBe('image/jpeg');
    const decoded = createCanvas(AVATAR_SIDE, AVATAR_SIDE).getContext('2d');
    const image = await loadImage(avatar);
    expect([image.width, image.height]).toEqual([AVATAR_SIDE, AVATAR_SIDE]);
    decoded.drawImage(image, 0, 0);
    const [red, green, blue] = decoded.getImageData(AVATAR_SIDE / 2, AVATAR_SIDE / 2, 1, 1).data;
    expect(green).toBeGreaterThan(200);
    expect(red! + blue!).toBeLessThan(60);
    // The crop starts at x = 150: its left edge is the red third's last 50 px.
    const [edgeRed] = decoded.getImageData(10, AVATAR_SIDE / 2, 1, 1).data;
    expect(edgeRed).toBeGreaterThan(200);
  });

  it.each(['jpeg', 'webp'] as const)('takes %s photos', async (format) => {
    const avatar = await squareAvatar(await solidPhoto('#00ff00', 500, 700, format));
    expect(sniffImageType(avatar)).toBe('image/jpeg');
  });

  it('refuses bytes that are not a decodable image (415), and images too large to decode safely (413)', async () => {
    const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const header = (width: number, height: number) => {
      const ihdr = Buffer.alloc(25);
      ihdr.writeUInt32BE(13, 0);
      ihdr.write('IHDR', 4, 'latin1');
      ihdr.writeUInt32BE(width, 8);
      ihdr.writeUInt32BE(height, 12);
      return Buffer.concat([pngSignature, ihdr, Buffer.alloc(64, 7)]);
    };
    await expect(squareAvatar(Buffer.concat([pngSignature, Buffer.alloc(64, 7)]))).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    await expect(squareAvatar(header(400, 400))).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    await expect(squareAvatar(header(0, 400))).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    await expect(squareAvatar(header(20_000, 20_000))).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(squareAvatar(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 3, 4, 5, 6]))).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });
});
