import type { Locator, Page, Response } from 'playwright-core';
import {
  bindingReasonLabels,
  formatFen,
  orderChannelLabels,
  orderStatusLabels,
  parseYuanToFen,
  performanceSortLabels,
  recordTouchReplySchema,
  shanghaiBusinessDay,
  wecomRelationStatusLabels,
  type RecordTouchReply,
  type TouchEffect,
} from '@mall/shared';
import { touchEffectLabels } from '../admin/src/pages/customers/attribution-format.ts';
import { demoStores } from '../api/src/demo/stores.ts';
import { twoCharacterLabel, untilShownAfterReload, type PagedStep } from './after-purchase-journey.ts';
import { visible, type Step } from './journey.ts';
import { demoProduct, escapeRegExp, expectEqual, field, PAYMENT_SETTLED_TIMEOUT_MS, screen, textOf } from './storefront-journey.ts';

/** The seeded store whose two guides the loop uses: A brings the customer, B's link comes later, within A's protection. */
const STORE = demoStores[0]!;
const GUIDE_A = STORE.guides[0]!;
const GUIDE_B = STORE.guides[1]!;

/** The product the staff member makes guide A's pick, bought from the pick in A's shop: one spec, so one choice. */
const PICK_TITLE = '复古德训鞋';
const PICK_SIZE = '40';
/** A sandbox user who has never signed in: their first guide comes from A's link, not from a payment-time assignment. */
const CUSTOMER = 'e2e.guide-customer';
const ADDRESS = {
  recipientName: '李四',
  phone: '13900139000',
  province: '上海市',
  city: '上海市',
  district: '徐汇区',
  detail: '漕溪北路 100 号 5 楼',
};
/** The name the customer has on WeCom (the sandbox's external contact). */
const WECOM_NAME = '李四';

/** The sandbox delivers WeCom's event to the API within moments; the pages are reloaded until they show it. */
const WECOM_PROCESSED_TIMEOUT_MS = 30_000;
/** Performance rollups follow the payment and the WeCom add; the ranking is reloaded until it shows them. */
const PERFORMANCE_UPDATED_TIMEOUT_MS = 30_000;

/** The figures the loop checks in 导购业绩, by their column titles. */
const FIGURES = {
  netGmv: performanceSortLabels.netGmv,
  paidGmv: performanceSortLabels.paidGmv,
  paidOrders: performanceSortLabels.paidOrders,
  wecomAdds: performanceSortLabels.wecomAdds,
} as const;
type Figures = Record<keyof typeof FIGURES, number>;

/** `¥399.00` or `-¥12.00` → fen; a count as it reads. */
function figureValue(text: string): number {
  const money = /^(-?)¥(.+)$/.exec(text);
  if (money) return (money[1] === '-' ? -1 : 1) * parseYuanToFen(money[2] ?? '');
  if (!/^\d+$/.test(text)) throw new Error(`not a figure: "${text}"`);
  return Number(text);
}

/** A table row's cells by their column titles. */
async function cellsByColumn(table: Locator, row: Locator): Promise<Record<string, string>> {
  await visible(row);
  const titles = (await table.locator('thead th').allInnerTexts()).map((title) => title.trim());
  const cells = (await row.first().locator('td').allInnerTexts()).map((cell) => cell.trim());
  return Object.fromEntries(titles.map((title, index) => [title, cells[index] ?? '']));
}

/** The storefront's touch request for the page being opened (sent once the page reads the guide code). */
function touchRecorded(page: Page): Promise<Response> {
  return page.waitForResponse((response) => new URL(response.url()).pathname === '/api/touches' && response.request().method() === 'POST');
}

async function touchReply(response: Promise<Response>): Promise<RecordTouchReply> {
  const answered = await response;
  if (!answered.ok()) throw new Error(`recording the guide touch answered ${answered.status()}: ${await answered.text()}`);
  return recordTouchReplySchema.parse(await answered.json());
}

