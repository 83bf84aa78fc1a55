import type { z } from 'zod';
import {
  IDEMPOTENCY_KEY_HEADER,
  handoverListReplySchema,
  handoverReplySchema,
  type CreateHandoverRequest,
  type HandoverDetailQuery,
  type HandoverListQuery,
  type HandoverListReply,
  type HandoverReply,
  commissionRateListReplySchema,
  commissionRateReplySchema,
  guideMonthPerformanceReplySchema,
  guidePerformanceReplySchema,
  type CommissionRate,
  type CommissionRateListReply,
  type GuideMonthPerformanceReply,
  type GuideMonthQuery,
  type GuidePerformanceQuery,
  type GuidePerformanceReply,
  guideWecomReplySchema,
  guideWecomSummaryReplySchema,
  wecomRelationListReplySchema,
  type GuideWecomReply,
  type GuideWecomSummary,
  type WecomRelationListQuery,
  type WecomRelationListReply,
  attributionSettingsReplySchema,
  customerBindingReplySchema,
  customerListReplySchema,
  type AttributionSettings,
  type CustomerBindingReply,
  type CustomerListQuery,
  type CustomerListReply,
  type UpdateAttributionSettingsRequest,
  adminAfterSaleReplySchema,
  afterSaleListReplySchema,
  type AdminAfterSaleListQuery,
  guideInvitationReplySchema,
  guidePicksReplySchema,
  type GuidePick,
  guideListReplySchema,
  guideReplySchema,
  guideShopAssetsReplySchema,
  type GuideShopAssets,
  type PosterSurface,
  storeListReplySchema,
  storeReplySchema,
  type CreateGuideRequest,
  type CreateStoreRequest,
  type Guide,
  type GuideInvitation,
  type GuideListQuery,
  type GuideListReply,
  type Store,
  type UpdateGuideRequest,
  type UpdateStoreRequest,
  type AdminAfterSaleReply,
  type AfterSaleListReply,
  type ApproveAfterSaleRequest,
  adminOrderListReplySchema,
  adminOrderReplySchema,
  logisticsTraceReplySchema,
  type AdminOrderFilter,
  type AdminOrderListQuery,
  type AdminOrderListReply,
  type AdminOrderReply,
  type LogisticsTrace,
  type ShipOrderRequest,
  adminCategoryTreeReplySchema,
  adminProductListReplySchema,
  adminProductReplySchema,
  adminSkuReplySchema,
  categoryReplySchema,
  imageReplySchema,
  apiErrorOf,
  healthReplySchema,
  networkFailed,
  readApiReply,
  staffListReplySchema,
  staffLoginReplySchema,
  staffReplySchema,
  type AdminCategoryNode,
  type AdminProduct,
  type AdminProductListQuery,
  type AdminProductListReply,
  type AdminSku,
  type Category,
  type CreateCategoryRequest,
  type CreateProductRequest,
  type ReorderCategoriesRequest,
  type StoredImage,
  type UpdateProductRequest,
  type CreateStaffRequest,
  type HealthReply,
  type Staff,
  type StaffLoginReply,
  type StaffLoginRequest,
} from '@mall/shared';

export { ApiError, asApiError, type ApiErrorCode } from '@mall/shared';

export interface ApiClientOptions {
  /** Empty for the console's own origin (the API serves it); otherwise e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Where the staff token is kept between visits. */
  storage: Storage;
  fetch?: typeof fetch;
}

