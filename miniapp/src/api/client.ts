import Taro from '@tarojs/taro';
import { z } from 'zod';
import {
  ApiError,
  guideOrderPageSchema,
  myPerformanceReplySchema,
  type GuideOrderPage,
  type MyGuideOrdersQuery,
  type MyPerformanceReply,
  guideContactReplySchema,
  guideShopContactReplySchema,
  type ContactSurface,
  type GuideContactReply,
  type GuideShopContactReply,
  afterSaleListReplySchema,
  afterSaleReplySchema,
  imageReplySchema,
  orderAfterSalesReplySchema,
  type AfterSaleListQuery,
  type AfterSaleListReply,
  type AfterSaleReply,
  type CreateAfterSaleRequest,
  type OrderAfterSalesReply,
  type ReturnShipmentRequest,
  addressListReplySchema,
  addressReplySchema,
  cartReplySchema,
  checkoutPreviewReplySchema,
  errorCatalogue,
  guideReplySchema,
  guideShopAssetsReplySchema,
  type GuideShopAssetsReply,
  guidePicksReplySchema,
  guideShopReplySchema,
  guideCartListReplySchema,
  guideCustomerListReplySchema,
  type GuideCustomerListQuery,
  type GuideCustomerListReply,
  guideCartReplySchema,
  sharedGuideCartReplySchema,
  type CreateGuideCartRequest,
  type GuideCartListQuery,
  type GuideCartListReply,
  type GuideCartReply,
  type SharedGuideCartReply,
  myGuideReplySchema,
  recordTouchReplySchema,
  type GuidePicksReply,
  type GuideReply,
  type GuideShopReply,
  type MyGuideReply,
  type RecordTouchReply,
  type RecordTouchRequest,
  type RedeemInvitationRequest,
  healthReplySchema,
  networkFailed,
  productSearchReplySchema,
  storefrontCategoryTreeReplySchema,
  storefrontProductReplySchema,
  orderListReplySchema,
  orderDetailReplySchema,
  orderReplySchema,
  logisticsTraceReplySchema,
  type LogisticsTraceReply,
  paymentStatusReplySchema,
  prepayReplySchema,
  readApiReply,
  sandboxLoginCodeReplySchema,
  shopperLoginReplySchema,
  shopperReplySchema,
  type AddressInput,
  type AddressListReply,
  type AddressReply,
  type CartReply,
  type CheckoutPreviewReply,
  type CheckoutPreviewRequest,
  type CreateOrderRequest,
  type HealthReply,
  type ProductSearchQuery,
  type ProductSearchReply,
  type StorefrontCategoryTreeReply,
  type StorefrontProductReply,
  type StoredImage,
  type OrderListQuery,
  type OrderListReply,
  type OrderDetailReply,
  type OrderReply,
  type PaymentStatusReply,
  type PrepayReply,
  type SandboxLoginCodeReply,
  type ShopperLoginReply,
  type ShopperReply,
} from '@mall/shared';
import { clearShopperSession, shopperToken } from '../session/store';

