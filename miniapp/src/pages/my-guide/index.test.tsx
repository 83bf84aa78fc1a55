import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { GuideContactReply, MyGuideReply } from '@mall/shared';
import { answerRequests, requested } from '../../testing/api';
import { signIn } from '../../testing/orders';
import { switchTab } from '../../testing/taro';
import MyGuidePage from './index';

const guide = { id: 'b00000000000000000000001', code: 'K7QX2M', name: '李娜', avatarUrl: null, storeName: '徐汇店' };
const explanation =
  '自 2026-11-20 10:00 起由 李娜（徐汇店）服务，因为首次通过导购进店；保护期至 2026-12-20 10:00，期间其他导购的链接不会改变归属。';

function myGuide(binding: boolean): MyGuideReply {
  return {
    binding: binding
      ? {
          guide,
          since: '2026-11-20T02:00:00.000Z',
          protectedUntil: '2026-12-20T02:00:00.000Z',
          protectedNow: true,
          reason: 'first-touch',
          explanation,
        }
      : null,
  };
}

function open(surface: 'weapp' | 'h5', contact: GuideContactReply, binding = true) {
  vi.stubEnv('TARO_ENV', surface);
  signIn();
  answerRequests({
    [`GET /api/me/guide-contact?surface=${surface}`]: { statusCode: 200, data: contact },
    'GET /api/me/guide': { statusCode: 200, data: myGuide(binding) },
  });
  return render(<MyGuidePage />);
}

describe('我的导购', () => {
  it('shows the guide, why they are mine, and the contact plugin in the weapp', async () => {
    const { container } = open('weapp', {
      guide,
      contact: { configId: 'plugin-config-9', qrCodeUrl: '/api/guide-contacts/qr/qr-config-9' },
      added: false,
    });
    expect(await screen.findByText('我的专属导购')).toBeTruthy();
    expect(screen.getByText(explanation)).toBeTruthy();
    expect(container.querySelector('wecom-contact-cell')?.getAttribute('plugid')).toBe('plugin-config-9');
    fireEvent.click(screen.getByText('无法添加？使用二维码'));
    expect(container.querySelector('img[src="http://api.test/api/guide-contacts/qr/qr-config-9"]')).not.toBeNull();
  });

  it('shows the QR in H5, and 已添加 when the shopper added the guide', async () => {
    const { container, unmount } = open('h5', {
      guide,
      contact: { configId: null, qrCodeUrl: '/api/guide-contacts/qr/qr-config-9' },
      added: false,
    });
    expect(await screen.findByText('长按识别二维码或用微信扫一扫，添加导购的企业微信')).toBeTruthy();
    expect(container.querySelector('wecom-contact-cell')).toBeNull();
    unmount();

    open('h5', { guide, contact: null, added: true });
    expect(await screen.findByText('已添加')).toBeTruthy();
    expect(screen.queryByText('长按识别二维码或用微信扫一扫，添加导购的企业微信')).toBeNull();
  });

  it('says so when the shopper has no guide yet', async () => {
    open('h5', { guide: null, contact: null, added: false, unavailableReason: 'no_guide' }, false);
    expect(await screen.findByText('你还没有专属导购')).toBeTruthy();
    expect(requested()).toContain('GET /api/me/guide');
  });

  it('sends a signed-out H5 shopper to 我的 to log in', async () => {
    vi.stubEnv('TARO_ENV', 'h5');
    render(<MyGuidePage />);
    fireEvent.click(await screen.findByRole('button', { name: '去登录' }));
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/profile/index' });
    expect(requested()).toEqual([]);
  });
});
