import { setTimeout as delay } from 'node:timers/promises';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { CheckoutPreviewReply, CheckoutPreviewRequest, CreateOrderRequest } from '@mall/shared';
import { currentLine, currentSkus, type CurrentLine } from '../cart/current-lines.ts';
import type { CartItem } from '../cart/models.ts';
import { cartLinesForCheckout, removeBoughtLines } from '../cart/service.ts';
import { releaseStock, reserveStock } from '../catalog/stock.ts';
import { findAddress, listAddresses } from '../customers/addresses.ts';
import { addressFields, type Shopper } from '../customers/models.ts';
import { attributionAtCheckout, type GuideOrderSource } from '../attribution/orders.ts';
import { isDuplicateKeyError } from '../db/errors.ts';
import { guideCartForCheckout } from '../guide-orders/service.ts';
import { AppError } from '../http/errors.ts';
import { abandonCheckoutClaim } from './abandoned-checkouts.ts';
import type { CommerceDependencies } from './dependencies.ts';
import type { OrderRecord } from './models.ts';
import { allocateOrderNumber } from './order-numbers.ts';
import { standardCalculators } from './pricing/calculators.ts';
import { priceOrder, type OrderPricing, type PricingLineInput } from './pricing/chain.ts';

/** What is being bought, whether it comes from the cart (those lines leave it once ordered), and from which guide's cart. */
interface Purchase {
  lines: { skuId: string; quantity: number; fallback: { title: string; specText: string; productId: string } }[];
  fromCart: boolean;
  guideOrder?: GuideOrderSource;
}

type PurchaseRequest = Pick<CheckoutPreviewRequest, 'items' | 'fromCart' | 'skuIds' | 'guideCartToken'>;

/** Shown for a SKU the catalog does not have at all (never did, or its draft product was deleted). */
const MISSING_SKU = { title: '商品已失效', specText: '', productId: '' };

/** Lines kept by a cart or a guide cart, with the title they last saw of each SKU (for one the catalog no longer has). */
function storedLines(items: readonly Pick<CartItem, 'skuId' | 'quantity' | 'title' | 'specText' | 'productId'>[]): Purchase['lines'] {
  return items.map((item) => ({
    skuId: item.skuId.toHexString(),
    quantity: item.quantity,
    fallback: { title: item.title, specText: item.specText, productId: item.productId.toHexString() },
  }));
}

async function resolvePurchase(deps: CommerceDependencies, shopperId: Types.ObjectId, request: PurchaseRequest): Promise<Purchase> {
  if (request.guideCartToken !== undefined) {
    const { items, source } = await guideCartForCheckout(deps, shopperId, request.guideCartToken);
    return { lines: storedLines(items), fromCart: false, guideOrder: source };
  }
  if (request.items !== undefined) {
    return { lines: request.items.map((item) => ({ ...item, fallback: MISSING_SKU })), fromCart: false };
  }
  const items = await cartLinesForCheckout(deps.carts, shopperId, request.skuIds);
  if (items.length === 0) throw new AppError('CART_EMPTY');
  return { lines: storedLines(items), fromCart: true };
}

async function currentLinesOf(deps: CommerceDependencies, purchase: Purchase): Promise<CurrentLine[]> {
  const skus = await currentSkus(
    deps.catalog,
    purchase.lines.map((line) => line.skuId),
  );
  return purchase.lines.map((line) => currentLine(deps.images, line.skuId, line.quantity, skus.get(line.skuId), line.fallback));
}

function pricingInput(line: CurrentLine): PricingLineInput {
  return {
    skuId: line.skuId,
    productId: line.productId,
    title: line.title,
    specText: line.specText,
    ...(line.image !== null && { imageUrl: line.image.url }),
    unitPriceFen: line.unitPriceFen,
    quantity: line.quantity,
  };
}

function pricingView(pricing: OrderPricing): CheckoutPreviewReply['pricing'] {
  const { itemsTotalFen, discounts, discountTotalFen, shippingFeeFen, payableFen } = pricing;
  return { itemsTotalFen, discounts, discountTotalFen, shippingFeeFen, payableFen };
}

/**
 * 试算: the lines at the catalog's current prices and stock, priced by the same calculator chain as the
 * order will be. Lines that cannot be bought are shown with their problem and left out of the amounts.
 */
export async function previewCheckout(
  deps: CommerceDependencies,
  shopperId: Types.ObjectId,
  request: CheckoutPreviewRequest,
): Promise<CheckoutPreviewReply> {
  const purchase = await resolvePurchase(deps, shopperId, request);
  const lines = await currentLinesOf(deps, purchase);
  const pricing = priceOrder(lines.filter((line) => line.problem === null).map(pricingInput), standardCalculators());
  const address =
    request.addressId === undefined
      ? ((await listAddresses(deps.customers, shopperId))[0] ?? null)
      : await findAddress(deps.customers, shopperId, new Types.ObjectId(request.addressId));
  return {
    lines: lines.map((line) => ({ ...line, lineTotalFen: line.unitPriceFen * line.quantity })),
    pricing: pricingView(pricing),
    address: address === null ? null : { id: address.id, ...addressFields(address) },
    canSubmit: lines.length > 0 && lines.every((line) => line.problem === null) && address !== null,
  };
}

/** How long identical checkouts wait for the one that is creating the order. */
const CLAIM_WAIT_MS = 10_000;