/** Waits until an image has loaded a picture (a broken or empty source fails). */
async function imageLoaded(page: Page, image: Locator): Promise<void> {
  await image.waitFor({ state: 'attached' });
  await page.waitForFunction(
    (element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0,
    await image.elementHandle(),
  );
}

/** What the loop learns on the way and checks later. */
interface LoopState {
  shopUrlA: string;
  shopUrlB: string;
  codeA: string;
  codeB: string;
  /** Guide A's figures today before the customer bought. */
  before: Figures;
  orderNo: string;
  /** As shown, e.g. ¥299.00. */
  payable: string;
  configId: string;
  /** The customer's binding page in the console. */
  customerUrl: string;
}

/**
 * The guide loop (issue 6): the operator makes a pick for guide A and reads A's and B's shop links from 店铺码/海报; a
 * new customer opens A's H5 shop link, buys A's pick and, on the result page, sees A with the contact-way QR; the
 * sandbox WeCom reports the customer adding A; the console shows the customer bound to A with WeCom linked and A's
 * performance grown by the order and the add; B's link within the protection period does not move the customer.
 */
export function guideLoopJourney(shopperPage: Page, staffPage: Page, baseUrl: string, sandboxUrl: string): PagedStep[] {
  const staff = staffPage;
  const shopper = shopperPage;
  const onStaff = (step: Step): PagedStep => ({ step, page: staff });
  const onShopper = (step: Step): PagedStep => ({ step, page: shopper });
  const origin = escapeRegExp(baseUrl);
  const pick = demoProduct(PICK_TITLE);
  const loop: LoopState = {
    shopUrlA: '',
    shopUrlB: '',
    codeA: '',
    codeB: '',
    before: { netGmv: 0, paidGmv: 0, paidOrders: 0, wecomAdds: 0 },
    orderNo: '',
    payable: '',
    configId: '',
    customerUrl: '',
  };
  const guideTextA = () => `${GUIDE_A.name}（${loop.codeA}）`;
  const guideTextB = () => `${GUIDE_B.name}（${loop.codeB}）`;

  const guideRow = (name: string) => staff.getByRole('row').filter({ has: staff.getByRole('cell', { name, exact: true }) });
  const picksDialog = () => staff.getByRole('dialog', { name: `「${GUIDE_A.name}」的推荐商品` });
  const ranking = staff.locator('.ant-table-wrapper').filter({ has: staff.getByRole('columnheader', { name: '排名' }) });

  /** The 业绩 tab over today only (Asia/Shanghai), once its report for today has arrived. */
  async function showTodaysRanking(): Promise<void> {
    const today = shanghaiBusinessDay(new Date());
    // Awaited from before the tab opens: on the 1st of a month the tab's own first report is already today's.
    const report = staff.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/admin/guide-performance' && new URL(response.url()).searchParams.get('from') === today,
    );
    await staff.getByRole('menuitem', { name: '导购' }).click();
    await staff.getByRole('tab', { name: '业绩' }).click();
    await visible(staff.getByText('导购业绩', { exact: true }));
    await staff.getByLabel('开始日期').fill(today);
    await report;
    await ranking.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
  }

  async function figuresOfA(): Promise<Figures> {
    const row = ranking.locator('tbody tr.ant-table-row').filter({ has: staff.getByRole('link', { name: GUIDE_A.name, exact: true }) });
    const cells = await cellsByColumn(ranking, row);
    const figure = (title: string) => figureValue(cells[title] ?? '');
    return {
      netGmv: figure(FIGURES.netGmv),
      paidGmv: figure(FIGURES.paidGmv),
      paidOrders: figure(FIGURES.paidOrders),
      wecomAdds: figure(FIGURES.wecomAdds),
    };
  }

  /** Opens a guide's 店铺码/海报 and returns the H5 shop link and guide code it shows, after checking the images. */
  async function readShopEntry(name: string): Promise<{ shopUrl: string; code: string }> {
    await guideRow(name).getByRole('button', { name: '店铺码/海报' }).click();
    const dialog = staff.getByRole('dialog', { name: `「${name}」的店铺码与海报` });
    await visible(dialog.getByText('H5 店铺链接', { exact: true }));
    for (const title of ['小程序码', '小程序海报', 'H5 海报']) {
      await visible(
        dialog
          .locator('.ant-card')
          .filter({ hasText: title })
          .getByRole('button', { name: `下载${title}` }),
      );
      await imageLoaded(staff, dialog.getByRole('img', { name: title, exact: true }));
    }
    const code = /导购码 (\S+)$/.exec(await textOf(dialog.getByText(/导购码 /)))?.[1] ?? '';
    const shopUrl = await dialog.getByRole('link').first().getAttribute('href');
    expectEqual(shopUrl ?? '', `${baseUrl}/shop/pages/shop/index?g=${encodeURIComponent(code)}`, `${name}'s H5 shop link`);
    expectEqual(await textOf(dialog.getByRole('link').first()), shopUrl ?? '', `${name}'s H5 shop link as shown`);
    return { shopUrl: shopUrl ?? '', code };
  }

  async function closeShopEntry(): Promise<void> {
    const dialog = staff.getByRole('dialog');
    await dialog
      .locator('.ant-modal-footer')
      .getByRole('button', { name: twoCharacterLabel('关闭') })
      .click();
    await dialog.waitFor({ state: 'hidden' });
  }

  const myGuide = screen(shopper, 'my-guide');
  const protectedExplanation = () =>
    new RegExp(
      `^自 .+ 起由 ${escapeRegExp(`${GUIDE_A.name}（${STORE.name}）`)}服务，因为${bindingReasonLabels['wecom-add']}；保护期至 .+，期间其他导购的链接不会改变归属。$`,
    );

  /** 我的导购: guide A, added on WeCom, with the explanation of the protected binding. */
  async function expectMyGuideIsA(): Promise<void> {
    await visible(myGuide.locator('.guide-contact__name').getByText(GUIDE_A.name, { exact: true }));
    await visible(myGuide.locator('.guide-contact__store').getByText(STORE.name, { exact: true }));
    await visible(myGuide.locator('.guide-contact__added').getByText('已添加', { exact: true }));
    const explanation = await textOf(myGuide.locator('.my-guide__explanation'));
    if (!protectedExplanation().test(explanation)) throw new Error(`我的导购 explains the binding as "${explanation}"`);
  }

  /** The customer's binding page in the console: bound to A, protected, added on WeCom. */
  async function expectBoundToA(): Promise<void> {
    const alert = staff.locator('.ant-alert');
    const explanation = await textOf(alert);
    if (!protectedExplanation().test(explanation)) throw new Error(`the console explains the binding as "${explanation}"`);
    const bindingCard = staff.locator('.ant-card').filter({ has: staff.getByText('专属导购', { exact: true }) });
    await visible(bindingCard.getByText(guideTextA(), { exact: true }));
    await visible(bindingCard.locator('.ant-tag').getByText('保护中', { exact: true }));
    await visible(
      bindingCard.locator('.ant-descriptions-item').filter({ hasText: '绑定原因' }).getByText(bindingReasonLabels['wecom-add']),
    );
    const history = staff.locator('.ant-card').filter({ has: staff.getByText('绑定记录', { exact: true }) });
    const changes = (await history.locator('.ant-timeline-item').allInnerTexts()).map((change) => change.split('\n')[0]?.trim());
    expectEqual(
      changes.join(' ← '),
      `${bindingReasonLabels['wecom-add']} ${guideTextA()} → ${guideTextA()} ← ${bindingReasonLabels['first-touch']} 无导购 → ${guideTextA()}`,
      'the binding history, newest first',
    );
    const wecom = staff.locator('.ant-card').filter({ has: staff.getByText('企业微信', { exact: true }) });
    const relation = wecom.getByRole('row').filter({ hasText: `${guideTextA()} · ${STORE.name}` });
    await visible(relation.locator('.ant-tag').getByText(wecomRelationStatusLabels.added, { exact: true }));
    if ((await wecom.locator('tbody tr.ant-table-row').count()) !== 1) throw new Error('the 企业微信 card lists other relations');
  }

  const touchesCard = () => staff.locator('.ant-card').filter({ has: staff.getByText(/^最近进店记录/) });

  return [
    onStaff({
      name: `导购 → 推荐商品 of ${GUIDE_A.name}: the operator adds ${PICK_TITLE}`,
      screenshot: 'guides-01-pick-added.png',
      async run() {
        await staff.getByRole('menuitem', { name: '导购' }).click();
        await guideRow(GUIDE_A.name).getByRole('button', { name: '推荐商品' }).click();
        const dialog = picksDialog();
        await visible(dialog.getByText('还没有推荐商品', { exact: true }));
        await dialog.getByLabel('添加推荐商品').fill(PICK_TITLE);
        await staff.locator('.ant-select-item-option').filter({ hasText: PICK_TITLE }).click();
        await visible(dialog.getByRole('row').filter({ hasText: PICK_TITLE }).getByText('展示中', { exact: true }));
      },
    }),
    onStaff({
      name: '保存 saves the pick',
      screenshot: 'guides-02-pick-saved.png',
      async run() {
        await picksDialog()
          .getByRole('button', { name: twoCharacterLabel('保存') })
          .click();
        await visible(staff.getByText(`已保存「${GUIDE_A.name}」的推荐商品`));
        await picksDialog().waitFor({ state: 'hidden' });
      },
    }),
    onStaff({
      name: `导购 → 业绩 for today: ${GUIDE_A.name}'s figures before the customer buys`,
      screenshot: 'guides-03-performance-before.png',
      async run() {
        await showTodaysRanking();
        loop.before = await figuresOfA();
      },
    }),
    onStaff({
      name: `店铺码/海报 of ${GUIDE_B.name}, then of ${GUIDE_A.name}: the mini-program code, the H5 shop link and both posters`,
      screenshot: 'guides-04-shop-entry.png',
      async run() {
        await staff.getByRole('tab', { name: '导购' }).click();
        await visible(guideRow(GUIDE_B.name));
        const b = await readShopEntry(GUIDE_B.name);
        [loop.shopUrlB, loop.codeB] = [b.shopUrl, b.code];
        await closeShopEntry();
        const a = await readShopEntry(GUIDE_A.name);
        [loop.shopUrlA, loop.codeA] = [a.shopUrl, a.code];
        if (loop.codeA === loop.codeB) throw new Error('both guides show the same code');
      },
    }),
    onShopper({
      name: `the shopper signs out on 我的 and signs in as a new customer, ${CUSTOMER}`,
      screenshot: 'guide-shop-01-new-customer.png',
      async run() {
        await shopper.goto(`${baseUrl}/shop/pages/profile/index`);
        const profile = screen(shopper, 'profile');
        await profile.getByText('退出登录', { exact: true }).click();
        await shopper.locator('.taro__modal .taro-model__confirm').click();
        await field(profile, '测试用户名').fill(CUSTOMER);
        await profile.locator('.profile-dev-login__submit').click();
        await visible(profile.getByText('我的导购', { exact: true }));
        await visible(profile.getByText('退出登录', { exact: true }));
      },
    }),
    onShopper({
      name: 'the new customer adds a delivery address',
      screenshot: 'guide-shop-02-address.png',
      async run() {
        await screen(shopper, 'profile').getByText('收货地址', { exact: true }).click();
        const list = screen(shopper, 'address/list');
        await visible(list.getByText('还没有收货地址'));
        await list.getByText('新增收货地址', { exact: true }).click();
        const form = screen(shopper, 'address/edit');
        await field(form, '收货人姓名').fill(ADDRESS.recipientName);
        await field(form, '11 位手机号').fill(ADDRESS.phone);
        await field(form, '如：广东省').fill(ADDRESS.province);
        await field(form, '如：深圳市').fill(ADDRESS.city);
        await field(form, '如：南山区').fill(ADDRESS.district);
        await field(form, '街道、楼栋、门牌号').fill(ADDRESS.detail);
        await form.getByText('保存', { exact: true }).click();
        await shopper.waitForURL(`${baseUrl}/shop/pages/address/list/index`);
        const card = list.locator('.address-card').filter({ hasText: ADDRESS.recipientName });
        await visible(card.getByText(ADDRESS.detail, { exact: false }));
        await visible(card.getByText('默认', { exact: true }));
      },
    }),
    onShopper({
      name: `${GUIDE_A.name}'s H5 shop link opens her shop: banner, 导购推荐, then 全部商品; the touch binds the customer to her`,
      screenshot: 'guide-shop-03-shop-a.png',
      async run() {
        const touched = touchRecorded(shopper);
        await shopper.goto(loop.shopUrlA);
        const touch = await touchReply(touched);
        expectEqual(touch.effect, 'bound' satisfies TouchEffect, 'what the first touch did');
        expectEqual(touch.guide.name, GUIDE_A.name, 'the guide after the first touch');
        const shop = screen(shopper, 'shop');
        await visible(shop.locator('.shop-banner__name').getByText(GUIDE_A.name, { exact: true }));
        await visible(shop.locator('.shop-banner__store').getByText(STORE.name, { exact: true }));
        await visible(shop.locator('.shop-banner__wecom'));
        await visible(shop.locator('.shop-section__title').getByText('导购推荐', { exact: true }));
        const picks = shop.locator('.product-grid').first();
        expectEqual(String(await picks.locator('.product-card').count()), '1', 'the number of picks shown');
        await visible(picks.locator('.product-card').filter({ hasText: PICK_TITLE }));
        await visible(shop.locator('.shop-section__title').getByText('全部商品', { exact: true }));
        await visible(shop.locator('.product-grid').nth(1).locator('.product-card').first());
      },
    }),
    onShopper({
      name: `the pick ${PICK_TITLE} opens its product page; the customer picks 鞋码 ${PICK_SIZE}`,
      screenshot: 'guide-shop-04-product.png',
      async run() {
        await screen(shopper, 'shop').locator('.product-grid').first().locator('.product-card').filter({ hasText: PICK_TITLE }).click();
        await shopper.waitForURL(new RegExp(`^${origin}/shop/pages/product/index\\?id=`));
        const product = screen(shopper, 'product');
        await visible(product.locator('.product-title').getByText(PICK_TITLE, { exact: true }));
        const size = product.locator('.product-spec').first().getByRole('button', { name: PICK_SIZE, exact: true });
        await size.click();
        await visible(size.and(shopper.locator('[aria-pressed="true"]')));
        await visible(product.locator('.product-price__current').getByText(formatFen(pick.priceFen), { exact: true }));
      },
    }),
    onShopper({
      name: '立即购买 opens checkout with the new address and 应付',
      screenshot: 'guide-shop-05-checkout.png',
      async run() {
        await screen(shopper, 'product').locator('.product-actions__buy').click();
        await shopper.waitForURL(new RegExp(`^${origin}/shop/pages/checkout/index\\?skuId=`));
        const checkout = screen(shopper, 'checkout');
        await visible(checkout.locator('.checkout-address').getByText(ADDRESS.recipientName, { exact: true }));
        const line = checkout.locator('.order-line').filter({ hasText: PICK_TITLE });
        await visible(line.getByText(formatFen(pick.priceFen), { exact: true }));
        await visible(line.getByText('×1', { exact: true }));
        loop.payable = await textOf(checkout.locator('.price-breakdown__payable'));
        if (!/^¥\d+\.\d{2}$/.test(loop.payable)) throw new Error(`应付 reads "${loop.payable}"`);
        await visible(checkout.locator('.checkout-bar__submit:not([disabled])'));
      },
    }),
    onShopper({
      name: '提交订单 opens the sandbox cashier with the amount',
      screenshot: 'guide-shop-06-cashier.png',
      async run() {
        await screen(shopper, 'checkout').locator('.checkout-bar__submit').click();
        await shopper.waitForURL((url) => url.pathname === '/__sandbox/wechatpay/cashier');
        expectEqual(await textOf(shopper.locator('.amount')), loop.payable, 'the cashier’s amount');
      },
    }),
    onShopper({
      name: `确认支付: the result page shows 支付成功, ${GUIDE_A.name}'s card and her WeCom QR`,
      screenshot: 'guide-shop-07-paid-guide-qr.png',
      async run() {
        await shopper.getByRole('button', { name: '确认支付' }).click();
        await shopper.waitForURL(new RegExp(`^${origin}/shop/pages/pay-result/index\\?orderNo=\\d{17}&result=success`));
        loop.orderNo = new URL(shopper.url()).searchParams.get('orderNo') ?? '';
        const result = screen(shopper, 'pay-result');
        await result.getByText('支付成功', { exact: true }).waitFor({ timeout: PAYMENT_SETTLED_TIMEOUT_MS });
        expectEqual(await textOf(result.locator('.pay-result__amount')), loop.payable, 'the amount paid');
        const contact = result.locator('.guide-contact');
        await visible(contact.locator('.guide-contact__name').getByText(GUIDE_A.name, { exact: true }));
        await visible(contact.locator('.guide-contact__store').getByText(STORE.name, { exact: true }));
        const qr = contact.locator('.guide-contact__qr-image img');
        await imageLoaded(shopper, qr);
        const src = (await qr.getAttribute('src')) ?? '';
        loop.configId = /\/api\/guide-contacts\/qr\/([^/?#]+)$/.exec(src)?.[1] ?? '';
        if (loop.configId === '') throw new Error(`the QR image's source is "${src}", not /api/guide-contacts/qr/<configId>`);
        await visible(contact.getByText('长按识别二维码', { exact: false }));
        if ((await contact.locator('.guide-contact__added').count()) !== 0) throw new Error('the guide shows as added before any add');
      },
    }),
    onShopper({
      name: `the customer adds ${GUIDE_A.name} through the QR's contact way (the sandbox WeCom); the result page shows 已添加`,
      screenshot: 'guide-shop-08-wecom-added.png',
      async run() {
        const response = await fetch(`${sandboxUrl}/__sandbox/wecom/add-contact`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ config_id: loop.configId, external: { name: WECOM_NAME } }),
        });
        const added = (await response.json()) as { userid?: string; sandbox_error?: string };
        if (!response.ok) throw new Error(`the sandbox refused the add: ${response.status} ${added.sandbox_error ?? ''}`);
        expectEqual(added.userid ?? '', GUIDE_A.wecomUserId, 'the WeCom member the customer added');
        const contact = screen(shopper, 'pay-result').locator('.guide-contact');
        await untilShownAfterReload(
          shopper,
          () => contact.locator('.guide-contact__added').getByText('已添加', { exact: true }).waitFor({ state: 'visible', timeout: 2000 }),
          WECOM_PROCESSED_TIMEOUT_MS,
        );
        await visible(contact.locator('.guide-contact__name').getByText(GUIDE_A.name, { exact: true }));
        await visible(contact.getByText('你已添加导购的企业微信', { exact: false }));
        if ((await contact.locator('.guide-contact__qr').count()) !== 0) throw new Error('the QR is still shown after the add');
      },
    }),
    onShopper({
      name: `我的 → 我的导购 shows ${GUIDE_A.name}, 已添加, and why she is the customer's guide`,
      screenshot: 'guide-shop-09-my-guide.png',
      async run() {
        await screen(shopper, 'pay-result').getByText('继续逛逛', { exact: true }).click();
        await shopper.waitForURL(`${baseUrl}/shop/pages/home/index`);
        await shopper.locator('.taro-tabbar__tabbar').getByText('我的', { exact: true }).click();
        await screen(shopper, 'profile').getByText('我的导购', { exact: true }).click();
        await shopper.waitForURL(`${baseUrl}/shop/pages/my-guide/index`);
        await expectMyGuideIsA();
      },
    }),
    onStaff({
      name: `客户, filtered by ${GUIDE_A.name}: the new customer is bound to her, 企业微信 已添加导购`,
      screenshot: 'customers-01-list.png',
      async run() {
        // The shop entry step left guide A's dialog open for its screenshot.
        await closeShopEntry();
        await staff.getByRole('menuitem', { name: '客户' }).click();
        await staff.getByLabel('按导购筛选').fill(GUIDE_A.name);
        await staff
          .locator('.ant-select-item-option')
          .filter({ hasText: `${guideTextA()} · ${STORE.name}` })
          .click();
        const table = staff.locator('.ant-table-wrapper');
        await table.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
        // Newest first: the customer who just signed up.
        const row = table.locator('tbody tr.ant-table-row').first();
        const cells = await cellsByColumn(table, row);
        expectEqual(cells['专属导购'] ?? '', `${guideTextA()}\n${STORE.name}`, 'the 专属导购 column');
        expectEqual(cells['企业微信'] ?? '', '已添加导购', 'the 企业微信 column');
        if (!/^\d{4}/.test(cells['保护至'] ?? '')) throw new Error(`保护至 reads "${cells['保护至']}"`);
      },
    }),
    onStaff({
      name: `the customer's page explains the binding to ${GUIDE_A.name}: history, 企业微信 and the touch from her shop`,
      screenshot: 'customers-02-binding.png',
      async run() {
        await staff.locator('.ant-table-wrapper tbody tr.ant-table-row').first().click();
        await staff.waitForURL(new RegExp(`^${origin}/admin/customers/[0-9a-f]{24}$`));
        loop.customerUrl = staff.url();
        await expectBoundToA();
        const touches = touchesCard().locator('tbody tr.ant-table-row');
        expectEqual(
          (await touches.allInnerTexts()).map((row) => row.split('\t').slice(1).join(' | ').trim()).join(' ; '),
          `${guideTextA()} · ${STORE.name} | ${orderChannelLabels['shop-link']} | ${touchEffectLabels.bound.text}`,
          'the touches',
        );
      },
    }),
    onStaff({
      name: `导购 → 业绩 for today: ${GUIDE_A.name} has one more paid order of the amount paid and one more WeCom add`,
      screenshot: 'guides-05-performance-after.png',
      async run() {
        const paidFen = figureValue(loop.payable);
        const expected: Figures = {
          netGmv: loop.before.netGmv + paidFen,
          paidGmv: loop.before.paidGmv + paidFen,
          paidOrders: loop.before.paidOrders + 1,
          wecomAdds: loop.before.wecomAdds + 1,
        };
        await untilShownAfterReload(
          staff,
          async () => {
            await showTodaysRanking();
            const now = await figuresOfA();
            expectEqual(
              JSON.stringify(now),
              JSON.stringify(expected),
              `${GUIDE_A.name}'s figures (before: ${JSON.stringify(loop.before)})`,
            );
          },
          PERFORMANCE_UPDATED_TIMEOUT_MS,
        );
      },
    }),
    onStaff({
      name: `${GUIDE_A.name}'s month lists the order with the amount paid`,
      screenshot: 'guides-06-performance-month.png',
      async run() {
        await ranking.getByRole('link', { name: GUIDE_A.name, exact: true }).click();
        await visible(staff.getByText(`「${GUIDE_A.name}」的业绩`, { exact: true }));
        const orders = staff.locator('.ant-table-wrapper').filter({ has: staff.getByRole('columnheader', { name: '订单号' }) });
        const row = orders.locator('tbody tr.ant-table-row').filter({ has: staff.getByRole('link', { name: loop.orderNo, exact: true }) });
        const cells = await cellsByColumn(orders, row);
        expectEqual(cells['实付'] ?? '', loop.payable, 'the order’s 实付');
        expectEqual(cells['状态'] ?? '', orderStatusLabels.paid, 'the order’s status');
        if (!(cells['商品'] ?? '').includes(PICK_TITLE)) throw new Error(`the order's 商品 reads "${cells['商品']}"`);
      },
    }),
    onShopper({
      name: `within the protection period, ${GUIDE_B.name}'s H5 shop link shows his shop but keeps the customer with ${GUIDE_A.name}`,
      screenshot: 'guide-shop-10-shop-b.png',
      async run() {
        const touched = touchRecorded(shopper);
        await shopper.goto(loop.shopUrlB);
        const touch = await touchReply(touched);
        expectEqual(touch.effect, 'protected' satisfies TouchEffect, `what ${GUIDE_B.name}'s touch did`);
        expectEqual(touch.guide.name, GUIDE_A.name, `the guide after ${GUIDE_B.name}'s touch`);
        const shop = screen(shopper, 'shop');
        await visible(shop.locator('.shop-banner__name').getByText(GUIDE_B.name, { exact: true }));
        await visible(shop.locator('.shop-banner__store').getByText(STORE.name, { exact: true }));
      },
    }),
    onShopper({
      name: `the banner's 加企业微信 opens 我的导购: still ${GUIDE_A.name}, protected until the date shown`,
      screenshot: 'guide-shop-11-my-guide-protected.png',
      async run() {
        await screen(shopper, 'shop').locator('.shop-banner__wecom').click();
        await shopper.waitForURL(`${baseUrl}/shop/pages/my-guide/index`);
        await expectMyGuideIsA();
      },
    }),
    onStaff({
      name: `the customer's page: still bound to ${GUIDE_A.name}; ${GUIDE_B.name}'s touch shows 受保护未改变`,
      screenshot: 'customers-03-binding-protected.png',
      async run() {
        await staff.goto(loop.customerUrl);
        await expectBoundToA();
        const latest = touchesCard().locator('tbody tr.ant-table-row').first();
        await visible(latest.getByText(`${guideTextB()} · ${STORE.name}`, { exact: true }));
        await visible(latest.locator('.ant-tag').getByText(touchEffectLabels.protected.text, { exact: true }));
        expectEqual(String(await touchesCard().locator('tbody tr.ant-table-row').count()), '2', 'the number of touches');
      },
    }),
  ];
}
