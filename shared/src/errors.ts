import { z } from 'zod';

/**
 * Every error the API returns: a machine-readable English code, its HTTP status, and the message a
 * shopper or staff member sees (Chinese). Clients branch on `code`, never on `message`.
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, message: '提交的信息有误，请检查后重试' },
  MALFORMED_REQUEST: { status: 400, message: '请求格式不正确' },
  INVALID_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  UNAUTHENTICATED: { status: 401, message: '请先登录，或登录已过期' },
  FORBIDDEN: { status: 403, message: '没有权限执行此操作' },
  NOT_FOUND: { status: 404, message: '请求的内容不存在' },
  METHOD_NOT_ALLOWED: { status: 405, message: '不支持该请求方式' },
  CONFLICT: { status: 409, message: '数据冲突，请刷新后重试' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '提交的内容过大' },
  RATE_LIMITED: { status: 429, message: '操作过于频繁，请稍后再试' },
  INTERNAL: { status: 500, message: '系统繁忙，请稍后再试' },
  /** A WeChat, WeChat Pay or WeCom call failed: refused (details carry the platform's code), unreachable, or unverifiable. */
  PLATFORM_ERROR: { status: 502, message: '微信服务暂时不可用，请稍后再试' },
  /** The platform's credentials are not configured on this server. */
  PLATFORM_NOT_CONFIGURED: { status: 503, message: '该功能尚未开通，请联系商家' },
  /** A callback (payment notification, WeCom event) whose signature, timestamp or encryption does not check out. */
  CALLBACK_REJECTED: { status: 401, message: '回调签名校验失败' },
  /** The `wx.login` code is unknown, expired or already used: the mini-program logs in again for a fresh one. */
  LOGIN_CODE_INVALID: { status: 400, message: '登录凭证无效或已过期，请重新登录' },
  /** The shopper already keeps the most delivery addresses allowed (MAX_ADDRESSES_PER_SHOPPER). */
  ADDRESS_LIMIT_REACHED: { status: 409, message: '收货地址最多保存 20 个，请先删除不用的地址' },
  /** An upload whose bytes are not a JPEG, PNG or WebP image (whatever its Content-Type says). */
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '仅支持 JPEG、PNG、WebP 格式的图片' },
  /** Not enough stock for a reservation or a downward stock adjustment; `details` names the SKU. */
  OUT_OF_STOCK: { status: 409, message: '库存不足' },
  /** Deleting a category that still has children or products. */
  CATEGORY_NOT_EMPTY: { status: 409, message: '该分类下还有子分类或商品，不能删除' },
  /** Filing a product under a category that has children: products go to leaf categories. */
  CATEGORY_NOT_LEAF: { status: 409, message: '该分类下有子分类，商品只能放在末级分类中' },
  /** Adding a child to a category that holds products directly. */
  CATEGORY_HAS_PRODUCTS: { status: 409, message: '该分类下已有商品，不能再添加子分类' },
  /** Categories have two levels: a child category cannot have children. */
  CATEGORY_TOO_DEEP: { status: 409, message: '分类最多两级，子分类下不能再添加分类' },
  /** Putting on sale a product without an image (it always has priced SKUs). */
  PRODUCT_NOT_READY: { status: 409, message: '商品至少需要一张商品图才能上架' },
  /** Only drafts can be deleted; products that were on sale are taken off sale instead. */
  PRODUCT_NOT_DRAFT: { status: 409, message: '只能删除草稿商品，已上架过的商品请下架' },
  /** The cart already holds MAX_CART_LINES different SKUs. */
  CART_LIMIT_REACHED: { status: 409, message: '购物车最多放 50 种商品，请先结算或删除一些' },
  /** Checking out from the cart with none of the named lines in it. */
  CART_EMPTY: { status: 409, message: '购物车中没有要结算的商品' },
  /** An order line whose product is off sale or whose SKU no longer exists; `details.skuIds` names them. */
  ITEM_UNAVAILABLE: { status: 409, message: '有商品已下架，请调整后重新下单' },
  /** The order is no longer in a state that allows this (e.g. paying or cancelling an order already cancelled or paid). */
  ORDER_STATUS_CONFLICT: { status: 409, message: '订单状态已变化，请刷新后查看' },
  /** The order is not paid, shipped or completed, so no after-sales request can be made for it. */
  AFTER_SALE_NOT_ALLOWED: { status: 409, message: '该订单当前不能申请售后' },
  /** The order already has an after-sales request in progress (one at a time). */
  AFTER_SALE_ALREADY_OPEN: { status: 409, message: '该订单已有进行中的售后申请' },
  /** The order has had the most after-sales requests allowed (MAX_AFTER_SALES_PER_ORDER). */
  AFTER_SALE_LIMIT_REACHED: { status: 409, message: '该订单的售后申请次数已达上限，请联系客服' },
  /** The after-sales request is no longer in a state that allows this (approved, cancelled, … meanwhile). */
  AFTER_SALE_STATUS_CONFLICT: { status: 409, message: '售后状态已变化，请刷新后查看' },
  /** More than is still refundable (payable minus refunds made or under way), or than the shopper asked for; `details` says how much. */
  REFUND_AMOUNT_EXCEEDED: { status: 409, message: '退款金额超过可退金额' },
  /** A CSV export whose filters select more than ORDER_EXPORT_MAX_ROWS orders; `details` gives the count and the limit. */
  EXPORT_TOO_LARGE: { status: 422, message: '导出的订单超过 5000 条，请缩小筛选范围后再导出' },
  /** No invitation has this code. */
  INVITATION_NOT_FOUND: { status: 404, message: '邀请码不存在，请核对后重新输入' },
  /** The invitation code is past its expiry (INVITATION_VALID_DAYS after it was issued). */
  INVITATION_EXPIRED: { status: 410, message: '邀请码已过期，请联系管理员重新生成' },
  /** The invitation code was redeemed already (each code binds one WeChat user, once). */
  INVITATION_USED: { status: 409, message: '邀请码已被使用' },
  /** The guide already has a WeChat user bound, or has left: a new binding needs a new guide. */
  GUIDE_NOT_BINDABLE: { status: 409, message: '该导购已离职或已绑定微信，不能再绑定' },
  /** The signed-in WeChat user is already bound to another guide. */
  ALREADY_A_GUIDE: { status: 409, message: '你的微信已绑定为其他导购' },
  /** Adding a guide to, or moving one into, a closed store. */
  STORE_CLOSED: { status: 409, message: '该门店已关闭，不能添加导购' },
  /** Changing a guide who has left (only their history stays). */
  GUIDE_LEFT: { status: 409, message: '该导购已离职' },
  /** No guide has this code (a mistyped or stale shop link). */
  GUIDE_NOT_FOUND: { status: 404, message: '导购不存在，为你展示商城首页' },
  /** Registering a guide for WeChat Pay's 支付即服务 needs their WeCom userid (the WeCom member WeChat Pay shows). */
  GUIDE_WITHOUT_WECOM: { status: 409, message: '该导购还没有填写企业微信账号，请先在「编辑」中填写后再注册支付即服务' },
  /** 支付即服务 registration needs the guide's phone to be an 11-digit mainland mobile number. */
  GUIDE_MOBILE_INVALID: { status: 422, message: '注册支付即服务需要导购的 11 位手机号，请先在「编辑」中修改电话' },
  /** 支付即服务 registration needs the guide's photo (WeChat Pay shows it on its payment result page). */
  GUIDE_WITHOUT_AVATAR: { status: 409, message: '请先为导购上传头像，微信支付的付款结果页会展示导购头像' },
  /** 支付即服务 registration is per WeChat Pay store: the guide's store needs its WeChat Pay store id (门店ID). */
  STORE_WITHOUT_WECHAT_PAY_ID: { status: 409, message: '导购所在门店还没有填写微信支付门店 ID，请先在「门店」中填写' },
  /** A report's end date is before its start date. */
  DATE_RANGE_REVERSED: { status: 400, message: '结束日期不能早于开始日期' },
  /** A report over more than MAX_PERFORMANCE_RANGE_DAYS days; `details` gives the length and the limit. */
  DATE_RANGE_TOO_LONG: { status: 400, message: '查询范围最多 366 天，请缩小日期范围' },
  /** The order is not paid (yet, or never was): what comes after payment (adding the guide on WeCom) is not there. */
  ORDER_NOT_PAID: { status: 409, message: '订单尚未支付' },
  /** No guide cart has this share token (a mistyped or truncated link). */
  GUIDE_CART_NOT_FOUND: { status: 404, message: '导购推荐的购物车不存在，请联系导购重新分享' },
  /** The guide cart is meant for another customer: only they may open or check it out. */
  GUIDE_CART_NOT_YOURS: { status: 403, message: '这份购物车是导购为其他顾客准备的' },
  /** The guide withdrew the cart: it can no longer be checked out. */
  GUIDE_CART_WITHDRAWN: { status: 409, message: '导购已撤回这份推荐，请联系导购重新分享' },
  /** The cart is past its expiry (GUIDE_CART_VALID_DAYS after the guide made it). */
  GUIDE_CART_EXPIRED: { status: 410, message: '这份推荐已过期，请联系导购重新分享' },
  /** Handing a guide's customers over to that same guide. */
  HANDOVER_SAME_GUIDE: { status: 400, message: '不能把客户转移给同一位导购' },
  /** Handing customers over to a guide who has left: only guides on duty take customers. */
  HANDOVER_TARGET_LEFT: { status: 409, message: '接收客户的导购已离职，请选择在职导购' },
  /** An Idempotency-Key sent again with a different request: a new request needs a new key. */
  IDEMPOTENCY_KEY_REUSED: { status: 409, message: '该请求编号已用于另一项操作，请刷新后重试' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]];

export const errorCodeSchema = z.enum(errorCodes);

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