export interface CreatedOrder {
  order: OrderRecord;
  /** False when the idempotency key named an order made earlier. */
  created: boolean;
}

/**
 * Places an order, once per shopper and idempotency key: the order made by an earlier (or racing) request
 * with the same key is returned as it is. Identical requests racing each other are serialised by a claim
 * on the key, so stock is reserved for one of them only.
 */
export async function createOrder(
  deps: CommerceDependencies,
  shopper: Shopper,
  request: CreateOrderRequest,
  log: Logger,
): Promise<CreatedOrder> {
  const byKey = () => deps.orders.Order.findOne({ shopperId: shopper._id, idempotencyKey: request.idempotencyKey }).lean<OrderRecord>();
  const claimId = `${shopper._id.toHexString()}:${request.idempotencyKey}`;
  const startedAt = Date.now();
  // The claim comes first: a new key (nearly every checkout) takes it at once. Claims outlive their checkout
  // (a TTL tidies them away), so a key already used finds its claim taken and then its order.
  while (!(await claim(deps, claimId))) {
    const existing = await byKey();
    if (existing !== null) return { order: existing, created: false };
    // A claim with no order that is old enough belongs to a checkout that died midway: take over.
    if (await abandonCheckoutClaim(deps, claimId, log)) continue;
    if (Date.now() - startedAt > CLAIM_WAIT_MS) throw new AppError('CONFLICT');
    await delay(20 + Math.random() * 30);
  }
  try {
    return await placeOrder(deps, shopper, request, claimId, log);
  } catch (error) {
    // This checkout made nothing: a retry with the same key may try again.
    await deps.orders.CheckoutClaim.deleteOne({ _id: claimId });
    if (isDuplicateKeyError(error)) {
      const existing = await byKey();
      if (existing !== null) return { order: existing, created: false };
    }
    throw error;
  }
}

/** Takes the key's claim; false while another checkout holds it (or held it and made its order). */
async function claim(deps: CommerceDependencies, claimId: string): Promise<boolean> {
  try {
    await deps.orders.CheckoutClaim.create({ _id: claimId, claimedAt: deps.now() });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

async function placeOrder(
  deps: CommerceDependencies,
  shopper: Shopper,
  request: CreateOrderRequest,
  claimId: string,
  log: Logger,
): Promise<CreatedOrder> {
  const purchase = await resolvePurchase(deps, shopper._id, request);
  const address = await findAddress(deps.customers, shopper._id, new Types.ObjectId(request.addressId));
  const lines = await currentLinesOf(deps, purchase);
  const unavailable = lines.filter((line) => line.problem === 'off_sale').map((line) => line.skuId);
  if (unavailable.length > 0) throw new AppError('ITEM_UNAVAILABLE', { details: { skuIds: unavailable } });
  const pricing = priceOrder(lines.map(pricingInput), standardCalculators());
  const attribution = await attributionAtCheckout(deps, shopper._id, deps.now(), purchase.guideOrder);

  // The guarded reservation is the stock check: nothing is written when any line runs short. The claim
  // notes the lines first, so stock reserved by a checkout that dies before its order is written comes back.
  const stockLines = lines.map((line) => ({ skuId: new Types.ObjectId(line.skuId), quantity: line.quantity }));
  await deps.orders.CheckoutClaim.updateOne({ _id: claimId }, { $set: { stockLines } });
  await reserveStock(deps.catalog, stockLines);
  let order: OrderRecord;
  try {
    const placedAt = deps.now();
    const orderNo = await allocateOrderNumber(deps.orders.DailyCounter, placedAt);
    const created = await deps.orders.Order.create({
      orderNo,
      shopperId: shopper._id,
      idempotencyKey: request.idempotencyKey,
      status: 'pending_payment',
      lines: lines.map((line, index) => ({
        skuId: new Types.ObjectId(line.skuId),
        productId: new Types.ObjectId(line.productId),
        title: line.title,
        specText: line.specText,
        ...(line.image !== null && { imageId: line.image.id }),
        unitPriceFen: line.unitPriceFen,
        quantity: line.quantity,
        lineTotalFen: pricing.lines[index]?.lineTotalFen,
      })),
      itemsTotalFen: pricing.itemsTotalFen,
      discounts: pricing.discounts,
      discountTotalFen: pricing.discountTotalFen,
      shippingFeeFen: pricing.shippingFeeFen,
      payableFen: pricing.payableFen,
      address: addressFields(address),
      remark: request.remark ?? '',
      payerOpenid: shopper.openid,
      payDeadline: new Date(placedAt.getTime() + deps.config.orderPaymentTimeoutMinutes * 60_000),
      stock: 'reserved',
      attribution,
      history: [
        { event: 'created', from: null, to: 'pending_payment', at: placedAt, actor: { type: 'shopper', id: shopper._id.toHexString() } },
      ],
      createdAt: placedAt,
      updatedAt: placedAt,
    });
    order = created.toObject();
  } catch (error) {
    // Compensation: the order was not written, so its reservation must not outlive this request.
    await releaseStock(deps.catalog, stockLines);
    throw error;
  }
  if (purchase.fromCart) {
    // The order stands even if the cart cannot be tidied now; the shopper can remove the lines themselves.
    await removeBoughtLines(
      deps.carts,
      shopper._id,
      lines.map((line) => line.skuId),
    ).catch((error: unknown) => log.error({ err: error, orderNo: order.orderNo }, 'could not remove ordered lines from the cart'));
  }
  return { order, created: true };
}
