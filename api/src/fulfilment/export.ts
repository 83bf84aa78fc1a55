import { ORDER_EXPORT_MAX_ROWS, carrierName, formatFen, orderStatusLabels, type AdminOrderFilter } from '@mall/shared';
import { AppError } from '../http/errors.ts';
import type { CommerceDependencies } from '../orders/dependencies.ts';
import type { OrderRecord } from '../orders/models.ts';
import { CSV_BOM, csvRow } from './csv.ts';
import { merchantOrderQuery } from './service.ts';

const SHANGHAI_OFFSET_MS = 8 * 60 * 60_000;

/** `2026-01-02 10:00:00`, Beijing time. */
function shanghaiDateTime(date: Date): string {
  const shifted = new Date(date.getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

/** `12.34`: yuan from fen, without the currency sign (a spreadsheet sums it). */
function yuan(fen: number): string {
  return formatFen(fen).replace('¥', '');
}

const HEADER = [
  '订单号',
  '下单时间',
  '状态',
  '商品',
  '件数',
  '商品金额（元）',
  '优惠（元）',
  '运费（元）',
  '实付金额（元）',
  '收货人',
  '手机号',
  '收货地址',
  '备注',
  '支付时间',
  '微信支付单号',
  '快递公司',
  '快递单号',
  '发货时间',
];

function rowOf(order: OrderRecord): string[] {
  const { address } = order;
  return [
    order.orderNo,
    shanghaiDateTime(order.createdAt),
    orderStatusLabels[order.status],
    order.lines.map((line) => `${line.title}${line.specText ? `（${line.specText}）` : ''} ×${line.quantity}`).join('；'),
    String(order.lines.reduce((sum, line) => sum + line.quantity, 0)),
    yuan(order.itemsTotalFen),
    yuan(order.discountTotalFen),
    yuan(order.shippingFeeFen),
    yuan(order.payableFen),
    address.recipientName,
    address.phone,
    `${address.province}${address.city}${address.district}${address.detail}`,
    order.remark,
    order.payment === undefined ? '' : shanghaiDateTime(order.payment.paidAt),
    order.payment?.transactionId ?? '',
    order.shipping === undefined ? '' : carrierName(order.shipping.carrier),
    order.shipping?.trackingNo ?? '',
    order.shipping === undefined ? '' : shanghaiDateTime(order.shipping.shippedAt),
  ];
}

/**
 * The orders the filters select, newest first, as CSV (UTF-8 with BOM). At most ORDER_EXPORT_MAX_ROWS: a larger
 * selection is refused with EXPORT_TOO_LARGE before anything is read, so an export is never silently cut short.
 */
export async function exportOrdersCsv(deps: CommerceDependencies, filter: AdminOrderFilter): Promise<string> {
  const query = merchantOrderQuery(filter);
  const count = await deps.orders.Order.countDocuments(query);
  if (count > ORDER_EXPORT_MAX_ROWS) throw new AppError('EXPORT_TOO_LARGE', { details: { count, limit: ORDER_EXPORT_MAX_ROWS } });
  const orders = await deps.orders.Order.find(query, { history: 0 })
    .sort({ createdAt: -1, _id: -1 })
    .limit(ORDER_EXPORT_MAX_ROWS)
    .lean<OrderRecord[]>();
  return CSV_BOM + csvRow(HEADER) + orders.map((order) => csvRow(rowOf(order))).join('');
}
