import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import {
  GUIDE_CART_VALID_DAYS,
  MAX_LISTED_GUIDE_CART_ORDERS,
  guideCartSharePath,
  type CreateGuideCartRequest,
  type GuideCart,
  type GuideCartListQuery,
  type GuideCartListReply,
  type GuideCartOrder,
  type GuideCartStatus,
  type PreviewLine,
  type SharedGuideCartReply,
} from '@mall/shared';
import type { GuideOrderSource } from '../attribution/orders.ts';
import { recordTouch } from '../attribution/service.ts';
import { currentLine, currentSkus, lineProblemOf, type CurrentSku } from '../cart/current-lines.ts';
import type { Shopper } from '../customers/models.ts';
import { guideCardView } from '../guides/cards.ts';
import type { GuideRecord, StoreRecord } from '../guides/models.ts';
import { guideRecordOfShopper } from '../guides/service.ts';
import { AppError } from '../http/errors.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { storefrontH5Url } from '../guides/shop-links.ts';
import type { GuideCartItem, GuideCartRecord } from './models.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** 18 random bytes are 24 URL-safe characters (GUIDE_CART_TOKEN_LENGTH): far beyond guessing. */
const TOKEN_BYTES = 18;

const cartNotFound = (token: string) => new AppError('GUIDE_CART_NOT_FOUND', { details: { token } });

/** `https://m.brand.example.com/shop/packages/guide-cart/index?t=TOKEN`: the H5 storefront's twin of the share path. */
export function guideCartShareUrl(h5Origin: string, token: string): string {
  return storefrontH5Url(h5Origin, guideCartSharePath(token));
}

/** Withdrawn and departed come before expired: they say why the guide stopped it, which is what the customer needs to know. */
export function guideCartStatus(
  cart: Pick<GuideCartRecord, 'withdrawnAt' | 'expiresAt'>,
  guide: Pick<GuideRecord, 'status'>,
  now: Date,
): GuideCartStatus {
  if (cart.withdrawnAt !== undefined) return 'withdrawn';
  if (guide.status !== 'active') return 'guide-left';
  if (now.getTime() >= cart.expiresAt.getTime()) return 'expired';
  return 'open';
}

/** The cart's lines at the catalog's current prices and stock (as the cart and checkout show them) and the total of those that can be bought. */
function pricedLines(
  deps: CommerceDependencies,
  items: readonly GuideCartItem[],
  skus: ReadonlyMap<string, CurrentSku>,
): { lines: PreviewLine[]; itemsTotalFen: number } {
  const lines = items.map((item) => {
    const skuId = item.skuId.toHexString();
    const line = currentLine(deps.images, skuId, item.quantity, skus.get(skuId), {
      title: item.title,
      specText: item.specText,
      productId: item.productId.toHexString(),
    });
    return { ...line, lineTotalFen: line.unitPriceFen * line.quantity };
  });
  const itemsTotalFen = lines.filter((line) => line.problem === null).reduce((sum, line) => sum + line.lineTotalFen, 0);
  return { lines, itemsTotalFen };
}

async function storeOf(deps: CommerceDependencies, guide: GuideRecord): Promise<StoreRecord> {
  const store = await deps.guides.Store.findById(guide.storeId).lean<StoreRecord>();
  if (store === null) throw new Error(`guide ${guide._id.toHexString()} has no store ${guide.storeId.toHexString()}`);
  return store;
}

// --- The guide's side ---------------------------------------------------------------------------

/** The signed-in guide who may make carts: on duty (a guide who left is unbound from their WeChat user, so 404 first). */
async function activeGuideOfShopper(deps: CommerceDependencies, shopperId: Types.ObjectId): Promise<GuideRecord> {
  const guide = await guideRecordOfShopper(deps.guides, shopperId);
  if (guide.status !== 'active') throw new AppError('GUIDE_LEFT');
  return guide;
}

interface CartOrders {
  count: number;
  orders: GuideCartOrder[];
}

/** Each cart's newest orders (at most MAX_LISTED_GUIDE_CART_ORDERS) and how many there are, in one query over the orders index. */
async function ordersOfCarts(deps: CommerceDependencies, cartIds: readonly Types.ObjectId[]): Promise<Map<string, CartOrders>> {
  if (cartIds.length === 0) return new Map();
  const grouped = await deps.orders.Order.aggregate<{
    _id: Types.ObjectId;
    count: number;
    orders: Pick<OrderRecord, 'orderNo' | 'status' | 'payableFen' | 'createdAt'>[];
  }>([
    { $match: { 'attribution.guideCartId': { $in: cartIds } } },
    { $sort: { createdAt: -1, _id: -1 } },
    {
      $group: {
        _id: '$attribution.guideCartId',
        count: { $sum: 1 },
        orders: { $push: { orderNo: '$orderNo', status: '$status', payableFen: '$payableFen', createdAt: '$createdAt' } },
      },
    },
    { $project: { count: 1, orders: { $slice: ['$orders', MAX_LISTED_GUIDE_CART_ORDERS] } } },
  ]);
  return new Map(
    grouped.map((entry) => [
      entry._id.toHexString(),
      { count: entry.count, orders: entry.orders.map((order) => ({ ...order, createdAt: order.createdAt.toISOString() })) },
    ]),
  );
}

