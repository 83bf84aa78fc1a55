import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { answerRequests, failure, requested } from '../../../testing/api';
import { guide } from '../../../testing/guides';
import { signIn } from '../../../testing/orders';
import { redirectTo, request, router } from '../../../testing/taro';
import GuideRedeemPage from './index';

const redeemPath = 'POST /api/guide/invitations/redeem';

async function submit() {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: '绑定' }));
  });
}

describe('绑定导购身份', () => {
  it('redeems the code, trimmed and upper-cased, and opens the workbench', async () => {
    signIn();
    answerRequests({ [redeemPath]: { statusCode: 200, data: { guide: guide() } } });
    render(<GuideRedeemPage />);
    fireEvent.change(screen.getByPlaceholderText('邀请码'), { target: { value: ' abcd2345 ' } });
    await submit();
    expect(requested()).toEqual([redeemPath]);
    expect(request.mock.calls[0]?.[0].data).toEqual({ code: 'ABCD2345' });
    expect(redirectTo).toHaveBeenCalledWith({ url: '/packages/guide/workbench/index' });
  });

  it.each([
    ['INVITATION_NOT_FOUND', 404, '邀请码不存在，请核对后重新输入'],
    ['INVITATION_EXPIRED', 410, '邀请码已过期，请联系管理员重新生成'],
    ['INVITATION_USED', 409, '邀请码已被使用'],
    ['ALREADY_A_GUIDE', 409, '你的微信已绑定为其他导购'],
  ])("shows the API's message when it refuses the code (%s)", async (code, status, message) => {
    signIn();
    answerRequests({ [redeemPath]: failure(status, code, message) });
    render(<GuideRedeemPage />);
    fireEvent.change(screen.getByPlaceholderText('邀请码'), { target: { value: 'ABCD2345' } });
    await submit();
    expect(screen.getByRole('alert').textContent).toBe(message);
    expect(redirectTo).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: '绑定' })).toBeTruthy();
  });

  it('says what is wrong with a malformed code before asking the API', async () => {
    signIn();
    render(<GuideRedeemPage />);
    fireEvent.change(screen.getByPlaceholderText('邀请码'), { target: { value: 'ABC0' } });
    await submit();
    expect(screen.getByRole('alert').textContent).toBe('邀请码为 8 位字母或数字');
    expect(requested()).toEqual([]);
  });

  it('prefills the code from an invitation link', async () => {
    signIn();
    router.params = { code: 'wxyz6789' };
    answerRequests({ [redeemPath]: { statusCode: 200, data: { guide: guide() } } });
    render(<GuideRedeemPage />);
    expect((screen.getByPlaceholderText('邀请码') as HTMLInputElement).value).toBe('wxyz6789');
    await submit();
    expect(request.mock.calls[0]?.[0].data).toEqual({ code: 'WXYZ6789' });
  });
});
