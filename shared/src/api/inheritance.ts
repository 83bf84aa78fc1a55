import { z } from 'zod';
import { guideStatusSchema } from './guides.ts';
import { pageReplySchema, pagingQuery } from './paging.ts';

/**
 * Inheritance (客户继承): the merchant hands all or some customers of one guide over to another — 在职继承 while the
 * guide is on duty, 离职继承 once they left. The bindings move at once (the binding history says who did it);
 * customers who have the guide on WeCom are transferred there too, and WeCom's answer is followed per customer
 * until it is final. Orders keep the guide they were attributed to; the customers' next orders go to the new guide.
 */

const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');

/** On duty (在职继承: WeCom's `transfer_customer`) or left (离职继承: `resigned/transfer_customer`), by the source guide's status. */
export const handoverModes = ['on-duty', 'resigned'] as const;
export const handoverModeSchema = z.enum(handoverModes);
export type HandoverMode = z.infer<typeof handoverModeSchema>;
export const handoverModeLabels: Record<HandoverMode, string> = { 'on-duty': '在职继承', resigned: '离职继承' };

/** Customers picked one by one per handover; "all" has no limit. */
export const MAX_HANDOVER_CUSTOMERS = 1000;
/** What WeCom tells the customer after an on-duty transfer (`transfer_success_msg`). */
export const MAX_TRANSFER_MESSAGE_CHARS = 200;

/**
 * Every handover request carries this header with a key the client made for this attempt (a UUID): sending the
 * same key again — a retry after a timeout, a double click — answers the handover it made instead of a second one.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const idempotencyKeySchema = z
  .string('缺少 Idempotency-Key 请求头')
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'Idempotency-Key 须为 16 到 64 位字母、数字、- 或 _（如 UUID）');

export const createHandoverRequestSchema = z.strictObject({
  toGuideId: idSchema,
  /** The customers to hand over; absent: every customer bound to the guide now. Repeats count once. */
  customerIds: z
    .array(idSchema)
    .min(1, '请至少选择一位客户')
    .max(MAX_HANDOVER_CUSTOMERS, `一次最多选择 ${MAX_HANDOVER_CUSTOMERS} 位客户，更多请选择「全部客户」`)
    .optional(),
  /** On-duty handovers only: a departed guide's customers get no message from WeCom. */
  transferMessage: z
    .string()
    .trim()
    .min(1, '转接提示语不能为空')
    .max(MAX_TRANSFER_MESSAGE_CHARS, `转接提示语最多 ${MAX_TRANSFER_MESSAGE_CHARS} 字`)
    .optional(),
});
export type CreateHandoverRequest = z.input<typeof createHandoverRequestSchema>;

/** Moving the bindings (and asking WeCom for the transfers), or done with that — WeCom's answers may still be coming. */
export const handoverStatuses = ['moving', 'done'] as const;
export const handoverStatusSchema = z.enum(handoverStatuses);
export type HandoverStatus = z.infer<typeof handoverStatusSchema>;
export const handoverStatusLabels: Record<HandoverStatus, string> = { moving: '转移中', done: '已完成' };

/** Why a customer was not moved. */
export const handoverSkipReasons = ['not-bound-to-guide', 'unknown-customer', 'target-left'] as const;
export const handoverSkipReasonSchema = z.enum(handoverSkipReasons);
export type HandoverSkipReason = z.infer<typeof handoverSkipReasonSchema>;
export const handoverSkipReasonLabels: Record<HandoverSkipReason, string> = {
  'not-bound-to-guide': '已不是该导购的客户',
  'unknown-customer': '客户不存在',
  'target-left': '接收导购已离职',
};

/**
 * The customer's WeCom transfer: `pending` (to be asked of WeCom; retried while WeCom fails), `requested` (WeCom
 * accepted it), `waiting` (WeCom's result: still within its 24 h), then `done`, `refused` (by the customer),
 * `limit` (the takeover member has too many customers) or `failed`.
 */
export const transferStatuses = ['pending', 'requested', 'waiting', 'done', 'refused', 'limit', 'failed'] as const;
export const transferStatusSchema = z.enum(transferStatuses);
export type TransferStatus = z.infer<typeof transferStatusSchema>;
export const transferStatusLabels: Record<TransferStatus, string> = {
  pending: '待提交',
  requested: '已提交企业微信',
  waiting: '等待接替',
  done: '已接替',
  refused: '客户拒绝',
  limit: '接替导购客户数已达上限',
  failed: '失败',
};
/** Statuses WeCom may still change. */
export const openTransferStatuses: readonly TransferStatus[] = ['pending', 'requested', 'waiting'];

