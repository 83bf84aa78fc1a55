import { Button, Text, Textarea, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import {
  asApiError,
  formatFen,
  guideCartStatusLabels,
  MAX_GUIDE_CART_LINES,
  MAX_GUIDE_CART_NOTE_LENGTH,
  MAX_GUIDE_CART_PAGE_SIZE,
  MAX_LINE_QUANTITY,
  orderStatusLabels,
  type GuideCart,
  type GuideCartListReply,
  type StorefrontProduct,
} from '@mall/shared';
import { apiClient } from '../../../api/client';
import { useApiData } from '../../../api/use-api-data';
import { useRemoteData } from '../../../api/use-remote-data';
import { clampQuantity, initialSelection, selectedSku, type SpecSelection } from '../../../catalog/sku-picker';
import { flag } from '../../../components/attribute';
import { QuantityStepper, SpecChoices } from '../../../components/sku-choice';
import { StatusView } from '../../../components/status-view';
import { formatShanghaiTime } from '../../../orders/format';
import { ensureSignedIn } from '../../../session';
import { GuideFailureView } from '../guide-failure-view';
import { ProductRow, ProductSearchBar, useProductSearch } from '../product-search';

import './index.scss';

/** Neutral: the customer sees the guide's name and photo on the page itself. */
const SHARE_TITLE = '你的专属导购为你挑选了好物';

/** A line of the cart being built, with what the guide needs to see of it. */
interface DraftLine {
  skuId: string;
  title: string;
  specText: string;
  unitPriceFen: number;
  quantity: number;
  /** Stock when chosen: the quantity stays within it. */
  available: number;
}

const loadCarts = async () => {
  await ensureSignedIn();
  return apiClient.myGuideCarts({ page: 1, pageSize: MAX_GUIDE_CART_PAGE_SIZE });
};

/** The product's specs to choose and a quantity within the stock of the choice; 加入 adds that SKU. */
function SkuChooser({ productId, onAdd, onClose }: { productId: string; onAdd(line: DraftLine): void; onClose(): void }) {
  const load = useCallback(async () => (await apiClient.product(productId)).product, [productId]);
  const product = useApiData(load);
  if (product.state === 'loading') return <StatusView state="loading" label="正在加载规格…" />;
  if (product.state === 'failed') return <StatusView state="error" message={product.error.message} onRetry={product.reload} />;
  return <SkuOptions product={product.data} onAdd={onAdd} onClose={onClose} />;
}

function SkuOptions({ product, onAdd, onClose }: { product: StorefrontProduct; onAdd(line: DraftLine): void; onClose(): void }) {
  const [selection, setSelection] = useState<SpecSelection>(() => initialSelection(product));
  const [quantity, setQuantity] = useState(1);
  const sku = selectedSku(product, selection);
  const most = Math.min(sku?.available ?? 0, MAX_LINE_QUANTITY);
  const shown = clampQuantity(quantity, most);

  return (
    <View className="guide-order__chooser" aria-label={`选择 ${product.title} 的规格`}>
      <SpecChoices className="guide-order__spec" product={product} selection={selection} onChange={setSelection} />
      <View className="guide-order__chooser-row">
        <Text className="guide-order__hint">
          {sku === undefined ? '请选择规格' : sku.available === 0 ? '该规格已售罄' : `${formatFen(sku.price)}，库存 ${sku.available} 件`}
        </Text>
        <QuantityStepper className="guide-order__stepper" quantity={shown} most={most} onChange={setQuantity} />
      </View>
      <View className="guide-order__chooser-row">
        <Button className="guide-order__action" size="mini" onClick={onClose}>
          取消
        </Button>
        <Button
          className="guide-order__action"
          size="mini"
          type="primary"
          disabled={flag(sku === undefined || sku.available === 0)}
          onClick={() =>
            sku !== undefined &&
            onAdd({
              skuId: sku.id,
              title: product.title,
              specText: sku.specValues.join(' / '),
              unitPriceFen: sku.price,
              quantity: shown,
              available: most,
            })
          }
        >
          加入推荐
        </Button>
      </View>
    </View>
  );
}

/** Searches on-sale products by keyword; tapping one opens its specs to choose. */
function ProductFinder({ full, onAdd }: { full: boolean; onAdd(line: DraftLine): void }) {
  const search = useProductSearch();
  const { results } = search;
  const [choosing, setChoosing] = useState<string | null>(null);

  return (
    <View className="guide-order__finder">
      <ProductSearchBar block="guide-order" submitClassName="guide-order__action" search={search} onSearch={() => setChoosing(null)} />
      {results.state === 'done' &&
        results.items.map((product) => (
          <View key={product.id}>
            <ProductRow block="guide-order" product={product}>
              <Button className="guide-order__action" size="mini" disabled={flag(full)} onClick={() => setChoosing(product.id)}>
                选规格
              </Button>
            </ProductRow>
            {choosing === product.id && (
              <SkuChooser
                productId={product.id}
                onClose={() => setChoosing(null)}
                onAdd={(line) => {
                  onAdd(line);
                  setChoosing(null);
                }}
              />
            )}
          </View>
        ))}
    </View>
  );
}

/** Adds a line, or more of a SKU already in the cart (within its stock). */
function withLine(lines: readonly DraftLine[], added: DraftLine): DraftLine[] {
  const existing = lines.find((line) => line.skuId === added.skuId);
  if (existing === undefined) return [...lines, added];
  return lines.map((line) => (line === existing ? { ...line, quantity: Math.min(line.quantity + added.quantity, added.available) } : line));
}

/** 新建推荐: products and quantities, an optional note, then 生成推荐 makes the cart to share. */
function CartBuilder({ onCreated }: { onCreated(cart: GuideCart): void }) {
  const [lines, setLines] = useState<DraftLine[]>([]);
  const [note, setNote] = useState('');
  const [creating, setCreating] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const full = lines.length >= MAX_GUIDE_CART_LINES;

  async function create() {
    setCreating(true);
    setRefusal(null);
    try {
      const trimmed = note.trim();
      const { guideCart } = await apiClient.createGuideCart({
        items: lines.map((line) => ({ skuId: line.skuId, quantity: line.quantity })),
        ...(trimmed !== '' && { note: trimmed }),
      });
      setLines([]);
      setNote('');
      onCreated(guideCart);
    } catch (caught) {
      setRefusal(asApiError(caught).message);
    } finally {
      setCreating(false);
    }
  }

  return (
    <View className="guide-order__section">
      <Text className="guide-order__heading">{`新建推荐购物车（${lines.length}/${MAX_GUIDE_CART_LINES}）`}</Text>
      <Text className="guide-order__hint">选好商品和数量，生成后分享给顾客；顾客打开即可直接结算，订单算在你名下。</Text>
      {lines.map((line) => (
        <View key={line.skuId} className="guide-order__row" aria-label={line.title}>
          <View className="guide-order__body">
            <Text className="guide-order__title">{line.title}</Text>
            {line.specText !== '' && <Text className="guide-order__spec-text">{line.specText}</Text>}
            <Text className="guide-order__price">{`${formatFen(line.unitPriceFen)} ×${line.quantity}`}</Text>
          </View>
          <Button
            className="guide-order__action"
            size="mini"
            onClick={() => setLines((current) => current.filter((item) => item !== line))}
          >
            移除
          </Button>
        </View>
      ))}
      {full && <Text className="guide-order__hint">{`最多推荐 ${MAX_GUIDE_CART_LINES} 种商品`}</Text>}
      <ProductFinder full={full} onAdd={(line) => setLines((current) => withLine(current, line))} />
      <Textarea
        className="guide-order__note"
        value={note}
        maxlength={MAX_GUIDE_CART_NOTE_LENGTH}
        placeholder={`给顾客的留言（选填，最多 ${MAX_GUIDE_CART_NOTE_LENGTH} 字）`}
        onInput={(event) => setNote(event.detail.value)}
      />
      {refusal !== null && (
        <View className="guide-order__error" role="alert">
          {refusal}
        </View>
      )}
      <Button
        className="guide-order__create"
        type="primary"
        loading={flag(creating)}
        disabled={flag(lines.length === 0)}
        onClick={() => void create()}
      >
        生成推荐
      </Button>
    </View>
  );
}

/**
 * Sends the cart to a customer: in the mini-program a share button (the page's share payload reads which cart from
 * the button's `data-token`); in H5 the cart's link under the storefront, copied.
 */
function ShareAction({ cart }: { cart: GuideCart }) {
  if (process.env.TARO_ENV === 'weapp') {
    return (
      <Button className="guide-order__action" size="mini" type="primary" openType="share" data-token={cart.token}>
        分享给顾客
      </Button>
    );
  }

  async function copyLink() {
    try {
      await Taro.setClipboardData({ data: cart.shareUrl });
      void Taro.showToast({ title: '链接已复制', icon: 'success' });
    } catch {
      void Taro.showToast({ title: '复制失败，请稍后重试', icon: 'none' });
    }
  }

  return (
    <Button className="guide-order__action" size="mini" type="primary" onClick={() => void copyLink()}>
      复制链接
    </Button>
  );
}

function CartEntry({ cart, onChanged }: { cart: GuideCart; onChanged(cart: GuideCart): void }) {
  const [withdrawing, setWithdrawing] = useState(false);

  async function withdraw() {
    const { confirm } = await Taro.showModal({ title: '撤回推荐', content: '撤回后顾客不能再用这个链接下单，已下的订单不受影响。' });
    if (!confirm) return;
    setWithdrawing(true);
    try {
      onChanged((await apiClient.withdrawGuideCart(cart.token)).guideCart);
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    } finally {
      setWithdrawing(false);
    }
  }

  const summary = cart.lines.map((line) => `${line.title} ×${line.quantity}`).join('、');
  return (
    <View className="guide-order__cart" aria-label={`推荐 ${formatShanghaiTime(cart.createdAt)}`}>
      <View className="guide-order__cart-head">
        <Text className="guide-order__cart-time">{formatShanghaiTime(cart.createdAt)}</Text>
        <Text className={`guide-order__status guide-order__status--${cart.status}`}>{guideCartStatusLabels[cart.status]}</Text>
      </View>
      <Text className="guide-order__cart-lines">{summary}</Text>
      <Text className="guide-order__price">{`合计 ${formatFen(cart.itemsTotalFen)}`}</Text>
      {cart.note !== null && <Text className="guide-order__hint">{`留言：${cart.note}`}</Text>}
      {cart.customer !== null && <Text className="guide-order__hint">{`仅限顾客：${cart.customer.nickname ?? '未设置昵称'}`}</Text>}
      {cart.status === 'open' && <Text className="guide-order__hint">{`${formatShanghaiTime(cart.expiresAt)} 前有效`}</Text>}
      <View className="guide-order__orders">
        <Text className="guide-order__orders-title">{cart.orderCount === 0 ? '还没有顾客下单' : `顾客下单 ${cart.orderCount} 笔`}</Text>
        {cart.orders.map((order) => (
          <View key={order.orderNo} className="guide-order__order">
            <Text>{order.orderNo}</Text>
            <Text>{orderStatusLabels[order.status]}</Text>
            <Text>{formatFen(order.payableFen)}</Text>
          </View>
        ))}
      </View>
      {cart.status === 'open' && (
        <View className="guide-order__cart-actions">
          <Button className="guide-order__action" size="mini" loading={flag(withdrawing)} onClick={() => void withdraw()}>
            撤回
          </Button>
          <ShareAction cart={cart} />
        </View>
      )}
    </View>
  );
}

/** The carts the page shares: the one a share button names, else the newest open one. */
function cartToShare(carts: readonly GuideCart[], target: object | undefined): GuideCart | undefined {
  const token = (target as { dataset?: { token?: unknown } } | undefined)?.dataset?.token;
  return carts.find((cart) => cart.token === token) ?? carts.find((cart) => cart.status === 'open');
}

/**
 * 代客下单: the guide builds a cart for a customer (products, quantities, a note) and shares it; below, their carts
 * with where each stands and the orders customers placed from it, to share again or withdraw.
 */
export default function GuideOrderPage() {
  const carts = useRemoteData(loadCarts);
  const [created, setCreated] = useState<GuideCart | null>(null);
  const listed = carts.state === 'loaded' ? carts.data.items : [];

  useShareAppMessage((payload) => {
    const cart = cartToShare(listed, payload?.target);
    // A share from the menu with no open cart sends the shop's home page rather than this guide-only page.
    return cart === undefined ? { title: SHARE_TITLE, path: '/pages/home/index' } : { title: SHARE_TITLE, path: `/${cart.sharePath}` };
  });

  if (carts.state === 'loading') return <StatusView state="loading" label="正在加载推荐购物车…" />;
  if (carts.state === 'failed') return <GuideFailureView error={carts.error} onRetry={carts.reload} purpose="代客下单" />;

  const reply = carts.data;
  const replaceCart = (changed: GuideCart): GuideCartListReply => ({
    ...reply,
    items: reply.items.map((cart) => (cart.token === changed.token ? changed : cart)),
  });

  return (
    <View className="guide-order">
      {created !== null && (
        <View className="guide-order__created" role="status">
          <Text className="guide-order__heading">推荐已生成</Text>
          <Text className="guide-order__hint">{`分享给顾客，${formatShanghaiTime(created.expiresAt)} 前可以结算。`}</Text>
          <ShareAction cart={created} />
        </View>
      )}
      <CartBuilder
        onCreated={(cart) => {
          setCreated(cart);
          carts.replace({ ...reply, items: [cart, ...reply.items], total: reply.total + 1 });
        }}
      />
      <View className="guide-order__section">
        <Text className="guide-order__heading">{`我的推荐购物车（${reply.total}）`}</Text>
        {reply.items.length === 0 && <StatusView state="empty" title="还没有推荐购物车" description="在上方选好商品，生成后分享给顾客。" />}
        {reply.items.map((cart) => (
          <CartEntry
            key={cart.token}
            cart={cart}
            onChanged={(changed) => {
              if (created?.token === changed.token) setCreated(changed.status === 'open' ? changed : null);
              carts.replace(replaceCart(changed));
            }}
          />
        ))}
        {reply.total > reply.items.length && <Text className="guide-order__hint">{`仅显示最近 ${reply.items.length} 份`}</Text>}
      </View>
    </View>
  );
}
