import { App, Button, Space, Tag } from 'antd';
import { useState } from 'react';
import type { Guide } from '@mall/shared';
import { asApiError } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { useGuidesWriter } from './use-guides-writer.ts';

/**
 * 支付即服务 in the guide list: whether the guide is registered with WeChat Pay's smart-guide service (their orders
 * then show them on WeChat Pay's own payment result page), and 注册 for writers. What registration still needs
 * (WeCom userid, mobile, photo, the store's WeChat Pay store id) comes back as the API's message.
 */
export function WechatPayGuideCell({ guide, onRegistered }: { guide: Guide; onRegistered(): void }) {
  const api = useApi();
  const { message } = App.useApp();
  const mayWrite = useGuidesWriter();
  const [registering, setRegistering] = useState(false);

  async function register() {
    setRegistering(true);
    try {
      await api.registerGuideWithWechatPay(guide.id);
      void message.success(`「${guide.name}」已注册支付即服务`);
      onRegistered();
    } catch (caught) {
      void message.error(asApiError(caught).message);
    } finally {
      setRegistering(false);
    }
  }

  if (guide.wechatPayGuideId !== null) {
    return (
      <Tag color="green" title={`微信支付导购 ID：${guide.wechatPayGuideId}`}>
        已注册
      </Tag>
    );
  }
  if (guide.status !== 'active') return <span>—</span>;
  return (
    <Space size="small">
      <Tag>未注册</Tag>
      {mayWrite && (
        <Button size="small" loading={registering} onClick={() => void register()}>
          注册
        </Button>
      )}
    </Space>
  );
}