export { ApiError, type ApiErrorCode } from '@mall/shared';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClient {
  /** `GET /api/health`: whether the service is up, its database mode, sandbox flag and version. */
  health(): Promise<HealthReply>;
  /** `GET /api/categories`: the category tree, in order. */
  categories(): Promise<StorefrontCategoryTreeReply>;
  /** `GET /api/products`: one page of on-sale products by keyword, category, price and sort. */
  searchProducts(query: ProductSearchQuery): Promise<ProductSearchReply>;
  /** `GET /api/products/:id`: an on-sale product with its SKUs (404 for anything else). */
  product(id: string): Promise<StorefrontProductReply>;
  /** Where the page loads a stored image (or a guide's avatar) from: the API's relative URLs resolved against the API's base URL. */
  imageUrl(image: Pick<StoredImage, 'url'>): string;
  /** `POST /api/shopper/login`: a `wx.login` code for a shopper token. */
  shopperLogin(code: string): Promise<ShopperLoginReply>;
  /** `POST /api/dev/sandbox-login-code`: development only (sandboxed API), a test user's login code for H5. */
  sandboxLoginCode(user: string): Promise<SandboxLoginCodeReply>;
  shopperMe(): Promise<ShopperReply>;
  shopperLogout(): Promise<void>;
  addresses(): Promise<AddressListReply>;
  address(id: string): Promise<AddressReply>;
  createAddress(address: AddressInput): Promise<AddressReply>;
  updateAddress(id: string, address: AddressInput): Promise<AddressReply>;
  deleteAddress(id: string): Promise<void>;
  setDefaultAddress(id: string): Promise<AddressReply>;
  /** The shopper's cart; every change answers with the whole cart. */
  cart(): Promise<CartReply>;
  addCartItem(skuId: string, quantity: number): Promise<CartReply>;
  updateCartItem(skuId: string, quantity: number): Promise<CartReply>;
  removeCartItem(skuId: string): Promise<CartReply>;
  /** `POST /api/checkout/preview`: lines at current prices and stock, each discount, shipping fee, payable. */
  checkoutPreview(request: CheckoutPreviewRequest): Promise<CheckoutPreviewReply>;
  /** `POST /api/orders`: the same `idempotencyKey` always answers with the same order. */
  createOrder(request: CreateOrderRequest): Promise<OrderReply>;
  orders(query: OrderListQuery): Promise<OrderListReply>;
  order(orderNo: string): Promise<OrderDetailReply>;
  cancelOrder(orderNo: string): Promise<OrderReply>;
  /** `POST /api/orders/:orderNo/pay`: the `wx.requestPayment` parameters (and, against the sandbox, its cashier page). */
  payOrder(orderNo: string): Promise<PrepayReply>;
  /** `GET /api/orders/:orderNo/payment`: asks WeChat Pay while the order is still unpaid. */
  paymentStatus(orderNo: string): Promise<PaymentStatusReply>;
  /** `POST /api/orders/:orderNo/confirm-receipt`: 确认收货 of a shipped order. */
  confirmReceipt(orderNo: string): Promise<OrderReply>;
  /** `GET /api/orders/:orderNo/logistics`: the parcel's trace, newest event first. */
  orderLogistics(orderNo: string): Promise<LogisticsTraceReply>;
  /** `GET /api/orders/:orderNo/after-sales`: the order's requests, what is still refundable, whether a new one can be made. */
  orderAfterSales(orderNo: string): Promise<OrderAfterSalesReply>;
  createAfterSale(request: CreateAfterSaleRequest): Promise<AfterSaleReply>;
  afterSales(query: AfterSaleListQuery): Promise<AfterSaleListReply>;
  afterSale(afterSaleNo: string): Promise<AfterSaleReply>;
  cancelAfterSale(afterSaleNo: string): Promise<AfterSaleReply>;
  shipAfterSaleReturn(afterSaleNo: string, request: ReturnShipmentRequest): Promise<AfterSaleReply>;
  /** `GET /api/guide/me`: the guide the shopper is bound to (404 `NOT_FOUND` when they are not a guide). */
  guideMe(): Promise<GuideReply>;
  /** `POST /api/guide/invitations/redeem`: binds the shopper to the invitation's guide; each code works once. */
  redeemGuideInvitation(request: RedeemInvitationRequest): Promise<GuideReply>;
  /** `GET /api/guide/me/picks`: the signed-in guide's picks (主推) in order, each saying whether it is on sale. */
  myGuidePicks(): Promise<GuidePicksReply>;
  /** `PUT /api/guide/me/picks`: replaces the guide's picks with these products, in this order. */
  setMyGuidePicks(productIds: readonly string[]): Promise<GuidePicksReply>;
  /** `GET /api/guide/me/performance`: the signed-in guide's month (this month unless told): figures, days and rank. */
  myGuidePerformance(month?: string): Promise<MyPerformanceReply>;
  /** `GET /api/guide/me/orders`: orders attributed to the signed-in guide, newest first, with their commission. */
  myGuideOrders(query: MyGuideOrdersQuery): Promise<GuideOrderPage>;
  /** `GET /api/shop/guides/:code`: a guide's shop banner and on-sale picks (404 `GUIDE_NOT_FOUND`, 409 `GUIDE_LEFT`). */
  guideShop(code: string): Promise<GuideShopReply>;
  /** `POST /api/touches`: the shopper came in through a guide's code; the binding rules decide what it does. */
  recordTouch(request: RecordTouchRequest): Promise<RecordTouchReply>;
  /** `GET /api/me/guide`: the shopper's own guide (专属导购), or null before any. */
  myGuide(): Promise<MyGuideReply>;
  /** `POST /api/guide/me/guide-carts`: the signed-in guide builds a cart to share (代客下单); the reply carries its share path. */
  createGuideCart(request: CreateGuideCartRequest): Promise<GuideCartReply>;
  /** `GET /api/guide/me/guide-carts`: the guide's carts, newest first, with the orders placed from each. */
  myGuideCarts(query: GuideCartListQuery): Promise<GuideCartListReply>;
  /** `GET /api/guide/me/customers`: the signed-in guide's customers (我的客户), newest binding first. */
  myGuideCustomers(query: GuideCustomerListQuery): Promise<GuideCustomerListReply>;
  /** `POST /api/guide/me/guide-carts/:token/withdraw`: the cart can no longer be checked out. */
  withdrawGuideCart(token: string): Promise<GuideCartReply>;
  /** `GET /api/guide-carts/:token`: a guide's shared cart as the customer sees it (opening it is the guide's touch). */
  guideCart(token: string): Promise<SharedGuideCartReply>;
  /** `GET /api/orders/:orderNo/guide-contact`: the paid order's guide and how to add them on WeCom (409 `ORDER_NOT_PAID` before payment). */
  orderGuideContact(orderNo: string, surface: ContactSurface): Promise<GuideContactReply>;
  /** `GET /api/me/guide-contact`: how to add the shopper's own guide on WeCom, or that they did. */
  myGuideContact(surface: ContactSurface): Promise<GuideContactReply>;
  /** `GET /api/guide-contacts/guides/:code`: a guide's general WeCom contact (the guide shop's entry). */
  guideShopContact(code: string, surface: ContactSurface): Promise<GuideShopContactReply>;
  /** Uploads a chosen photo (`Taro.chooseImage`'s temp path) with `Taro.uploadFile`; the stored image. */
  uploadShopperImage(filePath: string): Promise<StoredImage>;
  /** `POST /api/guide/me/avatar`: uploads the chosen photo (`Taro.chooseMedia`'s temp path) as the guide's own avatar. */
  changeMyGuideAvatar(filePath: string): Promise<GuideReply>;
  /** `GET /api/guide/me/shop-assets`: the guide's shop links, mini-program code and posters (public image URLs). */
  myGuideShopAssets(): Promise<GuideShopAssetsReply>;
}

