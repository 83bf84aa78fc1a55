import type { Config } from '@mall/config';
import type { ImageStorage } from '../catalog/image-storage.ts';
import type { Database } from '../db/database.ts';
import type { MiniProgramClient } from '../platform/miniprogram/client.ts';
import { wecomDirectoryFromConfig, type WecomDirectory } from '../platform/wecom/sandbox-directory.ts';
import { guideModels, type GuideModels } from './models.ts';

/** What the guide routes work with: one set per app. */
export interface GuideDependencies {
  models: GuideModels;
  /** Avatars, mini-program codes and posters. */
  images: ImageStorage;
  /** Mini-program codes (getwxacodeunlimit). */
  miniProgram: MiniProgramClient;
  /** Where the H5 storefront is served: guides' shop links point there. */
  h5Origin: string;
  /** Told when a guide is given a WeCom userid (the sandbox adds the member; real WeCom needs nothing). */
  wecomDirectory: WecomDirectory;
}

/** The storage and WeChat client are the app's own (shared with commerce), so the access token is cached once. */
export function guideDependencies(
  config: Pick<Config, 'h5Origin' | 'sandbox' | 'wecom'>,
  db: Pick<Database, 'connection'>,
  shared: { images: ImageStorage; miniProgram: MiniProgramClient },
): GuideDependencies {
  return {
    models: guideModels(db.connection),
    images: shared.images,
    miniProgram: shared.miniProgram,
    h5Origin: config.h5Origin,
    wecomDirectory: wecomDirectoryFromConfig(config),
  };
}
