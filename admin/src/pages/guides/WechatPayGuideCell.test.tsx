import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Guide } from '@mall/shared';
import { errorReply, jsonReply, renderSignedIn, staffMember, type FakeHandler } from '../../testing/fake-api.tsx';
import { guideHandlers, guides, ids } from './guide-fixtures.ts';

const owner = staffMember({ username: 'owner', role: 'owner' });
const viewer = staffMember({ username: 'viewer', role: 'viewer' });
const WECHAT_PAY_GUIDE_ID = 'LLA3WJ6DSZUfiaZDS79FH5Wm5m4X69TBic';
const registrationPath = `/api/admin/guides/${ids.lina}/wechat-pay-registration`;

/** The guide list answering with `listed`, which the handlers' caller may change (a registration). */
function listOf(listed: () => Guide[]): Record<string, FakeHandler> {
  return {
    ...guideHandlers(),
    'GET /api/admin/guides': () => jsonReply(200, { items: listed(), total: listed().length, page: 1, pageSize: 20 }),
  };
}

const cellOf = async (name: string) => {
  const table = await screen.findByRole('table');
  const header = within(table).getByRole('columnheader', { name: '支付即服务' });
  const column = [...header.parentElement!.children].indexOf(header);
  const row = (await within(table).findByText(name)).closest('tr')!;
  return row.children[column] as HTMLElement;
};

describe('支付即服务 in the guide list', () => {
  it('registers an unregistered guide on duty and shows them registered after the list reloads', async () => {
    let listed = guides;
    const { calls } = await renderSignedIn(owner, '/guides', {
      ...listOf(() => listed),
      [`POST ${registrationPath}`]: () => {
        listed = guides.map((guide) => (guide.id === ids.lina ? { ...guide, wechatPayGuideId: WECHAT_PAY_GUIDE_ID } : guide));
        return jsonReply(200, { guide: listed[0] });
      },
    });
    const user = userEvent.setup();
    const cell = await cellOf('李娜');
    expect(within(cell).getByText('未注册')).toBeInTheDocument();
    // A departed guide is not registered, and cannot be.
    expect(within(await cellOf('王芳')).getByText('—')).toBeInTheDocument();
    expect(within(await cellOf('王芳')).queryByRole('button')).toBeNull();

    await user.click(within(cell).getByRole('button', { name: /注\s*册/ }));
    await waitFor(() => expect(calls.filter((call) => call.method === 'POST' && call.path === registrationPath)).toHaveLength(1));
    expect(await screen.findByText('「李娜」已注册支付即服务')).toBeInTheDocument();
    const registered = await within(await cellOf('李娜')).findByText('已注册');
    expect(registered).toHaveAttribute('title', `微信支付导购 ID：${WECHAT_PAY_GUIDE_ID}`);
    expect(within(await cellOf('李娜')).queryByRole('button')).toBeNull();
  });

  it('shows what registration still needs, as the API says it', async () => {
    await renderSignedIn(owner, '/guides', {
      ...guideHandlers(),
      [`POST ${registrationPath}`]: () => errorReply('GUIDE_WITHOUT_AVATAR'),
    });
    const user = userEvent.setup();
    await user.click(within(await cellOf('李娜')).getByRole('button', { name: /注\s*册/ }));
    expect(await screen.findByText('请先为导购上传头像，微信支付的付款结果页会展示导购头像')).toBeInTheDocument();
    expect(within(await cellOf('李娜')).getByText('未注册')).toBeInTheDocument();
  });

  it('is a status only for a viewer', async () => {
    await renderSignedIn(viewer, '/guides', guideHandlers());
    expect(within(await cellOf('李娜')).getByText('未注册')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /注\s*册/ })).toBeNull();
  });
});