async function customersOf(deps: CommerceDependencies, carts: readonly GuideCartRecord[]): Promise<Map<string, Shopper>> {
  const ids = carts.flatMap((cart) => (cart.customerId === undefined ? [] : [cart.customerId]));
  if (ids.length === 0) return new Map();
  const shoppers = await deps.customers.Shopper.find({ _id: { $in: ids } }).lean<Shopper[]>();
  return new Map(shoppers.map((shopper) => [shopper._id.toHexString(), shopper]));
}

/** The guide's view of their carts: lines priced in one catalog read, orders in one aggregation. */
async function guideCartViews(deps: CommerceDependencies, guide: GuideRecord, carts: readonly GuideCartRecord[]): Promise<GuideCart[]> {
  const [skus, orders, customers] = await Promise.all([
    currentSkus(
      deps.catalog,
      carts.flatMap((cart) => cart.items.map((item) => item.skuId.toHexString())),
    ),
    ordersOfCarts(
      deps,
      carts.map((cart) => cart._id),
    ),
    customersOf(deps, carts),
  ]);
  const now = deps.now();
  return carts.map((cart) => {
    const customer = cart.customerId === undefined ? undefined : customers.get(cart.customerId.toHexString());
    const cartOrders = orders.get(cart._id.toHexString());
    return {
      token: cart.token,
      sharePath: guideCartSharePath(cart.token),
      shareUrl: guideCartShareUrl(deps.config.h5Origin, cart.token),
      status: guideCartStatus(cart, guide, now),
      note: cart.note ?? null,
      customer: cart.customerId === undefined ? null : { id: cart.customerId.toHexString(), nickname: customer?.nickname ?? null },
      ...pricedLines(deps, cart.items, skus),
      createdAt: cart.createdAt.toISOString(),
      expiresAt: cart.expiresAt.toISOString(),
      withdrawnAt: cart.withdrawnAt?.toISOString() ?? null,
      orderCount: cartOrders?.count ?? 0,
      orders: cartOrders?.orders ?? [],
    };
  });
}

async function guideCartView(deps: CommerceDependencies, guide: GuideRecord, cart: GuideCartRecord): Promise<GuideCart> {
  const [view] = await guideCartViews(deps, guide, [cart]);
  if (view === undefined) throw new Error(`no view of guide cart ${cart.token}`);
  return view;
}

/**
 * Makes a cart of on-sale SKUs in stock (the guide sees a problem now rather than their customer later), valid
 * GUIDE_CART_VALID_DAYS, for anyone with the link or only `customerId`.
 */
export async function createGuideCart(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  request: CreateGuideCartRequest,
): Promise<GuideCart> {
  const guide = await activeGuideOfShopper(deps, shopperId);
  const customerId = request.customerId === undefined ? undefined : new Types.ObjectId(request.customerId);
  if (customerId !== undefined && (await deps.customers.Shopper.exists({ _id: customerId })) === null) {
    throw new AppError('NOT_FOUND', { message: '顾客不存在', details: { field: 'customerId' } });
  }
  const skus = await currentSkus(
    deps.catalog,
    request.items.map((item) => item.skuId),
  );
  const unavailable = request.items
    .filter((item) => lineProblemOf(skus.get(item.skuId), item.quantity) === 'off_sale')
    .map((item) => item.skuId);
  if (unavailable.length > 0) throw new AppError('ITEM_UNAVAILABLE', { details: { skuIds: unavailable } });
  const short = request.items.find((item) => lineProblemOf(skus.get(item.skuId), item.quantity) === 'insufficient_stock');
  if (short !== undefined) {
    const available = skus.get(short.skuId)?.available ?? 0;
    throw new AppError('OUT_OF_STOCK', {
      message: available === 0 ? '该商品已售罄' : `库存不足，最多还能买 ${available} 件`,
      details: { skuId: short.skuId, available },
    });
  }
  const now = deps.now();
  const note = request.note === undefined || request.note === '' ? undefined : request.note;
  const created = await deps.guideCarts.create({
    token: randomBytes(TOKEN_BYTES).toString('base64url'),
    guideId: guide._id,
    items: request.items.map((item) => {
      const sku = skus.get(item.skuId) as CurrentSku;
      return {
        skuId: new Types.ObjectId(item.skuId),
        quantity: item.quantity,
        productId: new Types.ObjectId(sku.productId),
        title: sku.title,
        specText: sku.specText,
      };
    }),
    ...(note !== undefined && { note }),
    ...(customerId !== undefined && { customerId }),
    createdAt: now,
    expiresAt: new Date(now.getTime() + GUIDE_CART_VALID_DAYS * DAY_MS),
  });
  return guideCartView(deps, guide, created.toObject());
}

