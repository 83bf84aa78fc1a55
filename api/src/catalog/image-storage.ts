import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { imageIdSchema, type ImageContentType, type StoredImage } from '@mall/shared';

/**
 * Where uploaded images live. The API stores and serves them through this interface only, so an object
 * store (COS, OSS, S3) can replace the local directory without touching the catalog.
 */
export interface ImageStorage {
  /** Stores the bytes (already checked to be an image of `contentType`); equal bytes give the same id. */
  put(data: Buffer, contentType: ImageContentType): Promise<StoredImage>;
  /** The image's bytes and type, or null when no image has this id. */
  get(id: string): Promise<{ data: Buffer; contentType: ImageContentType } | null>;
  has(id: string): Promise<boolean>;
  /** Where clients fetch it: relative to the API for the local directory, absolute for an object store. */
  urlOf(id: string): string;
}

const extensionByType: Record<ImageContentType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const typeByExtension = new Map(Object.entries(extensionByType).map(([type, extension]) => [extension, type as ImageContentType]));

/** `<sha256 of the bytes>.<jpg|png|webp>` */
export function imageIdOf(data: Buffer, contentType: ImageContentType): string {
  return `${createHash('sha256').update(data).digest('hex')}.${extensionByType[contentType]}`;
}

/**
 * The image type the bytes really are, by their signature (magic bytes), or null for anything else.
 * The uploader's Content-Type is never trusted on its own: a file served as an image must be one.
 */
export function sniffImageType(data: Buffer): ImageContentType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** URL path under which the API serves stored images (see routes.ts). */
export const IMAGES_PATH = '/api/images';

/** Where clients fetch a stored image of the local storage: relative to the API. */
export function imageUrlOf(id: string): string {
  return `${IMAGES_PATH}/${id}`;
}

/** Images as files in one directory, named by their id; written to a temporary name and renamed, so readers never see half a file. */
export function localImageStorage(directory: string): ImageStorage {
  const root = path.resolve(directory);
  // Ids are checked against their strict format before they become a path, so nothing escapes the directory.
  const fileOf = (id: string) => (imageIdSchema.safeParse(id).success ? path.join(root, id) : null);

  return {
    async put(data, contentType) {
      const id = imageIdOf(data, contentType);
      const file = path.join(root, id);
      const exists = await stat(file).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await mkdir(root, { recursive: true });
        const temporary = path.join(root, `.upload-${randomBytes(8).toString('hex')}`);
        try {
          await writeFile(temporary, data);
          await rename(temporary, file);
        } finally {
          await rm(temporary, { force: true });
        }
      }
      return { id, url: imageUrlOf(id) };
    },
    async get(id) {
      const file = fileOf(id);
      const contentType = typeByExtension.get(id.split('.').at(-1) ?? '');
      if (file === null || contentType === undefined) return null;
      try {
        return { data: await readFile(file), contentType };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async has(id) {
      const file = fileOf(id);
      if (file === null) return false;
      return stat(file).then(
        (stats) => stats.isFile(),
        () => false,
      );
    },
    urlOf: imageUrlOf,
  };
}