export interface ApiClient {
  hasToken(): boolean;
  /** Called when the API refuses the stored token (expired, signed out elsewhere, account deactivated); the token is already dropped. */
  onSessionExpired(listener: () => void): () => void;
  health(): Promise<HealthReply>;
  /** Keeps the token for later calls. */
  signIn(request: StaffLoginRequest): Promise<StaffLoginReply>;
  /** Drops the token even when the API cannot be told. */
  signOut(): Promise<void>;
  me(): Promise<Staff>;
  listStaff(): Promise<Staff[]>;
  createStaff(request: CreateStaffRequest): Promise<Staff>;
  categoryTree(): Promise<AdminCategoryNode[]>;
  createCategory(request: CreateCategoryRequest): Promise<Category>;
  renameCategory(id: string, name: string): Promise<Category>;
  /** Returns the whole tree in its new order. */
  reorderCategories(request: ReorderCategoriesRequest): Promise<AdminCategoryNode[]>;
  deleteCategory(id: string): Promise<void>;
  listProducts(query: AdminProductListQuery): Promise<AdminProductListReply>;
  getProduct(id: string): Promise<AdminProduct>;
  createProduct(request: CreateProductRequest): Promise<AdminProduct>;
  updateProduct(id: string, request: UpdateProductRequest): Promise<AdminProduct>;
  changeProductStatus(id: string, status: 'on_sale' | 'off_sale'): Promise<AdminProduct>;
  deleteProduct(id: string): Promise<void>;
  setSkuStock(productId: string, skuId: string, available: number): Promise<AdminSku>;
  adjustSkuStock(productId: string, skuId: string, delta: number): Promise<AdminSku>;
  /** Sends the file's bytes as they are, with its type (the API checks the bytes). */
  uploadImage(file: Blob): Promise<StoredImage>;
  /** Where the browser loads an image from: the API's relative URLs resolved against its base URL (a guide's avatarUrl too). */
  imageSrc(image: Pick<StoredImage, 'url'>): string;
  listOrders(query: AdminOrderListQuery): Promise<AdminOrderListReply>;
  getOrder(orderNo: string): Promise<AdminOrderReply>;
  shipOrder(orderNo: string, request: ShipOrderRequest): Promise<AdminOrderReply>;
  orderLogistics(orderNo: string): Promise<LogisticsTrace>;
  /** The CSV file of the orders the filters select (the API refuses more than ORDER_EXPORT_MAX_ROWS). */
  exportOrders(filter: Partial<AdminOrderFilter>): Promise<Blob>;
  listAfterSales(query: AdminAfterSaleListQuery): Promise<AfterSaleListReply>;
  getAfterSale(afterSaleNo: string): Promise<AdminAfterSaleReply>;
  approveAfterSale(afterSaleNo: string, request: ApproveAfterSaleRequest): Promise<AdminAfterSaleReply>;
  rejectAfterSale(afterSaleNo: string, reason: string): Promise<AdminAfterSaleReply>;
  confirmAfterSaleReturn(afterSaleNo: string): Promise<AdminAfterSaleReply>;
  retryAfterSaleRefund(afterSaleNo: string): Promise<AdminAfterSaleReply>;
  listStores(): Promise<Store[]>;
  createStore(request: CreateStoreRequest): Promise<Store>;
  updateStore(id: string, request: UpdateStoreRequest): Promise<Store>;
  listGuides(query: GuideListQuery): Promise<GuideListReply>;
  getGuide(id: string): Promise<Guide>;
  createGuide(request: CreateGuideRequest): Promise<Guide>;
  updateGuide(id: string, request: UpdateGuideRequest): Promise<Guide>;
  /** 离职: the guide's WeChat user is unbound and their unused invitation codes stop working. */
  markGuideLeft(id: string): Promise<Guide>;
  issueGuideInvitation(guideId: string): Promise<GuideInvitation>;
  /** Sends the photo's bytes as they are (the API keeps a square crop of it); the guide with their new avatarUrl. */
  changeGuideAvatar(guideId: string, file: Blob): Promise<Guide>;
  /** 支付即服务: registers the guide with WeChat Pay's smart-guide service (idempotent); the guide with their wechatPayGuideId. */
  registerGuideWithWechatPay(guideId: string): Promise<Guide>;
  /** The shop links, mini-program code and posters of a guide on duty (the API makes the images on first request). */
  guideShopAssets(guideId: string): Promise<GuideShopAssets>;
  /** The mini-program code as a PNG file to save. */
  downloadGuideShopCode(guideId: string): Promise<Blob>;
  /** A poster as a PNG file to save. */
  downloadGuidePoster(guideId: string, surface: PosterSurface): Promise<Blob>;
  /** The guide's picks (主推) in their order, each saying whether it is on sale. */
  guidePicks(guideId: string): Promise<GuidePick[]>;
  /** Replaces the picks of a guide on duty with these products, in this order (at most MAX_GUIDE_PICKS). */
  setGuidePicks(guideId: string, productIds: readonly string[]): Promise<GuidePick[]>;
  listCustomers(query: CustomerListQuery): Promise<CustomerListReply>;
  /** The customer with their guide, the sentence explaining the binding, its history and the latest touches. */
  getCustomerBinding(customerId: string): Promise<CustomerBindingReply>;
  /** 导购业绩: every guide's figures over Asia/Shanghai days, ranked, with the totals. */
  guidePerformance(query: GuidePerformanceQuery): Promise<GuidePerformanceReply>;
  /** One guide's month: figures, every day, and a page of the orders paid in it. */
  guideMonthPerformance(guideId: string, query: GuideMonthQuery): Promise<GuideMonthPerformanceReply>;
  commissionRates(): Promise<CommissionRateListReply>;
  /** Null removes the rate; the reply is the rate as set (null when removed). */
  setGuideCommissionRate(guideId: string, rateBps: number | null): Promise<CommissionRate | null>;
  setCategoryCommissionRate(categoryId: string, rateBps: number | null): Promise<CommissionRate | null>;
  attributionSettings(): Promise<AttributionSettings>;
  updateAttributionSettings(request: UpdateAttributionSettingsRequest): Promise<AttributionSettings>;
  /** Per guide of a list page: the WeCom contact way's status and how many customers have the guide on WeCom. */
  guideWecomSummaries(guideIds: readonly string[]): Promise<GuideWecomSummary[]>;
  /** One guide's WeCom side: general contact way (status, QR), customer counts. */
  guideWecom(guideId: string): Promise<GuideWecomReply>;
  /** 企业微信客户: the guide's WeCom customers, newest first. */
  guideWecomCustomers(guideId: string, query: WecomRelationListQuery): Promise<WecomRelationListReply>;
  /** Hands the guide's customers over; the same `idempotencyKey` (one per attempt) answers the handover it made instead of another. */
  createHandover(guideId: string, request: CreateHandoverRequest, idempotencyKey: string): Promise<HandoverReply>;
  listHandovers(query: HandoverListQuery): Promise<HandoverListReply>;
  getHandover(handoverId: string, query: HandoverDetailQuery): Promise<HandoverReply>;
}

