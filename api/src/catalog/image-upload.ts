import { imageContentTypes, MAX_IMAGE_BYTES, type ImageContentType } from '@mall/shared';
import type { RouteContext } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { sniffImageType } from './image-storage.ts';

/** Room for the multipart framing (boundaries, part headers, a few small text fields) around the image. */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;
/** The form field `wx.uploadFile` / `Taro.uploadFile` is told to send the file in. */
const UPLOAD_FILE_FIELD = 'file';

const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', { message: '图片不能超过 5 MB', details: { limitBytes: MAX_IMAGE_BYTES } });
const malformed = (reason: string) => new AppError('MALFORMED_REQUEST', { message: '请选择要上传的图片', details: { reason } });

function isImageContentType(type: string): type is ImageContentType {
  return (imageContentTypes as readonly string[]).includes(type);
}

async function readLimited(ctx: RouteContext, limit: number): Promise<Buffer> {
  if (Number(ctx.get('Content-Length')) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The image in a raw upload body (not multipart: one image per request keeps it simple). The declared
 * Content-Type must be one we store, and the bytes must really be such an image: they are stored and later
 * served under the type their signature shows (a PNG named .jpg is still a PNG), never what was claimed.
 */
export async function readImageUpload(ctx: RouteContext): Promise<{ data: Buffer; contentType: ImageContentType }> {
  const declared = ctx.request.type;
  if (!isImageContentType(declared)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { details: { contentType: declared || null, accepted: imageContentTypes } });
  }
  const data = await readLimited(ctx, MAX_IMAGE_BYTES);
  if (data.length === 0) throw malformed('the body is empty');
  const contentType = sniffImageType(data);
  if (contentType === null) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { details: { contentType: declared, detected: null } });
  return { data, contentType };
}

/** The bytes of the `file` part of a multipart/form-data body (RFC 7578), or a 400 when there is none. */
function fileFieldOf(body: Buffer, boundary: string): Buffer {
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const headersStart = start + delimiter.length + 2;
    const next = body.indexOf(delimiter, headersStart);
    if (next === -1) break;
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd !== -1 && headersEnd < next) {
      const headers = body.toString('utf8', headersStart, headersEnd);
      const disposition = /^content-disposition:\s*form-data;(.*)$/im.exec(headers)?.[1] ?? '';
      const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
      // The part's data ends with the CRLF that precedes the next delimiter.
      if (name === UPLOAD_FILE_FIELD && /filename="/i.test(disposition)) return body.subarray(headersEnd + 4, next - 2);
    }
    start = next;
  }
  throw malformed(`no "${UPLOAD_FILE_FIELD}" file part in the multipart body`);
}

/**
 * An image sent as `multipart/form-data` with the image in the `file` part (what `wx.uploadFile` sends), or as the
 * raw bytes (`readImageUpload`). The limits and checks are the same: at most 5 MB, and the bytes must really be a
 * JPEG, PNG or WebP, stored under the type they are.
 */
export async function readImageOrMultipartUpload(ctx: RouteContext): Promise<{ data: Buffer; contentType: ImageContentType }> {
  if (ctx.request.type !== 'multipart/form-data') return readImageUpload(ctx);
  const boundary = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(ctx.get('Content-Type'));
  const boundaryText = boundary?.[1] ?? boundary?.[2];
  if (boundaryText === undefined) throw malformed('the multipart Content-Type has no boundary');
  const data = fileFieldOf(await readLimited(ctx, MAX_IMAGE_BYTES + MULTIPART_OVERHEAD_BYTES), boundaryText);
  if (data.length === 0) throw malformed('the file part is empty');
  if (data.length > MAX_IMAGE_BYTES) throw tooLarge();
  const contentType = sniffImageType(data);
  if (contentType === null) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { details: { detected: null, accepted: imageContentTypes } });
  return { data, contentType };
}
