import { Form, Input, Select } from 'antd';
import { carriers, shipOrderRequestSchema, type AdminOrderReply } from '@mall/shared';
import { useApi } from '../../api/context.tsx';
import { useSubmit } from '../../api/use-submit.ts';
import { SaveDialog } from '../../layout/SaveDialog.tsx';

interface ShipFormValues {
  carrier?: string;
  trackingNo?: string;
}

const carrierOptions = carriers.map((carrier) => ({ value: carrier.code, label: carrier.name }));

/**
 * 发货: the carrier from the fixed list and the tracking number, checked with the shared schema's Chinese messages
 * before sending; the API's refusal (already shipped by someone else, not paid) is shown in the dialog.
 */
export function ShipOrderDialog({
  orderNo,
  open,
  onClose,
  onShipped,
}: {
  orderNo: string;
  open: boolean;
  onClose(): void;
  onShipped(reply: AdminOrderReply): void;
}) {
  const api = useApi();
  const [form] = Form.useForm<ShipFormValues>();
  const { submitting, error, setError, submit } = useSubmit();

  async function ship() {
    setError(null);
    const values = form.getFieldsValue();
    const parsed = shipOrderRequestSchema.safeParse({ carrier: values.carrier, trackingNo: values.trackingNo ?? '' });
    if (!parsed.success) {
      const errors = new Map<string, string>();
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        if (!errors.has(field)) errors.set(field, issue.message);
      }
      form.setFields((['carrier', 'trackingNo'] as const).map((name) => ({ name, errors: errors.has(name) ? [errors.get(name)!] : [] })));
      return;
    }
    await submit(async () => {
      const reply = await api.shipOrder(orderNo, parsed.data);
      form.resetFields();
      onShipped(reply);
    });
  }

  return (
    <SaveDialog
      title={`发货 · 订单 ${orderNo}`}
      open={open}
      okText="确认发货"
      saving={submitting}
      failure={error}
      onSave={ship}
      onClose={onClose}
    >
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="carrier" label="快递公司" required>
          <Select aria-label="快递公司" placeholder="选择快递公司" options={carrierOptions} />
        </Form.Item>
        <Form.Item name="trackingNo" label="快递单号" required>
          <Input aria-label="快递单号" placeholder="6–32 位字母或数字" maxLength={40} autoComplete="off" />
        </Form.Item>
      </Form>
    </SaveDialog>
  );
}
