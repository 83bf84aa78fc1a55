import type { Logger } from 'pino';
import type { Config } from '@mall/config';
import type { Guide } from '@mall/shared';
import { contactForSurface, type ContactWayDependencies } from '../guide-contacts/contact-ways.ts';
import { AppError } from '../http/errors.ts';
import { PlatformError, platformNotConfigured } from '../platform/errors.ts';
import type { GuideRegistration, WechatPayClient } from '../platform/wechat-pay/client.ts';
import { guideAvatarUrl } from './cards.ts';
import type { GuideModels, GuideRecord, StoreRecord } from './models.ts';
import { activeGuideRecord, getGuide } from './service.ts';

/** What registering guides with WeChat Pay's smart-guide service (支付即服务) works with. */
export interface WechatPayGuideDependencies {
  models: GuideModels;
  /** For the guide's view (their shop link). */
  h5Origin: string;
  wechatPay: WechatPayClient;
  /** The guide's general WeCom contact way: its QR is what WeChat Pay shows for adding the guide. */
  contactWays: ContactWayDependencies;
  /** `WECOM_CORPID`: guides are WeCom members of this corp. */
  wecomCorpId: string | undefined;
  /** Where the API is reached from outside: WeChat Pay loads the QR and the avatar from here. */
  publicApiUrl: string;
}

export function wechatPayGuideDependencies(
  config: Pick<Config, 'h5Origin' | 'publicApiUrl' | 'wecom'>,
  shared: { guides: GuideModels; wechatPay: WechatPayClient; contactWays: ContactWayDependencies },
): WechatPayGuideDependencies {
  return {
    models: shared.guides,
    h5Origin: config.h5Origin,
    wechatPay: shared.wechatPay,
    contactWays: shared.contactWays,
    wecomCorpId: config.wecom.corpId,
    publicApiUrl: config.publicApiUrl,
  };
}

/** WeChat Pay's answer to a second registration of the same WeCom member in the same store. */
const ALREADY_REGISTERED = 'RESOURCE_ALREADY_EXISTS';

/** An 11-digit mainland mobile number from the guide's phone as typed (spaces, dashes, a +86 prefix), or undefined. */
export function mainlandMobile(phone: string): string | undefined {
  const digits = phone.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  return /^1\d{10}$/.test(digits) ? digits : undefined;
}

/** Everything WeChat Pay needs about the guide, or the first thing missing as a 409/422 (503 without the WeCom corp id). */
async function registrationOf(deps: WechatPayGuideDependencies, guide: GuideRecord, log: Logger): Promise<GuideRegistration> {
  const { wecomUserId } = guide;
  if (wecomUserId === undefined) throw new AppError('GUIDE_WITHOUT_WECOM', { details: { field: 'wecomUserId' } });
  const mobile = mainlandMobile(guide.phone);
  if (mobile === undefined) throw new AppError('GUIDE_MOBILE_INVALID', { details: { field: 'phone' } });
  const avatarPath = guideAvatarUrl(guide);
  if (avatarPath === null) throw new AppError('GUIDE_WITHOUT_AVATAR', { details: { field: 'avatar' } });
  const store = await deps.models.Store.findById(guide.storeId, { wechatPayStoreId: 1 }).lean<Pick<StoreRecord, 'wechatPayStoreId'>>();
  if (store?.wechatPayStoreId === undefined) {
    throw new AppError('STORE_WITHOUT_WECHAT_PAY_ID', { details: { storeId: guide.storeId.toHexString() } });
  }
  if (!deps.wecomCorpId) throw platformNotConfigured('wecom', ['WECOM_CORPID']);
  // The general contact way (state = the guide's code), made in WeCom on first use; its QR image is served publicly.
  const contact = await contactForSurface(deps.contactWays, { _id: guide._id, code: guide.code, wecomUserId }, undefined, 'h5', log);
  return {
    corpId: deps.wecomCorpId,
    storeId: store.wechatPayStoreId,
    userId: wecomUserId,
    name: guide.name,
    mobile,
    qrCode: `${deps.publicApiUrl}${contact.qrCodeUrl}`,
    avatar: `${deps.publicApiUrl}${avatarPath}`,
  };
}

/** The guide id WeChat Pay gives the member: a new registration's, or the one it already has for this store and userid. */
async function registeredGuideId(wechatPay: WechatPayClient, registration: GuideRegistration): Promise<string> {
  try {
    return (await wechatPay.registerGuide(registration)).guideId;
  } catch (error) {
    if (!(error instanceof PlatformError && error.failure.code === ALREADY_REGISTERED)) throw error;
    const { guides } = await wechatPay.queryGuides({ storeId: registration.storeId, userId: registration.userId });
    const existing = guides.find((guide) => guide.userId === registration.userId);
    if (existing === undefined) throw error;
    return existing.guideId;
  }
}

/** Another request changed what the registration was made for while it was under way: the guide's store or userid, or the store's id. */
const changedMeanwhile = (changed: 'guide' | 'store') =>
  new AppError('CONFLICT', {
    message:
      changed === 'guide'
        ? '导购的门店或企业微信账号刚刚变更，请重新注册支付即服务'
        : '门店的微信支付门店 ID 刚刚变更，请重新注册支付即服务',
    details: { changed },
  });

/**
 * Registers the guide (on duty, with a WeCom userid, an 11-digit mobile, a photo, in a store with a WeChat Pay store
 * id) with WeChat Pay's smart-guide service and keeps the id it gives, so orders attributed to the guide are assigned
 * to them in WeChat Pay as well. Idempotent: a guide registered already is returned as is, and a member WeChat Pay
 * knows already is looked up. The id is stored by a guarded write (none yet, same store and userid as registered),
 * so of parallel requests the first stored id stands and the others return it.
 */
export async function registerGuideWithWechatPay(deps: WechatPayGuideDependencies, guideId: string, log: Logger): Promise<Guide> {
  const { models } = deps;
  const view = () => getGuide(deps, guideId);
  const guide = await activeGuideRecord(models, guideId);
  if (guide.wechatPayGuideId !== undefined) return view();
  const registration = await registrationOf(deps, guide, log);
  const wechatPayGuideId = await registeredGuideId(deps.wechatPay, registration);
  const stored = await models.Guide.updateOne(
    {
      _id: guide._id,
      status: 'active',
      storeId: guide.storeId,
      wecomUserId: registration.userId,
      wechatPayGuideId: { $exists: false },
    },
    { $set: { wechatPayGuideId, updatedAt: new Date() } },
  );
  if (stored.modifiedCount === 0) {
    const current = await activeGuideRecord(models, guideId);
    if (current.wechatPayGuideId !== undefined) return view();
    throw changedMeanwhile('guide');
  }
  // A store given another WeChat Pay store id meanwhile has ended its guides' registrations, or is about to: not this one.
  const store = await models.Store.findById(guide.storeId, { wechatPayStoreId: 1 }).lean<Pick<StoreRecord, 'wechatPayStoreId'>>();
  if (store?.wechatPayStoreId !== registration.storeId) {
    await models.Guide.updateOne({ _id: guide._id, wechatPayGuideId }, { $unset: { wechatPayGuideId: 1 } });
    throw changedMeanwhile('store');
  }
  log.info({ guideId, wechatPayGuideId, wechatPayStoreId: registration.storeId }, 'guide registered with WeChat Pay smart guides');
  return view();
}
