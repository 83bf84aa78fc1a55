import jsqr from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS with `exports.default`: under NodeNext the function is the module's `default`.
const jsQR = jsqr.default;

/** The text of the QR code in a PNG, read as a phone's scanner would; undefined when none is found. */
export function scanQrPng(image: Buffer): string | undefined {
  const png = PNG.sync.read(image);
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data;
}