/**
 * Why a transfer failed: WeCom refused the customer (`errcode`), the call kept failing, WeCom has no record of it,
 * or the takeover guide has no WeCom userid.
 */
export const transferFailures = ['refused-by-wecom', 'call-failed', 'no-record', 'takeover-without-wecom'] as const;
export const transferFailureSchema = z.enum(transferFailures);
export type TransferFailure = z.infer<typeof transferFailureSchema>;
export const transferFailureLabels: Record<TransferFailure, string> = {
  'refused-by-wecom': '企业微信拒绝转接',
  'call-failed': '企业微信接口调用失败',
  'no-record': '企业微信没有该转接记录',
  'takeover-without-wecom': '接收导购未关联企业微信',
};

/** WeCom's per-customer errcodes of `transfer_customer`, as staff read them. */
export const transferErrcodeLabels: Readonly<Record<number, string>> = {
  40096: '企业微信中没有该客户',
  40097: '该导购在企业微信中尚未离职，暂不能离职继承',
  40128: '该客户 90 天内转接次数已达上限',
  40129: '该客户正在转接中',
  40130: '原导购与接收导购是同一企业微信成员',
  40131: '该客户不是原导购的企业微信客户',
  60111: '企业微信中没有该成员',
};

export const handoverGuideSchema = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string(),
  storeName: z.string(),
  status: guideStatusSchema,
});
export type HandoverGuide = z.infer<typeof handoverGuideSchema>;

export const handoverCountsSchema = z.object({
  /** Customers with an outcome so far. */
  customers: z.number().int(),
  moved: z.number().int(),
  skipped: z.number().int(),
  /** Moved customers' WeCom transfers by status (customers without the guide on WeCom have none). */
  transfers: z.record(transferStatusSchema, z.number().int()),
});
export type HandoverCounts = z.infer<typeof handoverCountsSchema>;

export const handoverSchema = z.object({
  id: z.string(),
  mode: handoverModeSchema,
  status: handoverStatusSchema,
  from: handoverGuideSchema,
  to: handoverGuideSchema,
  /** Every customer of the guide, or the ones picked. */
  selection: z.enum(['all', 'selected']),
  transferMessage: z.string().nullable(),
  /** The staff member's username. */
  by: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: handoverCountsSchema,
});
export type Handover = z.infer<typeof handoverSchema>;

export const handoverTransferSchema = z.object({
  externalUserId: z.string(),
  status: transferStatusSchema,
  failure: transferFailureSchema.nullable(),
  /** WeCom's errcode for this customer, or of the call that kept failing. */
  errcode: z.number().int().nullable(),
  requestedAt: z.string().nullable(),
  /** When the status became final. */
  settledAt: z.string().nullable(),
});
export type HandoverTransfer = z.infer<typeof handoverTransferSchema>;

export const handoverCustomerSchema = z.object({
  customer: z.object({ id: z.string(), nickname: z.string().nullable(), phone: z.string().nullable() }),
  outcome: z.enum(['moved', 'skipped']),
  skipReason: handoverSkipReasonSchema.nullable(),
  /** Null when the customer was not moved, or did not have the guide on WeCom. */
  transfer: handoverTransferSchema.nullable(),
  at: z.string(),
});
export type HandoverCustomer = z.infer<typeof handoverCustomerSchema>;

export const handoverDetailQuerySchema = z.strictObject({ ...pagingQuery(50, 200) });
export type HandoverDetailQuery = Partial<z.output<typeof handoverDetailQuerySchema>>;

/** The handover with one page of its customers' outcomes, in the order they were handled. */
export const handoverReplySchema = z.object({ handover: handoverSchema, customers: pageReplySchema(handoverCustomerSchema) });
export type HandoverReply = z.infer<typeof handoverReplySchema>;

export const handoverListQuerySchema = z.strictObject({
  /** Handovers from or to this guide. */
  guideId: idSchema.optional(),
  ...pagingQuery(20, 100),
});
export type HandoverListQuery = Partial<z.output<typeof handoverListQuerySchema>>;

export const handoverListReplySchema = pageReplySchema(handoverSchema);
export type HandoverListReply = z.infer<typeof handoverListReplySchema>;

export const handoverIdParamsSchema = z.strictObject({ id: idSchema });
