import { App, Checkbox, Form, Input } from 'antd';
import { useState } from 'react';
import {
  approveAfterSaleRequestSchema,
  formatFen,
  parseYuanToFen,
  rejectAfterSaleRequestSchema,
  type AdminAfterSaleReply,
} from '@mall/shared';
import { useApi } from '../../api/context.tsx';
import { useSubmit } from '../../api/use-submit.ts';
import { SaveDialog } from '../../layout/SaveDialog.tsx';

/** `12900` → `'129.00'`: the amount field's starting text. */
function yuanText(fen: number): string {
  return formatFen(fen).slice(1);
}

interface DialogProps {
  detail: AdminAfterSaleReply;
  onClose(): void;
  onDone(reply: AdminAfterSaleReply): void;
}

/** 同意: the amount (at most what was asked and what is still refundable) and whether the goods go back into stock. */
export function ApproveDialog({ detail, onClose, onDone }: DialogProps) {
  const api = useApi();
  const { message } = App.useApp();
  const { afterSale, order } = detail;
  const limit = Math.min(afterSale.requestedFen, order.refundableFen);
  const [amount, setAmount] = useState(yuanText(limit));
  const [restock, setRestock] = useState(false);
  const { submitting, error, setError, submit } = useSubmit();

  async function save() {
    let refundFen: number;
    try {
      refundFen = parseYuanToFen(amount);
    } catch {
      setError('请输入金额（元），最多两位小数');
      return;
    }
    const parsed = approveAfterSaleRequestSchema.safeParse({ refundFen, restock });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '金额不正确');
      return;
    }
    if (refundFen > limit) {
      setError(`最多可退 ${formatFen(limit)}`);
      return;
    }
    await submit(async () => {
      const reply = await api.approveAfterSale(afterSale.afterSaleNo, parsed.data);
      void message.success(afterSale.kind === 'return_and_refund' ? '已同意，等待买家寄回商品' : '已同意，退款已提交微信支付');
      onDone(reply);
    });
  }

  return (
    <SaveDialog title="同意售后申请" okText="同意" saving={submitting} onSave={save} onClose={onClose}>
      <Form layout="vertical" onFinish={() => void save()}>
        <Form.Item
          label="退款金额（元）"
          htmlFor="approve-amount"
          validateStatus={error === null ? undefined : 'error'}
          help={error ?? `买家申请 ${formatFen(afterSale.requestedFen)}，订单可退 ${formatFen(order.refundableFen)}`}
        >
          <Input id="approve-amount" value={amount} onChange={(event) => setAmount(event.target.value)} inputMode="decimal" />
        </Form.Item>
        <Checkbox checked={restock} onChange={(event) => setRestock(event.target.checked)}>
          退款成功后将商品退回库存
        </Checkbox>
      </Form>
    </SaveDialog>
  );
}

/** 拒绝: a reason the shopper will read. */
export function RejectDialog({ detail, onClose, onDone }: DialogProps) {
  const api = useApi();
  const { message } = App.useApp();
  const [reason, setReason] = useState('');
  const { submitting, error, setError, submit } = useSubmit();

  async function save() {
    const parsed = rejectAfterSaleRequestSchema.safeParse({ reason });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '请填写拒绝原因');
      return;
    }
    await submit(async () => {
      const reply = await api.rejectAfterSale(detail.afterSale.afterSaleNo, parsed.data.reason);
      void message.success('已拒绝该售后申请');
      onDone(reply);
    });
  }

  return (
    <SaveDialog title="拒绝售后申请" okText="拒绝" danger saving={submitting} onSave={save} onClose={onClose}>
      <Form layout="vertical">
        <Form.Item
          label="拒绝原因"
          htmlFor="reject-reason"
          validateStatus={error === null ? undefined : 'error'}
          help={error ?? '买家会看到这段说明'}
        >
          <Input.TextArea id="reject-reason" value={reason} onChange={(event) => setReason(event.target.value)} maxLength={200} rows={3} />
        </Form.Item>
      </Form>
    </SaveDialog>
  );
}
