import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas, GlobalFonts, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import type { PosterSurface } from '@mall/shared';

/**
 * The guide's poster: a PNG drawn with Skia (@napi-rs/canvas) in Noto Sans SC, with the guide's photo (or initial),
 * name and store, and the code that opens their shop. Change POSTER_LAYOUT whenever the drawing changes, so posters
 * kept in image storage are drawn again.
 */
export const POSTER_LAYOUT = 'poster-1';

export const POSTER_WIDTH = 750;
export const POSTER_HEIGHT = 1080;
/** The side of the code on the poster: large enough to scan from a phone screen held at arm's length. */
export const POSTER_CODE_SIDE = 400;

export interface PosterContent {
  /** The headline (the shop's name: the guide's store). */
  storeName: string;
  guideName: string;
  guideCode: string;
  /** A decodable photo (see avatar.ts), or null: the guide's initial is drawn instead. */
  avatar: Buffer | null;
  /** The image shoppers scan: the mini-program code (weapp) or a QR of the H5 shop link (h5). */
  scanCode: Buffer;
  surface: PosterSurface;
}

const FONT_FAMILY = 'Poster Sans';
const BRAND_RED = '#e4393c';
const scanHints: Record<PosterSurface, string> = {
  weapp: '微信扫一扫或长按识别，打开小程序店铺',
  h5: '用手机扫码，打开网页店铺',
};

let fontsRegistered = false;

/**
 * Registers the 400 and 700 weights of Noto Sans SC under one family, once. @fontsource ships each weight as ~100
 * woff2 slices by unicode range; Skia picks, per glyph, the slice that has it.
 */
function registerPosterFonts(): void {
  if (fontsRegistered) return;
  const require = createRequire(import.meta.url);
  const directory = path.join(path.dirname(require.resolve('@fontsource/noto-sans-sc/package.json')), 'files');
  const slices = readdirSync(directory).filter((name) => /-(?:400|700)-normal\.woff2$/.test(name));
  if (slices.length === 0) throw new Error(`no Noto Sans SC woff2 files in ${directory}`);
  for (const name of slices) GlobalFonts.registerFromPath(path.join(directory, name), FONT_FAMILY);
  fontsRegistered = true;
}

/** A QR code of `text` as a PNG of `side` pixels with a two-module quiet zone (what phone scanners need). */
export function qrCodePng(text: string, side = POSTER_CODE_SIDE): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', width: side, margin: 2, errorCorrectionLevel: 'M' });
}

/** The text, cut with an ellipsis where it would be wider than `maxWidth` in the current font. */
function fitted(context: SKRSContext2D, text: string, maxWidth: number): string {
  if (context.measureText(text).width <= maxWidth) return text;
  const characters = Array.from(text);
  while (characters.length > 1 && context.measureText(`${characters.join('')}…`).width > maxWidth) characters.pop();
  return `${characters.join('')}…`;
}

function centredText(context: SKRSContext2D, text: string, y: number, font: string, color: string, maxWidth: number): void {
  context.font = `${font} "${FONT_FAMILY}"`;
  context.fillStyle = color;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillText(fitted(context, text, maxWidth), POSTER_WIDTH / 2, y);
}

function roundedRect(context: SKRSContext2D, x: number, y: number, width: number, height: number, radius: number): void {
  context.beginPath();
  context.roundRect(x, y, width, height, radius);
  context.closePath();
}

async function drawAvatar(context: SKRSContext2D, content: PosterContent, centreX: number, centreY: number, radius: number): Promise<void> {
  // A white ring sets the photo off the red band behind it.
  context.fillStyle = '#ffffff';
  context.beginPath();
  context.arc(centreX, centreY, radius + 6, 0, Math.PI * 2);
  context.fill();

  context.save();
  context.beginPath();
  context.arc(centreX, centreY, radius, 0, Math.PI * 2);
  context.clip();
  if (content.avatar === null) {
    context.fillStyle = '#f7b2a8';
    context.fillRect(centreX - radius, centreY - radius, radius * 2, radius * 2);
    context.font = `bold ${Math.round(radius * 0.95)}px "${FONT_FAMILY}"`;
    context.fillStyle = '#ffffff';
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillText(Array.from(content.guideName)[0] ?? '', centreX, centreY);
  } else {
    context.drawImage(await loadImage(content.avatar), centreX - radius, centreY - radius, radius * 2, radius * 2);
  }
  context.restore();
}

/** The poster as a PNG. */
export async function renderGuidePoster(content: PosterContent): Promise<Buffer> {
  registerPosterFonts();
  const canvas = createCanvas(POSTER_WIDTH, POSTER_HEIGHT);
  const context = canvas.getContext('2d');
  const textWidth = POSTER_WIDTH - 160;

  const band = context.createLinearGradient(0, 0, 0, 420);
  band.addColorStop(0, BRAND_RED);
  band.addColorStop(1, '#f76b5f');
  context.fillStyle = '#fdf3f1';
  context.fillRect(0, 0, POSTER_WIDTH, POSTER_HEIGHT);
  context.fillStyle = band;
  context.fillRect(0, 0, POSTER_WIDTH, 420);
  centredText(context, content.storeName, 66, 'bold 40px', '#ffffff', textWidth);

  context.fillStyle = '#ffffff';
  roundedRect(context, 40, 150, POSTER_WIDTH - 80, POSTER_HEIGHT - 190, 28);
  context.fill();

  await drawAvatar(context, content, POSTER_WIDTH / 2, 196, 80);
  centredText(context, content.guideName, 340, 'bold 44px', '#222222', textWidth);
  centredText(context, `专属导购 · 导购码 ${content.guideCode}`, 392, '26px', '#999999', textWidth);

  context.strokeStyle = '#eeeeee';
  context.lineWidth = 2;
  context.setLineDash([10, 8]);
  context.beginPath();
  context.moveTo(80, 440);
  context.lineTo(POSTER_WIDTH - 80, 440);
  context.stroke();
  context.setLineDash([]);

  const codeX = (POSTER_WIDTH - POSTER_CODE_SIDE) / 2;
  const codeY = 480;
  context.imageSmoothingQuality = 'high';
  context.drawImage(await loadImage(content.scanCode), codeX, codeY, POSTER_CODE_SIDE, POSTER_CODE_SIDE);

  centredText(context, '扫码进入我的专属小店', codeY + POSTER_CODE_SIDE + 70, 'bold 34px', BRAND_RED, textWidth);
  centredText(context, scanHints[content.surface], codeY + POSTER_CODE_SIDE + 120, '24px', '#999999', textWidth);
  return canvas.encode('png');
}
