import type { Locator, Page } from 'playwright-core';
import { formatFen } from '@mall/shared';
import { demoCatalog } from '../api/src/demo/catalog.ts';
import { visible, type JourneySetup, type Step } from './journey.ts';

/** The seeded product the shopper buys: on the home page's first page of products, with two specs. */
export const PRODUCT_TITLE = '轻跑缓震运动鞋';
/** One value per spec, in spec order. */
const CHOSEN_SPECS = ['黑色', '42'] as const;

const SHOPPER = 'e2e.shopper';
const ADDRESS = {
  recipientName: '张三',
  phone: '13800138000',
  province: '广东省',
  city: '深圳市',
  district: '南山区',
  detail: '科技园路 1 号 2 栋 301',
};

/** What the payment takes at most: the cashier notifies the API, the result page polls every 1.5 s. */
export const PAYMENT_SETTLED_TIMEOUT_MS = 30_000;

export function demoProduct(title: string) {
  const product = demoCatalog.flatMap((top) => top.children.flatMap((child) => child.products)).find((each) => each.title === title);
  if (!product) throw new Error(`the demo catalog has no product "${title}"`);
  return product;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One storefront page. Taro's H5 router keeps the pages below the current one (and every tab page) in the
 * document, hidden, each in a `.taro_page` whose id is its path: looking inside the right one never finds the
 * same text on a page underneath.
 */
export function screen(page: Page, path: string): Locator {
  // Subpackage pages live under their package's root rather than pages/.
  const root = path.startsWith('packages/') ? '/shop' : '/shop/pages';
  return page.locator(`.taro_page[id^="${root}/${path}/index"]`);
}

/** A Taro `Input`'s native field (the placeholder is also on its wrapping element). */
export function field(scope: Locator, placeholder: string): Locator {
  return scope.locator(`input[placeholder="${placeholder}"]`);
}

export async function textOf(locator: Locator): Promise<string> {
  await visible(locator);
  return (await locator.first().innerText()).trim();
}

export function expectEqual(actual: string, expected: string, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected "${expected}", got "${actual}"`);
}

/**
 * The shopper's buying journey in the H5 storefront, on a phone-sized screen, against the seeded demo catalog:
 * home and categories, the development sign-in, a delivery address, a product's specs into the cart, checkout,
 * paying at the sandbox's cashier, the payment result and the paid order.
 */
/** What the buying journey bought: read on the checkout and result pages, then checked by the later journeys. */
export interface Purchase {
  orderNo: string;
  /** As shown, e.g. ¥399.00. */
  payable: string;
}

export function storefrontJourney({ page, baseUrl }: JourneySetup, purchase: Purchase): Step[] {
  const origin = escapeRegExp(baseUrl);
  const tabBar = page.locator('.taro-tabbar__tabbar');
  const tab = (label: string) => tabBar.getByText(label, { exact: true });
  const product = demoProduct(PRODUCT_TITLE);
  const price = formatFen(product.priceFen);
  const [firstCategory] = demoCatalog;
  if (!firstCategory) throw new Error('the demo catalog has no categories');

  const home = screen(page, 'home');
  const profile = screen(page, 'profile');
  const productPage = screen(page, 'product');
  const cart = screen(page, 'cart');
  const checkout = screen(page, 'checkout');

  return [
    {
      name: '/ opens the H5 storefront, whose home page shows the seeded products and the tab bar',
      screenshot: 'shop-01-home.png',
      async run() {
        await page.goto(`${baseUrl}/`);
        await page.waitForURL(new RegExp(`^${origin}/shop/`));
        await visible(home.getByText('导购商城', { exact: true }));
        await visible(home.getByText('搜索商品', { exact: true }));
        await visible(home.locator('.home-categories__name').getByText(firstCategory.name, { exact: true }));
        await visible(home.locator('.product-card').filter({ hasText: PRODUCT_TITLE }));
        const cards = await home.locator('.product-card').count();
        if (cards < 2) throw new Error(`the home page shows ${cards} product(s); the demo catalog has more`);
        for (const label of ['首页', '分类', '购物车', '我的']) await visible(tab(label));
      },
    },
    {
      name: 'the 分类 tab shows the categories and the first one’s products',
      screenshot: 'shop-02-category.png',
      async run() {
        await tab('分类').click();
        await page.waitForURL(`${baseUrl}/shop/pages/category/index`);
        const category = screen(page, 'category');
        for (const top of demoCatalog) await visible(category.locator('.category-rail__item').getByText(top.name, { exact: true }));
        await visible(category.locator('.category-rail__item--active').getByText(firstCategory.name, { exact: true }));
        await visible(category.locator('.category-children').getByText('全部', { exact: true }));
        const firstTitle = firstCategory.children[0]?.products[0]?.title ?? '';
        await visible(category.locator('.product-row').filter({ hasText: firstTitle }));
      },
    },
    {
      name: 'the 我的 tab offers the development sign-in',
      screenshot: 'shop-03-profile-signed-out.png',
      async run() {
        await tab('我的').click();
        await page.waitForURL(`${baseUrl}/shop/pages/profile/index`);
        await visible(profile.getByText('登录后查看订单、管理收货地址'));
        await visible(profile.getByText('开发环境登录', { exact: true }));
        await field(profile, '测试用户名').fill(SHOPPER);
      },
    },
    {
      name: 'signing in as a sandbox test user shows the shopper’s orders and addresses',
      screenshot: 'shop-04-profile-signed-in.png',
      async run() {
        await profile.locator('.profile-dev-login__submit').click();
        await visible(profile.getByText('我的订单', { exact: true }));
        await visible(profile.getByText('收货地址', { exact: true }));
        await visible(profile.getByText('退出登录', { exact: true }));
        await visible(profile.locator('.profile-card__nickname'));
        if ((await profile.getByText('开发环境登录').count()) !== 0) throw new Error('the sign-in form is still shown');
      },
    },
    {
      name: '收货地址 → 新增收货地址: the shopper fills in a delivery address',
      screenshot: 'shop-05-address-form.png',
      async run() {
        await profile.getByText('收货地址', { exact: true }).click();
        await page.waitForURL(`${baseUrl}/shop/pages/address/list/index`);
        const list = screen(page, 'address/list');
        await visible(list.getByText('还没有收货地址'));
        await list.getByText('新增收货地址', { exact: true }).click();
        await page.waitForURL(`${baseUrl}/shop/pages/address/edit/index`);
        const form = screen(page, 'address/edit');
        await field(form, '收货人姓名').fill(ADDRESS.recipientName);
        await field(form, '11 位手机号').fill(ADDRESS.phone);
        await field(form, '如：广东省').fill(ADDRESS.province);
        await field(form, '如：深圳市').fill(ADDRESS.city);
        await field(form, '如：南山区').fill(ADDRESS.district);
        await field(form, '街道、楼栋、门牌号').fill(ADDRESS.detail);
      },
    },
    {
      name: '保存 returns to the address list, which shows the new address as the default',
      screenshot: 'shop-06-address-saved.png',
      async run() {
        await screen(page, 'address/edit').getByText('保存', { exact: true }).click();
        await page.waitForURL(`${baseUrl}/shop/pages/address/list/index`);
        const card = screen(page, 'address/list').locator('.address-card').filter({ hasText: ADDRESS.recipientName });
        await visible(card.getByText(ADDRESS.phone, { exact: true }));
        await visible(card.getByText(ADDRESS.detail, { exact: false }));
        await visible(card.getByText('默认', { exact: true }));
      },
    },
    {
      name: `back on 首页, the shopper opens ${PRODUCT_TITLE} and picks ${CHOSEN_SPECS.join(' / ')}`,
      screenshot: 'shop-07-product.png',
      async run() {
        // The browser's back button: H5 pages have no navigation bar of their own.
        await page.goBack();
        await page.waitForURL(`${baseUrl}/shop/pages/profile/index`);
        await tab('首页').click();
        await page.waitForURL(`${baseUrl}/shop/pages/home/index`);
        await home.locator('.product-card').filter({ hasText: PRODUCT_TITLE }).click();
        await page.waitForURL(new RegExp(`^${origin}/shop/pages/product/index\\?id=`));
        await visible(productPage.locator('.product-title').getByText(PRODUCT_TITLE, { exact: true }));
        for (const [index, value] of CHOSEN_SPECS.entries()) {
          const spec = productPage.locator('.product-spec').nth(index);
          await visible(spec.getByText(product.specs[index]?.name ?? '', { exact: true }));
          const button = spec.getByRole('button', { name: value, exact: true });
          await button.click();
          await visible(button.and(page.locator('[aria-pressed="true"]')));
        }
        await visible(productPage.locator('.product-price__current').getByText(price, { exact: true }));
        await visible(productPage.getByText(`库存 ${product.stock} 件`, { exact: true }));
        await visible(productPage.getByLabel('数量').getByText('1', { exact: true }));
      },
    },
    {
      name: '加入购物车 adds the chosen SKU to the cart',
      screenshot: 'shop-08-added-to-cart.png',
      async run() {
        await productPage.locator('.product-actions__cart').click();
        await visible(page.locator('.taro__toast').getByText('已加入购物车'));
      },
    },
    {
      name: 'the 购物车 tab shows the line, its specs, price and the total',
      screenshot: 'shop-09-cart.png',
      async run() {
        await page.goBack();
        await page.waitForURL(`${baseUrl}/shop/pages/home/index`);
        await tab('购物车').click();
        await page.waitForURL(`${baseUrl}/shop/pages/cart/index`);
        const line = cart.locator('.cart-line').filter({ hasText: PRODUCT_TITLE });
        await visible(line.locator('.order-line__spec').getByText(new RegExp(CHOSEN_SPECS.map(escapeRegExp).join('.*'))));
        await visible(line.locator('.order-line__price').getByText(price, { exact: true }));
        await visible(line.locator('.cart-stepper__value').getByText('1', { exact: true }));
        await visible(cart.getByRole('checkbox', { name: `选择 ${PRODUCT_TITLE}`, checked: true }));
        expectEqual(await textOf(cart.locator('.cart-bar__amount')), price, 'the cart total');
        await visible(cart.getByText('去结算(1)', { exact: true }));
      },
    },
    {
      name: '去结算 opens checkout with the address, the line, 运费 and 应付',
      screenshot: 'shop-10-checkout.png',
      async run() {
        await cart.getByText('去结算(1)', { exact: true }).click();
        await page.waitForURL(new RegExp(`^${origin}/shop/pages/checkout/index\\?skuIds=`));
        const address = checkout.locator('.checkout-address');
        await visible(address.getByText(ADDRESS.recipientName, { exact: true }));
        await visible(address.getByText(ADDRESS.phone, { exact: true }));
        await visible(address.getByText(ADDRESS.detail, { exact: false }));
        const line = checkout.locator('.order-line').filter({ hasText: PRODUCT_TITLE });
        await visible(line.getByText(price, { exact: true }));
        await visible(line.getByText('×1', { exact: true }));
        const breakdown = checkout.locator('.price-breakdown');
        await visible(breakdown.locator('.price-breakdown__row').filter({ hasText: '商品金额' }).getByText(price, { exact: true }));
        await visible(breakdown.locator('.price-breakdown__row').filter({ hasText: '运费' }));
        await visible(breakdown.getByText('应付', { exact: true }));
        purchase.payable = await textOf(breakdown.locator('.price-breakdown__payable'));
        if (!/^¥\d+\.\d{2}$/.test(purchase.payable)) throw new Error(`应付 reads "${purchase.payable}"`);
        expectEqual(await textOf(checkout.locator('.checkout-bar__amount')), purchase.payable, 'the amount beside 提交订单');
        // Enabled once the preview is settled and nothing blocks the order.
        await visible(checkout.locator('.checkout-bar__submit:not([disabled])'));
        if ((await checkout.locator('.checkout-bar__notice').count()) !== 0) throw new Error('checkout shows a blocking notice');
      },
    },
    {
      name: '提交订单 creates the order and opens the sandbox cashier with the amount to pay',
      screenshot: 'shop-11-cashier.png',
      async run() {
        await checkout.locator('.checkout-bar__submit').click();
        await page.waitForURL((url) => url.pathname === '/__sandbox/wechatpay/cashier');
        await visible(page.getByRole('heading', { name: '微信支付' }));
        expectEqual(await textOf(page.locator('.amount')), purchase.payable, 'the cashier’s amount');
        await visible(page.getByRole('button', { name: '取消支付' }));
      },
    },
    {
      name: '确认支付 returns to the storefront, whose result page shows 支付成功 and the amount',
      screenshot: 'shop-12-paid.png',
      async run() {
        await page.getByRole('button', { name: '确认支付' }).click();
        await page.waitForURL(new RegExp(`^${origin}/shop/pages/pay-result/index\\?orderNo=\\d{17}&result=success`));
        purchase.orderNo = new URL(page.url()).searchParams.get('orderNo') ?? '';
        const result = screen(page, 'pay-result');
        await result.getByText('支付成功', { exact: true }).waitFor({ timeout: PAYMENT_SETTLED_TIMEOUT_MS });
        expectEqual(await textOf(result.locator('.pay-result__amount')), purchase.payable, 'the amount paid');
        await visible(result.getByText(`订单号 ${purchase.orderNo}`, { exact: true }));
      },
    },
    {
      name: '查看订单 shows the paid order: 待发货 and its history',
      screenshot: 'shop-13-order.png',
      async run() {
        await screen(page, 'pay-result').getByText('查看订单', { exact: true }).click();
        await page.waitForURL(`${baseUrl}/shop/pages/orders/detail/index?orderNo=${purchase.orderNo}`);
        const order = screen(page, 'orders/detail');
        await visible(order.locator('.order-banner__status').getByText('待发货', { exact: true }));
        await visible(order.getByText('已付款，商家正在备货', { exact: true }));
        await visible(order.locator('.order-line').filter({ hasText: PRODUCT_TITLE }));
        await visible(order.getByText(ADDRESS.recipientName, { exact: true }));
        await visible(order.getByText('实付', { exact: true }));
        expectEqual(await textOf(order.locator('.price-breakdown__payable')), purchase.payable, 'the order’s 实付');
        await visible(order.locator('.order-info__row').filter({ hasText: '订单号' }).getByText(purchase.orderNo, { exact: true }));
        await visible(order.getByText('订单记录', { exact: true }));
        const events = await order.locator('.order-history__event').allInnerTexts();
        expectEqual(events.map((event) => event.trim()).join(' ← '), '支付成功 ← 提交订单', 'the order history, newest first');
      },
    },
  ];
}
