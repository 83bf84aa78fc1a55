import { Types } from 'mongoose';
import type { GuidePick, GuideShopReply } from '@mall/shared';
import type { ImageStorage } from '../catalog/image-storage.ts';
import type { CatalogModels, ProductRecord } from '../catalog/models.ts';
import { PRODUCT_CARD_FIELDS, toProductCard, type ProductCardRecord } from '../catalog/views.ts';
import { AppError } from '../http/errors.ts';
import { guideCardView } from './cards.ts';
import type { GuideModels, GuideRecord, StoreRecord } from './models.ts';
import { guideNotFound, guideRecordOfShopper, whyNotActive } from './service.ts';

/** The guide shop (导购小店): a guide's picks (主推) and the public shop data built from them and the catalog. */
export interface GuideShopDependencies {
  guides: GuideModels;
  catalog: CatalogModels;
  images: ImageStorage;
}

type PickRecord = ProductCardRecord & Pick<ProductRecord, 'status'>;

/** The products behind `ids` that `filter` lets through, in the order of `ids` (ones gone since are left out). */
async function productsInOrder(
  deps: GuideShopDependencies,
  ids: readonly Types.ObjectId[],
  filter: { status?: 'on_sale' } = {},
): Promise<PickRecord[]> {
  if (ids.length === 0) return [];
  const products = await deps.catalog.Product.find({ _id: { $in: ids }, ...filter })
    .select({ ...PRODUCT_CARD_FIELDS, status: 1 })
    .lean<PickRecord[]>();
  const byId = new Map(products.map((product) => [product._id.toHexString(), product]));
  return ids.flatMap((id) => byId.get(id.toHexString()) ?? []);
}

async function picksOf(deps: GuideShopDependencies, guide: Pick<GuideRecord, 'pickedProductIds'>): Promise<GuidePick[]> {
  const products = await productsInOrder(deps, guide.pickedProductIds ?? []);
  return products.map((product) => ({ ...toProductCard(deps.images, product), onSale: product.status === 'on_sale' }));
}

/** Picks are products that exist (of any status: one off sale now is shown again once it is back on sale). */
async function assertProductsExist(deps: GuideShopDependencies, ids: readonly Types.ObjectId[]): Promise<void> {
  const found = await deps.catalog.Product.find({ _id: { $in: ids } }, { _id: 1 }).lean<Pick<ProductRecord, '_id'>[]>();
  const known = new Set(found.map((product) => product._id.toHexString()));
  const missing = ids.map((id) => id.toHexString()).filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new AppError('NOT_FOUND', { message: '有商品不存在或已删除，请重新选择', details: { field: 'productIds', productIds: missing } });
  }
}

/** A guide's picks as their editor shows them, on sale or not; a guide who left keeps theirs as history. */
export async function guidePicks(deps: GuideShopDependencies, guideId: string): Promise<GuidePick[]> {
  const guide = await deps.guides.Guide.findById(guideId, { pickedProductIds: 1 }).lean<Pick<GuideRecord, 'pickedProductIds'>>();
  if (guide === null) throw guideNotFound();
  return picksOf(deps, guide);
}

/** Replaces the picks of a guide on duty with `productIds` (checked, unique, at most MAX_GUIDE_PICKS) in one write. */
export async function setGuidePicks(deps: GuideShopDependencies, guideId: string, productIds: readonly string[]): Promise<GuidePick[]> {
  const ids = productIds.map((id) => new Types.ObjectId(id));
  await assertProductsExist(deps, ids);
  const guide = await deps.guides.Guide.findOneAndUpdate(
    { _id: guideId, status: 'active' },
    { $set: { pickedProductIds: ids, updatedAt: new Date() } },
    { returnDocument: 'after', projection: { pickedProductIds: 1 } },
  ).lean<Pick<GuideRecord, 'pickedProductIds'>>();
  if (guide === null) throw await whyNotActive(deps.guides, guideId);
  return picksOf(deps, guide);
}

/** The signed-in shopper's own picks, as the guide they are (404 when they are not one). */
export async function ownGuidePicks(deps: GuideShopDependencies, shopperId: Types.ObjectId): Promise<GuidePick[]> {
  return guidePicks(deps, (await guideRecordOfShopper(deps.guides, shopperId))._id.toHexString());
}

export async function setOwnGuidePicks(
  deps: GuideShopDependencies,
  shopperId: Types.ObjectId,
  productIds: readonly string[],
): Promise<GuidePick[]> {
  return setGuidePicks(deps, (await guideRecordOfShopper(deps.guides, shopperId))._id.toHexString(), productIds);
}

/**
 * The guide shop's banner and on-sale picks, in the guide's order. A shop link of a guide who left still opens the
 * mall: the page shows this error's message above the catalog.
 */
export async function guideShop(deps: GuideShopDependencies, code: string): Promise<GuideShopReply> {
  const guide = await deps.guides.Guide.findOne({ code }).lean<GuideRecord>();
  if (guide === null) throw new AppError('GUIDE_NOT_FOUND');
  if (guide.status !== 'active') throw new AppError('GUIDE_LEFT', { message: '该导购已离职，为你展示商城首页' });
  const [store, picks] = await Promise.all([
    deps.guides.Store.findById(guide.storeId, { name: 1 }).lean<Pick<StoreRecord, 'name'>>(),
    productsInOrder(deps, guide.pickedProductIds ?? [], { status: 'on_sale' }),
  ]);
  return {
    guide: guideCardView(guide, store?.name ?? ''),
    picks: picks.map((product) => toProductCard(deps.images, product)),
  };
}