/** Where shopper calls get their token, and what happens when the API refuses it (expired, logged out elsewhere). */
export interface ShopperCredentials {
  token(): string | null;
  rejected(): void;
}

/** A reply with no body (204). */
const noContent = z.unknown().transform((): void => undefined);

/** `?a=1&b=x` from the values that are set, or `''` (the mini-program has no URLSearchParams). */
function queryString(query: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(query).flatMap(([key, value]) =>
    value === undefined ? [] : [`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`],
  );
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

interface CallOptions {
  body?: unknown;
  /** A shopper call: sends `Authorization: Bearer`, and fails without a request when signed out. */
  shopper?: boolean;
}

/**
 * A typed client over `Taro.request` (wx.request in the mini-program, fetch in H5). Every reply is parsed with
 * the `@mall/shared` schemas; failures become `ApiError`. `baseUrl` empty means the page's own origin (H5).
 */
export function createApiClient(baseUrl: string, credentials: ShopperCredentials): ApiClient {
  const origin = baseUrl.replace(/\/+$/, '');

  async function call<Schema extends z.ZodType>(
    method: HttpMethod,
    path: string,
    replySchema: Schema,
    options: CallOptions = {},
  ): Promise<z.output<Schema>> {
    const header: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) header['Content-Type'] = 'application/json';
    if (options.shopper) {
      const token = credentials.token();
      if (token === null) throw new ApiError('UNAUTHENTICATED', errorCatalogue.UNAUTHENTICATED.message, { status: 401 });
      header.Authorization = `Bearer ${token}`;
    }
    let reply: { statusCode: number; data: unknown; header?: Record<string, string> };
    try {
      reply = await Taro.request<unknown>({ url: `${origin}${path}`, method, dataType: 'json', header, data: options.body });
    } catch (cause) {
      throw networkFailed(cause);
    }
    if (options.shopper && reply.statusCode === 401) credentials.rejected();
    return readApiReply(replySchema, { status: reply.statusCode, data: reply.data, retryAfter: reply.header?.['Retry-After'] });
  }

  /** Sends a chosen file with `Taro.uploadFile` (multipart, the file in the `file` part) as the signed-in shopper. */
  async function upload<Schema extends z.ZodType>(path: string, filePath: string, replySchema: Schema): Promise<z.output<Schema>> {
    const token = credentials.token();
    if (token === null) throw new ApiError('UNAUTHENTICATED', errorCatalogue.UNAUTHENTICATED.message, { status: 401 });
    let reply: { statusCode: number; data: string };
    try {
      reply = await Taro.uploadFile({
        url: `${origin}${path}`,
        filePath,
        name: 'file',
        header: { Authorization: `Bearer ${token}` },
      });
    } catch (cause) {
      throw networkFailed(cause);
    }
    if (reply.statusCode === 401) credentials.rejected();
    // uploadFile hands the reply body back as text.
    let data: unknown;
    try {
      data = JSON.parse(reply.data);
    } catch {
      data = undefined;
    }
    return readApiReply(replySchema, { status: reply.statusCode, data });
  }

  const addressPath = (id: string) => `/api/shopper/addresses/${encodeURIComponent(id)}`;
  const cartItemPath = (skuId: string) => `/api/cart/items/${encodeURIComponent(skuId)}`;
  const orderPath = (orderNo: string) => `/api/orders/${encodeURIComponent(orderNo)}`;
  const afterSalePath = (afterSaleNo: string) => `/api/after-sales/${encodeURIComponent(afterSaleNo)}`;

  return {
    health: () => call('GET', '/api/health', healthReplySchema),
    categories: () => call('GET', '/api/categories', storefrontCategoryTreeReplySchema),
    searchProducts: (query) => call('GET', `/api/products${queryString(query)}`, productSearchReplySchema),
    product: (id) => call('GET', `/api/products/${encodeURIComponent(id)}`, storefrontProductReplySchema),
    imageUrl: (image) => (image.url.startsWith('/') ? `${origin}${image.url}` : image.url),
    shopperLogin: (code) => call('POST', '/api/shopper/login', shopperLoginReplySchema, { body: { code } }),
    sandboxLoginCode: (user) => call('POST', '/api/dev/sandbox-login-code', sandboxLoginCodeReplySchema, { body: { user } }),
    shopperMe: () => call('GET', '/api/shopper/me', shopperReplySchema, { shopper: true }),
    shopperLogout: () => call('POST', '/api/shopper/logout', noContent, { shopper: true }),
    addresses: () => call('GET', '/api/shopper/addresses', addressListReplySchema, { shopper: true }),
    address: (id) => call('GET', addressPath(id), addressReplySchema, { shopper: true }),
    createAddress: (address) => call('POST', '/api/shopper/addresses', addressReplySchema, { body: address, shopper: true }),
    updateAddress: (id, address) => call('PUT', addressPath(id), addressReplySchema, { body: address, shopper: true }),
    deleteAddress: (id) => call('DELETE', addressPath(id), noContent, { shopper: true }),
    setDefaultAddress: (id) => call('POST', `${addressPath(id)}/default`, addressReplySchema, { shopper: true }),
    cart: () => call('GET', '/api/cart', cartReplySchema, { shopper: true }),
    addCartItem: (skuId, quantity) => call('POST', '/api/cart/items', cartReplySchema, { body: { skuId, quantity }, shopper: true }),
    updateCartItem: (skuId, quantity) => call('PATCH', cartItemPath(skuId), cartReplySchema, { body: { quantity }, shopper: true }),
    removeCartItem: (skuId) => call('DELETE', cartItemPath(skuId), cartReplySchema, { shopper: true }),
    checkoutPreview: (request) => call('POST', '/api/checkout/preview', checkoutPreviewReplySchema, { body: request, shopper: true }),
    createOrder: (request) => call('POST', '/api/orders', orderReplySchema, { body: request, shopper: true }),
    orders: (query) => call('GET', `/api/orders${queryString(query)}`, orderListReplySchema, { shopper: true }),
    order: (orderNo) => call('GET', orderPath(orderNo), orderDetailReplySchema, { shopper: true }),
    cancelOrder: (orderNo) => call('POST', `${orderPath(orderNo)}/cancel`, orderReplySchema, { shopper: true }),
    payOrder: (orderNo) => call('POST', `${orderPath(orderNo)}/pay`, prepayReplySchema, { shopper: true }),
    paymentStatus: (orderNo) => call('GET', `${orderPath(orderNo)}/payment`, paymentStatusReplySchema, { shopper: true }),
    confirmReceipt: (orderNo) => call('POST', `${orderPath(orderNo)}/confirm-receipt`, orderReplySchema, { shopper: true }),
    orderLogistics: (orderNo) => call('GET', `${orderPath(orderNo)}/logistics`, logisticsTraceReplySchema, { shopper: true }),
    orderAfterSales: (orderNo) => call('GET', `${orderPath(orderNo)}/after-sales`, orderAfterSalesReplySchema, { shopper: true }),
    createAfterSale: (request) => call('POST', '/api/after-sales', afterSaleReplySchema, { body: request, shopper: true }),
    afterSales: (query) => call('GET', `/api/after-sales${queryString(query)}`, afterSaleListReplySchema, { shopper: true }),
    afterSale: (afterSaleNo) => call('GET', afterSalePath(afterSaleNo), afterSaleReplySchema, { shopper: true }),
    cancelAfterSale: (afterSaleNo) => call('POST', `${afterSalePath(afterSaleNo)}/cancel`, afterSaleReplySchema, { shopper: true }),
    shipAfterSaleReturn: (afterSaleNo, request) =>
      call('POST', `${afterSalePath(afterSaleNo)}/return-shipment`, afterSaleReplySchema, { body: request, shopper: true }),
    guideMe: () => call('GET', '/api/guide/me', guideReplySchema, { shopper: true }),
    redeemGuideInvitation: (request) => call('POST', '/api/guide/invitations/redeem', guideReplySchema, { body: request, shopper: true }),
    myGuidePicks: () => call('GET', '/api/guide/me/picks', guidePicksReplySchema, { shopper: true }),
    setMyGuidePicks: (productIds) => call('PUT', '/api/guide/me/picks', guidePicksReplySchema, { body: { productIds }, shopper: true }),
    myGuidePerformance: (month) =>
      call('GET', `/api/guide/me/performance${queryString({ month })}`, myPerformanceReplySchema, { shopper: true }),
    myGuideOrders: (query) => call('GET', `/api/guide/me/orders${queryString(query)}`, guideOrderPageSchema, { shopper: true }),
    guideShop: (code) => call('GET', `/api/shop/guides/${encodeURIComponent(code)}`, guideShopReplySchema),
    recordTouch: (request) => call('POST', '/api/touches', recordTouchReplySchema, { body: request, shopper: true }),
    myGuide: () => call('GET', '/api/me/guide', myGuideReplySchema, { shopper: true }),
    createGuideCart: (request) => call('POST', '/api/guide/me/guide-carts', guideCartReplySchema, { body: request, shopper: true }),
    myGuideCarts: (query) => call('GET', `/api/guide/me/guide-carts${queryString(query)}`, guideCartListReplySchema, { shopper: true }),
    myGuideCustomers: (query) =>
      call('GET', `/api/guide/me/customers${queryString(query)}`, guideCustomerListReplySchema, { shopper: true }),
    withdrawGuideCart: (token) =>
      call('POST', `/api/guide/me/guide-carts/${encodeURIComponent(token)}/withdraw`, guideCartReplySchema, { shopper: true }),
    guideCart: (token) => call('GET', `/api/guide-carts/${encodeURIComponent(token)}`, sharedGuideCartReplySchema, { shopper: true }),
    orderGuideContact: (orderNo, surface) =>
      call('GET', `${orderPath(orderNo)}/guide-contact${queryString({ surface })}`, guideContactReplySchema, { shopper: true }),
    myGuideContact: (surface) =>
      call('GET', `/api/me/guide-contact${queryString({ surface })}`, guideContactReplySchema, { shopper: true }),
    guideShopContact: (code, surface) =>
      call('GET', `/api/guide-contacts/guides/${encodeURIComponent(code)}${queryString({ surface })}`, guideShopContactReplySchema),
    uploadShopperImage: async (filePath) => (await upload('/api/shopper/images', filePath, imageReplySchema)).image,
    changeMyGuideAvatar: (filePath) => upload('/api/guide/me/avatar', filePath, guideReplySchema),
    myGuideShopAssets: () => call('GET', '/api/guide/me/shop-assets', guideShopAssetsReplySchema, { shopper: true }),
  };
}

/** The storefront's client, calling the API at the build's `API_BASE_URL` with the stored shopper session. */
export const apiClient = createApiClient(API_BASE_URL, { token: shopperToken, rejected: clearShopperSession });