/** The signed-in guide's carts, newest first, each with the orders placed from it. */
export async function listGuideCarts(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  query: GuideCartListQuery,
): Promise<GuideCartListReply> {
  const guide = await guideRecordOfShopper(deps.guides, shopperId);
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 10;
  const [carts, total] = await Promise.all([
    deps.guideCarts
      .find({ guideId: guide._id })
      .sort({ createdAt: -1, _id: -1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<GuideCartRecord[]>(),
    deps.guideCarts.countDocuments({ guideId: guide._id }),
  ]);
  return { items: await guideCartViews(deps, guide, carts), total, page, pageSize };
}

/**
 * Stops the share: the cart can no longer be checked out (orders placed already stand). Withdrawing again changes
 * nothing; another guide's cart is 404 like an unknown one.
 */
export async function withdrawGuideCart(deps: CommerceDependencies, shopperId: Types.ObjectId, token: string): Promise<GuideCart> {
  const guide = await guideRecordOfShopper(deps.guides, shopperId);
  const withdrawn =
    (await deps.guideCarts
      .findOneAndUpdate(
        { token, guideId: guide._id, withdrawnAt: { $exists: false } },
        { $set: { withdrawnAt: deps.now() } },
        { returnDocument: 'after' },
      )
      .lean<GuideCartRecord>()) ?? (await deps.guideCarts.findOne({ token, guideId: guide._id }).lean<GuideCartRecord>());
  if (withdrawn === null) throw cartNotFound(token);
  return guideCartView(deps, guide, withdrawn);
}

// --- The customer's side ------------------------------------------------------------------------

interface SharedCart {
  cart: GuideCartRecord;
  guide: GuideRecord;
  /** The viewer is the cart's own guide (previewing their share). */
  ownGuide: boolean;
}

/** The cart behind a share token, if this shopper may have it: anyone, or only its customer (and its guide, to preview). */
async function sharedCart(deps: CommerceDependencies, shopperId: Types.ObjectId, token: string): Promise<SharedCart> {
  const cart = await deps.guideCarts.findOne({ token }).lean<GuideCartRecord>();
  if (cart === null) throw cartNotFound(token);
  const guide = await deps.guides.Guide.findById(cart.guideId).lean<GuideRecord>();
  if (guide === null) throw new Error(`guide cart ${token} has no guide ${cart.guideId.toHexString()}`);
  const ownGuide = guide.shopperId?.equals(shopperId) ?? false;
  if (cart.customerId !== undefined && !cart.customerId.equals(shopperId) && !ownGuide) throw new AppError('GUIDE_CART_NOT_YOURS');
  return { cart, guide, ownGuide };
}

/**
 * What the customer opening the share sees: the guide, the lines at today's prices, the note and whether it can still
 * be checked out. Opening an open cart is the guide's touch (channel `guide-order`), under the usual binding rules;
 * the guide previewing their own share is not.
 */
export async function openGuideCart(deps: CommerceDependencies, shopperId: Types.ObjectId, token: string): Promise<SharedGuideCartReply> {
  const { cart, guide, ownGuide } = await sharedCart(deps, shopperId, token);
  const status = guideCartStatus(cart, guide, deps.now());
  if (status === 'open' && !ownGuide) await recordTouch(deps, shopperId, { guideCode: guide.code, channel: 'guide-order' });
  const [store, skus] = await Promise.all([
    storeOf(deps, guide),
    currentSkus(
      deps.catalog,
      cart.items.map((item) => item.skuId.toHexString()),
    ),
  ]);
  return {
    guide: guideCardView(guide, store.name),
    status,
    note: cart.note ?? null,
    ...pricedLines(deps, cart.items, skus),
    expiresAt: cart.expiresAt.toISOString(),
  };
}

/**
 * The lines checkout buys for a guide cart and the guide the order is attributed to. Only an open cart: withdrawn
 * (409 GUIDE_CART_WITHDRAWN), its guide gone (409 GUIDE_LEFT) or expired (410 GUIDE_CART_EXPIRED) are refused.
 */
export async function guideCartForCheckout(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  token: string,
): Promise<{ items: GuideCartItem[]; source: GuideOrderSource }> {
  const { cart, guide } = await sharedCart(deps, shopperId, token);
  // The guide may preview a cart made for a customer, but only that customer buys it.
  if (cart.customerId !== undefined && !cart.customerId.equals(shopperId)) throw new AppError('GUIDE_CART_NOT_YOURS');
  const status = guideCartStatus(cart, guide, deps.now());
  if (status === 'withdrawn') throw new AppError('GUIDE_CART_WITHDRAWN');
  if (status === 'guide-left') throw new AppError('GUIDE_LEFT');
  if (status === 'expired') throw new AppError('GUIDE_CART_EXPIRED', { details: { expiresAt: cart.expiresAt.toISOString() } });
  return { items: cart.items, source: { guide, store: await storeOf(deps, guide), guideCartId: cart._id } };
}
