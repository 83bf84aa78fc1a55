import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';
import { AppError } from '../http/errors.ts';

/** The side of a stored avatar: sharp in the largest circle drawn (the poster's, 168 px) on a 2× screen. */
export const AVATAR_SIDE = 320;
/**
 * Photos with more pixels are refused before they are decoded: a small compressed file can hold a huge image,
 * and decoding takes 4 bytes per pixel. 40 megapixels is above what phones save by default.
 */
const MAX_SOURCE_PIXELS = 40_000_000;

const undecodable = (reason: string, cause?: unknown) =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', { message: '无法识别这张图片，请换一张', details: { reason }, cause });

/** Start-of-frame markers, which carry a JPEG's size: C0–CF but C4 (huffman tables), C8 (reserved) and CC (arithmetic coding). */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegSize(data: Buffer): { width: number; height: number } | null {
  let offset = 2;
  while (offset + 9 < data.length) {
    if (data[offset] !== 0xff) return null;
    const marker = data[offset + 1]!;
    // Fill bytes, and markers that stand alone without a length.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      offset += 2;
      continue;
    }
    if (isStartOfFrame(marker)) return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
    offset += 2 + data.readUInt16BE(offset + 2);
  }
  return null;
}

function webpSize(data: Buffer): { width: number; height: number } | null {
  if (data.length < 30) return null;
  switch (data.toString('latin1', 12, 16)) {
    case 'VP8 ':
      return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
    case 'VP8L': {
      const bits = data.readUInt32LE(21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X':
      return { width: data.readUIntLE(24, 3) + 1, height: data.readUIntLE(27, 3) + 1 };
    default:
      return null;
  }
}

/** An image's size from its header (PNG IHDR, JPEG start of frame, WebP VP8/VP8L/VP8X), without decoding it. */
function imageSize(data: Buffer): { width: number; height: number } | null {
  if (data.length >= 24 && data.toString('latin1', 12, 16) === 'IHDR')
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (data[0] === 0xff && data[1] === 0xd8) return jpegSize(data);
  if (data.toString('latin1', 0, 4) === 'RIFF') return webpSize(data);
  return null;
}

/**
 * The photo cropped to its centre square, scaled to AVATAR_SIDE and encoded as JPEG on white (a transparent PNG
 * would turn black). Decoding it here also proves it is a real image, so posters can always draw it.
 */
export async function squareAvatar(photo: Buffer): Promise<Buffer> {
  const size = imageSize(photo);
  if (size === null || size.width === 0 || size.height === 0) throw undecodable('the image size cannot be read');
  if (size.width * size.height > MAX_SOURCE_PIXELS) {
    throw new AppError('PAYLOAD_TOO_LARGE', {
      message: '图片尺寸过大，请换一张',
      details: { width: size.width, height: size.height, maxPixels: MAX_SOURCE_PIXELS },
    });
  }
  let image: Image;
  try {
    image = await loadImage(photo);
  } catch (error) {
    throw undecodable('the image cannot be decoded', error);
  }
  const side = Math.min(image.width, image.height);
  const canvas = createCanvas(AVATAR_SIDE, AVATAR_SIDE);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, AVATAR_SIDE, AVATAR_SIDE);
  context.imageSmoothingQuality = 'high';
  context.drawImage(image, (image.width - side) / 2, (image.height - side) / 2, side, side, 0, 0, AVATAR_SIDE, AVATAR_SIDE);
  return canvas.encode('jpeg', 88);
}
