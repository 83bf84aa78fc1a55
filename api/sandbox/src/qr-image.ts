import QRCode from 'qrcode';

/** A PNG of a QR code holding `text`, `widthPx` wide (quiet zone included), as WeChat's code images are. */
export function qrPng(text: string, widthPx: number): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', width: widthPx, margin: 2 });
}
