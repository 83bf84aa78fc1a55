import { createKuaidi100Platform } from './kuaidi100/index.ts';
import type { PlatformFactory } from './runtime.ts';
import { createWechatPlatform } from './wechat/index.ts';
import { createWechatPayPlatform } from './wechatpay/index.ts';
import { createWecomPlatform } from './wecom/index.ts';

/** The platform look-alikes, each with its data folder name under the sandbox's data directory. */
export const PLATFORM_FACTORIES: readonly { name: string; create: PlatformFactory }[] = [
  { name: 'wechat', create: createWechatPlatform },
  { name: 'wechatpay', create: createWechatPayPlatform },
  { name: 'wecom', create: createWecomPlatform },
  { name: 'kuaidi100', create: createKuaidi100Platform },
];
