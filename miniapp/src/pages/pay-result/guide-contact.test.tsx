import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { GuideContactReply } from '@mall/shared';
import { answerRequests, failure, requested } from '../../testing/api';
import { orderNo, paymentStatus, signIn } from '../../testing/orders';
import { hidePage, router, showPageAgain } from '../../testing/taro';
import PayResultPage from './index';

/** The payment result page's guide (付款即服务): the WeCom contact plugin in the weapp, the QR in H5, 已添加 once added. */

const statusPath = `GET /api/orders/${orderNo(1)}/payment`;
const contactPath = (surface: 'weapp' | 'h5') => `GET /api/orders/${orderNo(1)}/guide-contact?surface=${surface}`;
const guide = { id: 'b00000000000000000000001', code: 'K7QX2M', name: '李娜', avatarUrl: null, storeName: '徐汇店' };

function contactReply(fields: Partial<GuideContactReply> = {}): GuideContactReply {
  return {
    guide,
    contact: { configId: 'plugin-config-1', qrCodeUrl: '/api/guide-contacts/qr/qr-config-1' },
    added: false,
    ...fields,
  };
}

function openPaidPage(surface: 'weapp' | 'h5', reply: GuideContactReply | (() => GuideContactReply)) {
  vi.stubEnv('TARO_ENV', surface);
  signIn();
  router.params = { orderNo: orderNo(1), result: 'success' };
  answerRequests({
    [statusPath]: { statusCode: 200, data: paymentStatus(orderNo(1), true) },
    [contactPath(surface)]: () => ({ statusCode: 200, data: typeof reply === 'function' ? reply() : reply }),
  });
  return render(<PayResultPage />);
}

const pluginCell = (container: HTMLElement) => container.querySelector('wecom-contact-cell');
const qrImage = (container: HTMLElement) => container.querySelector('img[src$="/api/guide-contacts/qr/qr-config-1"]');

describe('the guide on the payment result page', () => {
  it("shows the weapp the guide's card with the WeCom contact plugin, and the QR when asked", async () => {
    const { container } = openPaidPage('weapp', contactReply());
    expect(await screen.findByText('添加专属导购，售后与新品随时问')).toBeTruthy();
    expect(screen.getByText('李娜')).toBeTruthy();
    expect(screen.getByText('徐汇店')).toBeTruthy();
    expect(pluginCell(container)?.getAttribute('plugid')).toBe('plugin-config-1');
    expect(qrImage(container)).toBeNull();
    expect(requested()).toContain(contactPath('weapp'));

    fireEvent.click(screen.getByText('无法添加？使用二维码'));
    expect(qrImage(container)?.getAttribute('src')).toBe('http://api.test/api/guide-contacts/qr/qr-config-1');
    expect(screen.getByText('长按识别二维码或用微信扫一扫，添加导购的企业微信')).toBeTruthy();
  });

  it('shows H5 the QR (no plugin there)', async () => {
    const { container } = openPaidPage(
      'h5',
      contactReply({ contact: { configId: null, qrCodeUrl: '/api/guide-contacts/qr/qr-config-1' } }),
    );
    expect(await screen.findByText('长按识别二维码或用微信扫一扫，添加导购的企业微信')).toBeTruthy();
    expect(qrImage(container)).not.toBeNull();
    expect(pluginCell(container)).toBeNull();
  });

  it('says 已添加 once the shopper added the guide, checking again when the page is shown again', async () => {
    let added = false;
    const { container } = openPaidPage('h5', () =>
      added
        ? contactReply({ contact: null, added: true })
        : contactReply({ contact: { configId: null, qrCodeUrl: '/api/guide-contacts/qr/qr-config-1' } }),
    );
    expect(await screen.findByText('长按识别二维码或用微信扫一扫，添加导购的企业微信')).toBeTruthy();

    // Off to WeCom to add the guide, and back.
    hidePage();
    added = true;
    showPageAgain();
    expect(await screen.findByText('已添加')).toBeTruthy();
    expect(screen.getByText('你已添加导购的企业微信，有问题可以直接在企业微信里找 TA。')).toBeTruthy();
    expect(qrImage(container)).toBeNull();
    expect(requested().filter((path) => path === contactPath('h5'))).toHaveLength(2);
  });

  it('says why the guide cannot be added', async () => {
    const { container } = openPaidPage('weapp', contactReply({ contact: null, unavailableReason: 'guide_without_wecom' }));
    expect(await screen.findByText('该导购暂未开通企业微信')).toBeTruthy();
    expect(screen.getByText('李娜')).toBeTruthy();
    expect(pluginCell(container)).toBeNull();
  });

  it('shows no guide section when the order has no guide', async () => {
    openPaidPage('h5', { guide: null, contact: null, added: false, unavailableReason: 'no_guide' });
    expect(await screen.findByText('支付成功')).toBeTruthy();
    await screen.findByText(`订单号 ${orderNo(1)}`);
    expect(requested()).toContain(contactPath('h5'));
    expect(screen.queryByText('添加专属导购，售后与新品随时问')).toBeNull();
  });

  it('offers 重试 when the guide cannot be loaded, without hiding the payment', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    signIn();
    router.params = { orderNo: orderNo(1) };
    let attempts = 0;
    answerRequests({
      [statusPath]: { statusCode: 200, data: paymentStatus(orderNo(1), true) },
      [contactPath('h5')]: () => {
        attempts += 1;
        return attempts === 1
          ? failure(502, 'PLATFORM_ERROR', '微信服务暂时不可用，请稍后再试')
          : { statusCode: 200, data: contactReply() };
      },
    });
    render(<PayResultPage />);
    expect(await screen.findByText('微信服务暂时不可用，请稍后再试')).toBeTruthy();
    expect(screen.getByText('支付成功')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByText('李娜')).toBeTruthy();
  });
});
