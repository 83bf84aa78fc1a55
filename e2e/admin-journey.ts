import type { Page } from 'playwright-core';
import { visible, type JourneySetup, type Step } from './journey.ts';

const SIGN_IN_BUTTON = /登\s*录/;

/** The dashboard is the console's root: the router writes it as /admin, the server answers /admin/ too. */
function dashboardUrl(baseUrl: string): RegExp {
  return new RegExp(`^${baseUrl.replaceAll('.', '\\.')}/admin/?$`);
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: SIGN_IN_BUTTON }).click();
}

/**
 * The admin console as the foundation ships it: sign-in (wrong, then right), the dashboard with the
 * API's health, creating an operator as the owner, signing out, and what the operator then sees.
 */
export function adminJourney({ page, baseUrl, owner, health }: JourneySetup): Step[] {
  const operator = { username: 'e2e.operator', password: 'operator-password-1' };

  return [
    {
      name: '/admin/ opens the sign-in page',
      screenshot: 'admin-01-sign-in-page.png',
      async run() {
        await page.goto(`${baseUrl}/admin/`);
        await page.waitForURL(`${baseUrl}/admin/login`);
        await visible(page.getByRole('heading', { name: '导购商城管理后台' }));
        await visible(page.getByRole('button', { name: SIGN_IN_BUTTON }));
      },
    },
    {
      name: 'a wrong password shows the Chinese error',
      screenshot: 'admin-02-wrong-password.png',
      async run() {
        await signIn(page, owner.username, 'not-the-password');
        await visible(page.getByRole('alert').filter({ hasText: '用户名或密码错误' }));
      },
    },
    {
      name: 'the right password opens the dashboard with the API health and the owner',
      screenshot: 'admin-03-dashboard.png',
      async run() {
        await signIn(page, owner.username, owner.password);
        await page.waitForURL(dashboardUrl(baseUrl));
        await visible(page.getByRole('heading', { name: '概览' }));
        await visible(page.getByText(`内置开发数据库（${health.db.mode}）`));
        await visible(page.getByText('本地沙箱'));
        await visible(page.getByText(health.version, { exact: true }));
        await visible(page.getByLabel('当前账号').getByText(owner.username));
        await visible(page.getByLabel('当前登录').getByText('所有者'));
      },
    },
    {
      name: 'the owner creates an operator and sees it listed',
      screenshot: 'admin-04-operator-created.png',
      async run() {
        await page.getByRole('menuitem', { name: '员工与角色' }).click();
        await page.waitForURL(`${baseUrl}/admin/staff`);
        const form = page.getByRole('form', { name: '新建员工账号' });
        await form.getByLabel('用户名').fill(operator.username);
        await form.getByLabel('初始密码').fill(operator.password);
        await form.getByText('运营', { exact: true }).click();
        await form.getByRole('button', { name: '创建账号' }).click();
        await visible(page.getByText(`已创建员工账号 ${operator.username}`));
        const row = page.getByRole('row').filter({ hasText: operator.username });
        await visible(row.getByText('运营', { exact: true }));
        await visible(row.getByText('启用'));
      },
    },
    {
      name: 'signing out returns to the sign-in page and ends the session',
      screenshot: 'admin-05-signed-out.png',
      async run() {
        await page.getByRole('button', { name: '退出登录' }).click();
        await page.waitForURL(`${baseUrl}/admin/login`);
        await page.goto(`${baseUrl}/admin/staff`);
        await page.waitForURL(`${baseUrl}/admin/login`);
        await visible(page.getByRole('button', { name: SIGN_IN_BUTTON }));
      },
    },
    {
      name: 'the new operator signs in and sees the staff list without the create form',
      screenshot: 'admin-06-operator-staff.png',
      async run() {
        await signIn(page, operator.username, operator.password);
        await page.waitForURL(`${baseUrl}/admin/staff`);
        await visible(page.getByLabel('当前账号').getByText('运营'));
        await visible(page.getByRole('row').filter({ hasText: owner.username }));
        await visible(page.getByText('只有所有者可以新建员工账号。'));
        if ((await page.getByRole('form', { name: '新建员工账号' }).count()) !== 0)
          throw new Error('an operator is shown the create-staff form');
      },
    },
  ];
}