/** `?a=1&b=x` of the values that are set. */
function searchOf(query: object): URLSearchParams {
  return new URLSearchParams(Object.entries(query).flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]])));
}

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON body, or raw bytes sent with their own type (image uploads). */
type RequestBody = { json: unknown } | { blob: Blob };

const TOKEN_KEY = 'mall.admin.staffToken';

export function createApiClient({ baseUrl, storage, fetch: fetchImpl = globalThis.fetch.bind(globalThis) }: ApiClientOptions): ApiClient {
  const expiryListeners = new Set<() => void>();

  async function send(method: HttpMethod, path: string, body?: RequestBody, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const token = storage.getItem(TOKEN_KEY);
    const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'json' in body ? 'application/json' : body.blob.type;
    let response: Response;
    try {
      const payload = body === undefined ? undefined : 'json' in body ? JSON.stringify(body.json) : body.blob;
      response = await fetchImpl(`${baseUrl}${path}`, { method, headers, body: payload });
    } catch (cause) {
      throw networkFailed(cause);
    }
    if (response.ok) return response;
    const error = apiErrorOf({ status: response.status, data: await readJson(response), retryAfter: response.headers.get('Retry-After') });
    if (response.status === 401 && token !== null) {
      storage.removeItem(TOKEN_KEY);
      for (const listener of expiryListeners) listener();
    }
    throw error;
  }

  async function call<S extends z.ZodType>(
    schema: S,
    method: HttpMethod,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<z.output<S>> {
    const response = await send(method, path, body === undefined ? undefined : { json: body }, headers);
    return readApiReply(schema, { status: response.status, data: await readJson(response) });
  }

  const productPath = (id: string) => `/api/admin/products/${encodeURIComponent(id)}`;
  const orderPath = (orderNo: string) => `/api/admin/orders/${encodeURIComponent(orderNo)}`;
  const afterSalePath = (afterSaleNo: string) => `/api/admin/after-sales/${encodeURIComponent(afterSaleNo)}`;
  const storePath = (id: string) => `/api/admin/stores/${encodeURIComponent(id)}`;
  const guidePath = (id: string) => `/api/admin/guides/${encodeURIComponent(id)}`;
  const skuStockPath = (productId: string, skuId: string) => `${productPath(productId)}/skus/${encodeURIComponent(skuId)}`;

  return {
    hasToken: () => storage.getItem(TOKEN_KEY) !== null,
    onSessionExpired(listener) {
      expiryListeners.add(listener);
      return () => expiryListeners.delete(listener);
    },
    health: () => call(healthReplySchema, 'GET', '/api/health'),
    async signIn(request) {
      const reply = await call(staffLoginReplySchema, 'POST', '/api/staff/login', request);
      storage.setItem(TOKEN_KEY, reply.token);
      return reply;
    },
    async signOut() {
      try {
        await send('POST', '/api/staff/logout');
      } finally {
        storage.removeItem(TOKEN_KEY);
      }
    },
    me: async () => (await call(staffReplySchema, 'GET', '/api/staff/me')).staff,
    listStaff: async () => (await call(staffListReplySchema, 'GET', '/api/staff')).items,
    createStaff: async (request) => (await call(staffReplySchema, 'POST', '/api/staff', request)).staff,
    categoryTree: async () => (await call(adminCategoryTreeReplySchema, 'GET', '/api/admin/categories')).items,
    createCategory: async (request) => (await call(categoryReplySchema, 'POST', '/api/admin/categories', request)).category,
    renameCategory: async (id, name) =>
      (await call(categoryReplySchema, 'PATCH', `/api/admin/categories/${encodeURIComponent(id)}`, { name })).category,
    reorderCategories: async (request) => (await call(adminCategoryTreeReplySchema, 'PUT', '/api/admin/categories/order', request)).items,
    async deleteCategory(id) {
      await send('DELETE', `/api/admin/categories/${encodeURIComponent(id)}`);
    },
    listProducts(query) {
      const search = new URLSearchParams(
        Object.entries(query).flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]])),
      );
      return call(adminProductListReplySchema, 'GET', `/api/admin/products?${search}`);
    },
    getProduct: async (id) => (await call(adminProductReplySchema, 'GET', productPath(id))).product,
    createProduct: async (request) => (await call(adminProductReplySchema, 'POST', '/api/admin/products', request)).product,
    updateProduct: async (id, request) => (await call(adminProductReplySchema, 'PUT', productPath(id), request)).product,
    changeProductStatus: async (id, status) =>
      (await call(adminProductReplySchema, 'POST', `${productPath(id)}/status`, { status })).product,
    async deleteProduct(id) {
      await send('DELETE', productPath(id));
    },
    setSkuStock: async (productId, skuId, available) =>
      (await call(adminSkuReplySchema, 'PUT', `${skuStockPath(productId, skuId)}/stock`, { available })).sku,
    adjustSkuStock: async (productId, skuId, delta) =>
      (await call(adminSkuReplySchema, 'POST', `${skuStockPath(productId, skuId)}/stock-adjustments`, { delta })).sku,
    async uploadImage(file) {
      const response = await send('POST', '/api/admin/images', { blob: file });
      return readApiReply(imageReplySchema, { status: response.status, data: await readJson(response) }).image;
    },
    imageSrc: (image) => (image.url.startsWith('/') ? `${baseUrl}${image.url}` : image.url),
    listOrders: (query) => call(adminOrderListReplySchema, 'GET', `/api/admin/orders?${searchOf(query)}`),
    getOrder: (orderNo) => call(adminOrderReplySchema, 'GET', orderPath(orderNo)),
    shipOrder: (orderNo, request) => call(adminOrderReplySchema, 'POST', `${orderPath(orderNo)}/ship`, request),
    orderLogistics: async (orderNo) => (await call(logisticsTraceReplySchema, 'GET', `${orderPath(orderNo)}/logistics`)).trace,
    exportOrders: async (filter) => (await send('GET', `/api/admin/orders/export?${searchOf(filter)}`)).blob(),
    listAfterSales: (query) => call(afterSaleListReplySchema, 'GET', `/api/admin/after-sales?${searchOf(query)}`),
    getAfterSale: (afterSaleNo) => call(adminAfterSaleReplySchema, 'GET', afterSalePath(afterSaleNo)),
    approveAfterSale: (afterSaleNo, request) => call(adminAfterSaleReplySchema, 'POST', `${afterSalePath(afterSaleNo)}/approve`, request),
    rejectAfterSale: (afterSaleNo, reason) => call(adminAfterSaleReplySchema, 'POST', `${afterSalePath(afterSaleNo)}/reject`, { reason }),
    confirmAfterSaleReturn: (afterSaleNo) => call(adminAfterSaleReplySchema, 'POST', `${afterSalePath(afterSaleNo)}/confirm-return`),
    retryAfterSaleRefund: (afterSaleNo) => call(adminAfterSaleReplySchema, 'POST', `${afterSalePath(afterSaleNo)}/retry-refund`),
    listStores: async () => (await call(storeListReplySchema, 'GET', '/api/admin/stores')).items,
    createStore: async (request) => (await call(storeReplySchema, 'POST', '/api/admin/stores', request)).store,
    updateStore: async (id, request) => (await call(storeReplySchema, 'PATCH', storePath(id), request)).store,
    listGuides: (query) => call(guideListReplySchema, 'GET', `/api/admin/guides?${searchOf(query)}`),
    getGuide: async (id) => (await call(guideReplySchema, 'GET', guidePath(id))).guide,
    createGuide: async (request) => (await call(guideReplySchema, 'POST', '/api/admin/guides', request)).guide,
    updateGuide: async (id, request) => (await call(guideReplySchema, 'PATCH', guidePath(id), request)).guide,
    markGuideLeft: async (id) => (await call(guideReplySchema, 'POST', `${guidePath(id)}/leave`)).guide,
    issueGuideInvitation: async (guideId) =>
      (await call(guideInvitationReplySchema, 'POST', `${guidePath(guideId)}/invitations`)).invitation,
    async changeGuideAvatar(guideId, file) {
      const response = await send('POST', `${guidePath(guideId)}/avatar`, { blob: file });
      return readApiReply(guideReplySchema, { status: response.status, data: await readJson(response) }).guide;
    },
    registerGuideWithWechatPay: async (guideId) =>
      (await call(guideReplySchema, 'POST', `${guidePath(guideId)}/wechat-pay-registration`)).guide,
    guideShopAssets: async (guideId) => (await call(guideShopAssetsReplySchema, 'GET', `${guidePath(guideId)}/shop-assets`)).assets,
    downloadGuideShopCode: async (guideId) => (await send('GET', `${guidePath(guideId)}/shop-code`)).blob(),
    downloadGuidePoster: async (guideId, surface) => (await send('GET', `${guidePath(guideId)}/poster?${searchOf({ surface })}`)).blob(),
    guidePicks: async (guideId) => (await call(guidePicksReplySchema, 'GET', `${guidePath(guideId)}/picks`)).items,
    setGuidePicks: async (guideId, productIds) =>
      (await call(guidePicksReplySchema, 'PUT', `${guidePath(guideId)}/picks`, { productIds })).items,
    listCustomers: (query) => call(customerListReplySchema, 'GET', `/api/admin/customers?${searchOf(query)}`),
    getCustomerBinding: (customerId) =>
      call(customerBindingReplySchema, 'GET', `/api/admin/customers/${encodeURIComponent(customerId)}/binding`),
    guidePerformance: (query) => call(guidePerformanceReplySchema, 'GET', `/api/admin/guide-performance?${searchOf(query)}`),
    guideMonthPerformance: (guideId, query) =>
      call(guideMonthPerformanceReplySchema, 'GET', `${guidePath(guideId)}/performance?${searchOf(query)}`),
    commissionRates: () => call(commissionRateListReplySchema, 'GET', '/api/admin/commission-rates'),
    setGuideCommissionRate: async (guideId, rateBps) =>
      (await call(commissionRateReplySchema, 'PUT', `${guidePath(guideId)}/commission-rate`, { rateBps })).rate,
    setCategoryCommissionRate: async (categoryId, rateBps) =>
      (await call(commissionRateReplySchema, 'PUT', `/api/admin/categories/${encodeURIComponent(categoryId)}/commission-rate`, { rateBps }))
        .rate,
    attributionSettings: async () => (await call(attributionSettingsReplySchema, 'GET', '/api/admin/settings/attribution')).settings,
    updateAttributionSettings: async (request) =>
      (await call(attributionSettingsReplySchema, 'PUT', '/api/admin/settings/attribution', request)).settings,
    guideWecomSummaries: async (guideIds) =>
      (await call(guideWecomSummaryReplySchema, 'GET', `/api/admin/guide-contacts/summary?${searchOf({ guideIds: guideIds.join(',') })}`))
        .items,
    guideWecom: (guideId) => call(guideWecomReplySchema, 'GET', `${guidePath(guideId)}/wecom`),
    guideWecomCustomers: (guideId, query) =>
      call(wecomRelationListReplySchema, 'GET', `${guidePath(guideId)}/wecom-customers?${searchOf(query)}`),
    createHandover: (guideId, request, idempotencyKey) =>
      call(handoverReplySchema, 'POST', `${guidePath(guideId)}/handovers`, request, { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey }),
    listHandovers: (query) => call(handoverListReplySchema, 'GET', `/api/admin/handovers?${searchOf(query)}`),
    getHandover: (handoverId, query) =>
      call(handoverReplySchema, 'GET', `/api/admin/handovers/${encodeURIComponent(handoverId)}?${searchOf(query)}`),
  };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}
