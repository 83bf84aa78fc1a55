import type { Page } from 'playwright-core';
import { carriers } from '@mall/shared';
import { visible, type Step } from './journey.ts';
import { expectEqual, PRODUCT_TITLE, screen, textOf, type Purchase } from './storefront-journey.ts';

/** A step and the tab it runs in: this journey goes back and forth between the shopper and the staff member. */
export interface PagedStep {
  step: Step;
  page: Page;
}

const CARRIER = carriers[0]!;
const TRACKING_NO = 'SF1400123456789';
/** The sandbox confirms a refund with its REFUND.SUCCESS notification within moments; the page is reloaded until then. */
const REFUND_SETTLED_TIMEOUT_MS = 30_000;

/** antd spaces out a two-character Chinese button label (发货 reads 发 货), so names are matched loosely. */
export function twoCharacterLabel(label: string): RegExp {
  return new RegExp(`^${[...label].join('\\s*')}$`);
}

/** Reloads `page` until `check` passes (a state another party changes, shown on the next load). */
export async function untilShownAfterReload(page: Page, check: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await page.reload();
  }
}

/**
 * After the purchase: the merchant ships the order from the console (the operator the admin journey left signed
 * in), the shopper sees it shipped with the sandbox carrier's trace, asks for a refund, the merchant approves it,
 * and both see it refunded once the sandbox WeChat Pay has confirmed the refund.
 */
export function afterPurchaseJourney(shopperPage: Page, staffPage: Page, purchase: Purchase): PagedStep[] {
  const staff = staffPage;
  const shopper = shopperPage;
  const afterSaleNo = () => `${purchase.orderNo}-1`;
  const onStaff = (step: Step): PagedStep => ({ step, page: staff });
  const onShopper = (step: Step): PagedStep => ({ step, page: shopper });

  return [
    onStaff({
      name: '订单 lists the paid order under 待发货; its detail shows the line and the history',
      screenshot: 'orders-01-to-ship.png',
      async run() {
        await staff.getByRole('menuitem', { name: '订单' }).click();
        await staff.getByRole('tab', { name: '待发货' }).click();
        await staff.getByText(purchase.orderNo, { exact: true }).click();
        await visible(staff.getByText(`订单 ${purchase.orderNo}`, { exact: true }));
        await visible(staff.getByText(PRODUCT_TITLE).first());
        await visible(staff.getByRole('button', { name: twoCharacterLabel('发货') }));
      },
    }),
    onStaff({
      name: `发货 with ${CARRIER.name} and a tracking number marks the order 待收货`,
      screenshot: 'orders-02-shipped.png',
      async run() {
        await staff.getByRole('button', { name: twoCharacterLabel('发货') }).click();
        const dialog = staff.getByRole('dialog', { name: `发货 · 订单 ${purchase.orderNo}` });
        await dialog.getByLabel('快递公司').click();
        await staff.locator('.ant-select-item-option').filter({ hasText: CARRIER.name }).click();
        await dialog.getByLabel('快递单号').fill(TRACKING_NO);
        await dialog.getByRole('button', { name: '确认发货' }).click();
        await visible(staff.getByText('已发货', { exact: true }));
        await visible(staff.locator('.ant-tag').getByText('待收货', { exact: true }));
        await visible(staff.getByText(TRACKING_NO).first());
      },
    }),
    onShopper({
      name: 'the shopper’s order shows 待收货, the parcel and the carrier’s trace',
      screenshot: 'shop-14-shipped.png',
      async run() {
        await shopper.reload();
        const order = screen(shopper, 'orders/detail');
        await visible(order.locator('.order-banner__status').getByText('待收货', { exact: true }));
        await visible(order.getByText('物流信息', { exact: true }));
        await visible(order.getByText(CARRIER.name, { exact: true }));
        await visible(order.getByText(TRACKING_NO, { exact: true }));
        await visible(order.locator('.shipment__state').getByText('已揽收', { exact: true }));
        await visible(order.locator('.shipment__event--latest'));
        await visible(order.getByText('确认收货', { exact: true }));
      },
    }),
    onShopper({
      name: '申请售后: 仅退款 of the whole amount paid, with a reason',
      screenshot: 'shop-15-after-sale-request.png',
      async run() {
        await screen(shopper, 'orders/detail').getByText('申请售后', { exact: true }).click();
        const form = screen(shopper, 'packages/after-sales/request');
        await form.getByText('仅退款', { exact: true }).click();
        await form.getByText('不想要了', { exact: true }).click();
        const amount = await form.locator('.after-sale-form__input input').inputValue();
        expectEqual(`¥${amount}`, purchase.payable, 'the prefilled refund amount');
      },
    }),
    onShopper({
      name: '提交申请 opens the request: 待审核',
      screenshot: 'shop-16-after-sale-requested.png',
      async run() {
        await screen(shopper, 'packages/after-sales/request').getByText('提交申请', { exact: true }).click();
        const detail = screen(shopper, 'packages/after-sales/detail');
        await visible(detail.locator('.after-sale-banner__status').getByText('待审核', { exact: true }));
        await visible(detail.getByText(afterSaleNo(), { exact: true }));
      },
    }),
    onStaff({
      name: '售后 shows the request; 同意 refunds the full amount and WeChat Pay confirms it: 已退款',
      screenshot: 'after-sales-01-refunded.png',
      async run() {
        await staff.getByRole('menuitem', { name: '售后' }).click();
        await staff.getByText(afterSaleNo(), { exact: true }).click();
        await staff.getByRole('button', { name: twoCharacterLabel('同意') }).click();
        const dialog = staff.getByRole('dialog', { name: '同意售后申请' });
        expectEqual(`¥${await dialog.getByLabel('退款金额（元）').inputValue()}`, purchase.payable, 'the amount to approve');
        await dialog.getByRole('button', { name: twoCharacterLabel('同意') }).click();
        await untilShownAfterReload(
          staff,
          () => staff.locator('.ant-tag').getByText('已退款', { exact: true }).first().waitFor({ state: 'visible', timeout: 1000 }),
          REFUND_SETTLED_TIMEOUT_MS,
        );
        await visible(staff.getByText('退款成功').first());
      },
    }),
    onShopper({
      name: 'the shopper sees the request 已退款 with the refund, and the order 已退款',
      screenshot: 'shop-17-refunded.png',
      async run() {
        const detail = screen(shopper, 'packages/after-sales/detail');
        await untilShownAfterReload(
          shopper,
          () =>
            detail.locator('.after-sale-banner__status').getByText('已退款', { exact: true }).waitFor({ state: 'visible', timeout: 2000 }),
          REFUND_SETTLED_TIMEOUT_MS,
        );
        await visible(detail.getByText('退款成功', { exact: true }));
        expectEqual(
          await textOf(detail.locator('.after-sale-section').filter({ hasText: '退款金额' }).getByText(purchase.payable)),
          purchase.payable,
          'the amount refunded',
        );
        await detail.getByText('查看订单', { exact: true }).click();
        const order = screen(shopper, 'orders/detail');
        await visible(order.locator('.order-banner__status').getByText('已退款', { exact: true }));
      },
    }),
  ];
}
