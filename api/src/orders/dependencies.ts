import type { Model } from 'mongoose';
import type { Config } from '@mall/config';
import { attributionModels, ensureAttributionIndexes, type AttributionModels } from '../attribution/models.ts';
import { afterSaleModel, type AfterSaleModel } from '../after-sales/models.ts';
import { cartModel, type Cart } from '../cart/models.ts';
import { localImageStorage, type ImageStorage } from '../catalog/image-storage.ts';
import { catalogModels, ensureCatalogIndexes, type CatalogModels } from '../catalog/models.ts';
import { customerModels, ensureCustomerIndexes, type CustomerModels } from '../customers/models.ts';
import type { Database } from '../db/database.ts';
import { ensureGuideCartIndexes, guideCartModel, type GuideCartModel } from '../guide-orders/models.ts';
import { ensureGuideIndexes, guideModels, type GuideModels } from '../guides/models.ts';
import { ensurePaymentIndexes, paymentModels, type PaymentModels } from '../payments/models.ts';
import { carrierTrackingFromConfig, type CarrierTrackingClient } from '../platform/carrier-tracking/client.ts';
import { miniProgramClientFromConfig, type MiniProgramClient } from '../platform/miniprogram/client.ts';
import { wechatPayClientFromConfig, type WechatPayClient } from '../platform/wechat-pay/index.ts';
import { ensureOrderIndexes, orderModels, type OrderModels } from './models.ts';

/** What the cart, checkout, orders and payments work with: one set per app (and per job runner). */
export interface CommerceDependencies {
  config: Config;
  catalog: CatalogModels;
  customers: CustomerModels;
  orders: OrderModels;
  carts: Model<Cart>;
  payments: PaymentModels;
  afterSales: AfterSaleModel;
  /** Who brought the shopper: orders are attributed to the bound guide, or one assigned at payment. */
  attribution: AttributionModels;
  guides: GuideModels;
  /** Carts guides built and shared (代客下单): checkout buys their lines for the guide. */
  guideCarts: GuideCartModel;
  images: ImageStorage;
  wechatPay: WechatPayClient;
  /** Shipping uploads (发货信息管理). */
  miniProgram: MiniProgramClient;
  /** Logistics traces. */
  carrierTracking: CarrierTrackingClient;
  now(): Date;
}

export function commerceDependencies(config: Config, db: Pick<Database, 'connection'>): CommerceDependencies {
  return {
    config,
    catalog: catalogModels(db.connection),
    customers: customerModels(db.connection),
    orders: orderModels(db.connection),
    carts: cartModel(db.connection),
    payments: paymentModels(db.connection),
    afterSales: afterSaleModel(db.connection),
    attribution: attributionModels(db.connection),
    guides: guideModels(db.connection),
    guideCarts: guideCartModel(db.connection),
    images: localImageStorage(config.uploadsDir),
    wechatPay: wechatPayClientFromConfig(config),
    miniProgram: miniProgramClientFromConfig(config),
    carrierTracking: carrierTrackingFromConfig(config),
    now: () => new Date(),
  };
}

/** Resolves once the unique indexes checkout and payment rely on exist (before serving, and in tests). */
export async function ensureCommerceIndexes(deps: CommerceDependencies): Promise<void> {
  await Promise.all([
    ensureCatalogIndexes(deps.catalog),
    ensureCustomerIndexes(deps.customers),
    ensureOrderIndexes(deps.orders),
    ensurePaymentIndexes(deps.payments),
    deps.afterSales.init(),
    ensureAttributionIndexes(deps.attribution),
    ensureGuideIndexes(deps.guides),
    ensureGuideCartIndexes(deps.guideCarts),
    deps.carts.init(),
  ]);
}
