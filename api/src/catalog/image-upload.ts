import { imageContentTypes, MAX_IMAGE_BYTES, type ImageContentType } from '@mall/shared';
import type { RouteContext } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { sniffImageType } from './image-storage.ts';

const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', { message: '图片不能超过 5 MB', details: { limitBytes: MAX_IMAGE_BYTES } });

function isImageContentType(type: string): type is ImageContentType {
  return (imageContentTypes as readonly string[]).includes(type);
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
  const declaredLength = Number(ctx.get('Content-Length'));
  if (declaredLength > MAX_IMAGE_BYTES) throw tooLarge();

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_IMAGE_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0) throw new AppError('MALFORMED_REQUEST', { message: '请选择要上传的图片', details: { reason: 'the body is empty' } });
  const data = Buffer.concat(chunks);
  const contentType = sniffImageType(data);
  if (contentType === null) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { details: { contentType: declared, detected: null } });
  return { data, contentType };
}
