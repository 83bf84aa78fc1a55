import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, jsonReply, renderSignedIn, staffMember } from '../../testing/fake-api.tsx';
import { directAttribution, openShipDialog, orderHandlers, orderNumbers, paidOrder, shipWith, shippedOrder } from './order-fixtures.ts';

const operator = staffMember({ username: 'ops', role: 'operator' });
const viewer = staffMember({ username: 'watcher', role: 'viewer' });

describe('the order detail', () => {
  it('shows lines, amounts, address, payment and the history, newest first', async () => {
    await renderSignedIn(viewer, `/orders/${orderNumbers.paid}`, orderHandlers());
    expect(await screen.findByText(`订单 ${orderNumbers.paid}`)).toBeInTheDocument();
    expect(screen.getByText('张三 13800138000')).toBeInTheDocument();
    expect(screen.getByText('上海市上海市浦东新区世纪大道 100 号')).toBeInTheDocument();
    expect(screen.getByText('请尽快发货')).toBeInTheDocument();
    expect(screen.getByText('4200002026030112345678')).toBeInTheDocument();
    expect(screen.getByText('红 / M')).toBeInTheDocument();
    expect(screen.getAllByText('¥258.00').length).toBeGreaterThanOrEqual(2);
    const events = screen.getAllByText(/^(买家下单|支付成功)$/).map((element) => element.textContent);
    expect(events).toEqual(['支付成功', '买家下单']);
    expect(screen.getByText(/2026\/03\/01 10:05 · 微信支付/)).toBeInTheDocument();
    expect(screen.queryByText('物流轨迹')).toBeNull();
    expect(screen.queryByRole('button', { name: /发\s*货/ })).toBeNull();
  });

  it('shows who brought the order: channel, guide with store, where the guide came from, and the 支付即服务 sync', async () => {
    await renderSignedIn(viewer, `/orders/${orderNumbers.paid}`, orderHandlers());
    const attribution = (await screen.findByText('归属')).closest('.ant-card')! as HTMLElement;
    expect(within(attribution).getByText('导购店铺')).toBeInTheDocument();
    expect(within(attribution).getByText('李娜（K7QX2M） · 徐汇店')).toBeInTheDocument();
    expect(within(attribution).getByText('下单时绑定')).toBeInTheDocument();
    expect(within(attribution).getByText('已同步')).toBeInTheDocument();
  });

  it.each([
    {
      attribution: {
        ...paidOrder().attribution,
        channel: 'direct' as const,
        guideSource: 'payment-assignment' as const,
        wechatPayGuideAssigned: false,
      },
      texts: ['自然进店', '李娜（K7QX2M） · 徐汇店', '付款时分配', '未同步'],
    },
    { attribution: directAttribution, texts: ['自然进店', '无导购'] },
  ])('shows the attribution $texts', async ({ attribution, texts }) => {
    await renderSignedIn(viewer, `/orders/${orderNumbers.paid}`, orderHandlers([paidOrder({ attribution })]));
    const card = (await screen.findByText('归属')).closest('.ant-card')! as HTMLElement;
    for (const text of texts) expect(within(card).getByText(text)).toBeInTheDocument();
  });

  it('shows the shipping, the WeChat upload state, the trace and who shipped it', async () => {
    await renderSignedIn(viewer, `/orders/${orderNumbers.shipped}`, orderHandlers());
    expect(await screen.findByText('SF1400000001')).toBeInTheDocument();
    expect(screen.getByText('顺丰速运')).toBeInTheDocument();
    expect(screen.getByText('待上传，稍后自动重试')).toBeInTheDocument();
    expect(screen.getByText(/已尝试 2 次/)).toBeInTheDocument();
    expect(await screen.findByText('快件已到达【杭州转运中心】')).toBeInTheDocument();
    expect(screen.getByText('运输中')).toBeInTheDocument();
    expect(screen.getByText(/员工 manager · 顺丰速运 SF1400000001/)).toBeInTheDocument();
  });

  it("says when the trace cannot be had, with the API's message", async () => {
    await renderSignedIn(viewer, `/orders/${orderNumbers.shipped}`, {
      ...orderHandlers(),
      [`GET /api/admin/orders/${orderNumbers.shipped}/logistics`]: () => errorReply('PLATFORM_ERROR'),
    });
    expect(await screen.findByText('无法获取物流轨迹')).toBeInTheDocument();
    expect(screen.getByText('微信服务暂时不可用，请稍后再试')).toBeInTheDocument();
  });

  it('ships a paid order and shows it shipped', async () => {
    await renderSignedIn(operator, `/orders/${orderNumbers.paid}`, {
      ...orderHandlers(),
      [`POST /api/admin/orders/${orderNumbers.paid}/ship`]: () =>
        jsonReply(200, {
          order: shippedOrder({ orderNo: orderNumbers.paid, shippingUpload: { state: 'uploaded', attempts: 1 } }),
          staffNames: {},
        }),
    });
    const user = userEvent.setup();
    await shipWith(user, await openShipDialog(user), '顺丰速运', 'SF1400000001');
    expect(await screen.findByText('已上传')).toBeInTheDocument();
    expect(screen.getByText('待收货')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^发\s*货$/ })).toBeNull();
  });

  it('says an unknown order does not exist', async () => {
    await renderSignedIn(viewer, '/orders/20990101000000011', orderHandlers([paidOrder()]));
    expect(await screen.findByText('订单不存在')).toBeInTheDocument();
  });
});
