import { Button, Input, Switch, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import { addressInputSchema, asApiError, type Address, type AddressInput } from '@mall/shared';
import { apiClient } from '../../../api/client';
import { useApiData } from '../../../api/use-api-data';
import { flag } from '../../../components/attribute';
import { StatusView } from '../../../components/status-view';
import { ensureSignedIn } from '../../../session';

import './index.scss';

type TextField = Exclude<keyof AddressInput, 'isDefault'>;
type Form = Record<TextField, string> & { isDefault: boolean };
type FieldErrors = Partial<Record<TextField, string>>;

const FIELDS: { name: TextField; label: string; placeholder: string; maxlength: number; type?: 'number' }[] = [
  { name: 'recipientName', label: '收货人', placeholder: '收货人姓名', maxlength: 20 },
  { name: 'phone', label: '手机号', placeholder: '11 位手机号', maxlength: 11, type: 'number' },
  { name: 'province', label: '省份', placeholder: '如：广东省', maxlength: 20 },
  { name: 'city', label: '城市', placeholder: '如：深圳市', maxlength: 20 },
  { name: 'district', label: '区县', placeholder: '如：南山区', maxlength: 20 },
  { name: 'detail', label: '详细地址', placeholder: '街道、楼栋、门牌号', maxlength: 120 },
];

const EMPTY_FORM: Form = { recipientName: '', phone: '', province: '', city: '', district: '', detail: '', isDefault: false };

function formOf(address: Address): Form {
  const { recipientName, phone, province, city, district, detail, isDefault } = address;
  return { recipientName, phone, province, city, district, detail, isDefault };
}

/** The shared schema's Chinese message for each field that fails, so the form says exactly what the API would. */
function fieldErrorsOf(form: Form): FieldErrors | null {
  const parsed = addressInputSchema.safeParse(form);
  if (parsed.success) return null;
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as TextField;
    errors[field] ??= issue.message;
  }
  return errors;
}

function AddressForm({ address }: { address?: Address }) {
  const [form, setForm] = useState<Form>(address ? formOf(address) : EMPTY_FORM);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    setFailure(null);
    try {
      await action();
      void Taro.showToast({ title: done, icon: 'success' });
      await Taro.navigateBack();
    } catch (caught) {
      setFailure(asApiError(caught).message);
      setBusy(false);
    }
  }

  function save() {
    const errors = fieldErrorsOf(form);
    setFieldErrors(errors ?? {});
    if (errors) return;
    void run(() => (address ? apiClient.updateAddress(address.id, form) : apiClient.createAddress(form)), '已保存');
  }

  async function remove() {
    if (!address) return;
    const { confirm } = await Taro.showModal({ title: '删除收货地址', content: '确定删除这个收货地址吗？' });
    if (confirm) await run(() => apiClient.deleteAddress(address.id), '已删除');
  }

  return (
    <View className="address-form">
      {failure && (
        <View className="address-form__failure" role="alert">
          {failure}
        </View>
      )}
      {FIELDS.map((field) => (
        <View key={field.name} className="address-form__field">
          <Text className="address-form__label">{field.label}</Text>
          <Input
            className="address-form__input"
            value={form[field.name]}
            placeholder={field.placeholder}
            maxlength={field.maxlength}
            type={field.type ?? 'text'}
            onInput={(event) => setForm((current) => ({ ...current, [field.name]: event.detail.value }))}
          />
          {fieldErrors[field.name] && <Text className="address-form__error">{fieldErrors[field.name]}</Text>}
        </View>
      ))}
      <View className="address-form__field address-form__field--switch">
        <Text className="address-form__label">设为默认地址</Text>
        {/* There is always one default: it moves by making another address the default. */}
        <Switch
          checked={form.isDefault}
          disabled={address?.isDefault === true}
          color="#e4393c"
          onChange={(event) => setForm((current) => ({ ...current, isDefault: event.detail.value }))}
        />
      </View>
      {address?.isDefault && <Text className="address-form__hint">这是默认地址；将其他地址设为默认即可更换。</Text>}
      <Button className="address-form__save" type="primary" loading={flag(busy)} onClick={save}>
        保存
      </Button>
      {address && (
        <Button className="address-form__delete" disabled={flag(busy)} onClick={remove}>
          删除地址
        </Button>
      )}
    </View>
  );
}

function EditExisting({ id }: { id: string }) {
  const load = useCallback(async () => {
    await ensureSignedIn();
    return apiClient.address(id);
  }, [id]);
  const address = useApiData(load);
  switch (address.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载地址…" />;
    case 'failed':
      return <StatusView state="error" message={address.error.message} onRetry={address.reload} />;
    case 'loaded':
      return <AddressForm address={address.data.address} />;
  }
}

/** 新增 / 编辑收货地址 (`?id=` edits that address). */
export default function AddressEditPage() {
  const id = useRouter().params.id;
  useEffect(() => {
    void Taro.setNavigationBarTitle({ title: id ? '编辑收货地址' : '新增收货地址' });
  }, [id]);
  return id ? <EditExisting id={id} /> : <AddressForm />;
}
