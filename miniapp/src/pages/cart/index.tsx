import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { asApiError, formatFen, MAX_LINE_QUANTITY, type CartLine, type CartReply } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useRemoteData } from '../../api/use-remote-data';
import { flag } from '../../components/attribute';
import { FailureView } from '../../components/failure-view';
import { OrderLineView } from '../../components/order-line';
import { StatusView } from '../../components/status-view';
import { productPageUrl } from '../../catalog/links';
import { cartCheckoutUrl } from '../../checkout/purchase';
import { ensureSignedIn } from '../../session';

import './index.scss';

const loadCart = async () => {
  await ensureSignedIn();
  return apiClient.cart();
};

/** The most of a line the shopper can buy now. */
function maxQuantity(line: CartLine): number {
  return Math.min(line.available, MAX_LINE_QUANTITY);
}

function problemText(line: CartLine): string | null {
  switch (line.problem) {
    case null:
      return null;
    case 'off_sale':
      return '商品已下架';
    case 'insufficient_stock':
      return line.available === 0 ? '已售罄' : `库存不足，仅剩 ${line.available} 件`;
  }
}

function SelectBox({
  checked,
  disabled = false,
  label,
  onToggle,
}: {
  checked: boolean;
  disabled?: boolean;
  label: string;
  onToggle: () => void;
}) {
  return (
    <View
      className={`cart-select${checked ? ' cart-select--checked' : ''}${disabled ? ' cart-select--disabled' : ''}`}
      role="checkbox"
      aria-checked={checked}
      aria-disabled={disabled}
      aria-label={label}
      onClick={() => {
        if (!disabled) onToggle();
      }}
    >
      {checked ? '✓' : ''}
    </View>
  );
}

interface CartLineRowProps {
  line: CartLine;
  selected: boolean;
  busy: boolean;
  onToggle: () => void;
  onQuantity: (quantity: number) => void;
  onRemove: () => void;
}

function CartLineRow({ line, selected, busy, onToggle, onQuantity, onRemove }: CartLineRowProps) {
  const problem = problemText(line);
  return (
    <View className="cart-line">
      <SelectBox checked={selected} disabled={problem !== null} label={`选择 ${line.title}`} onToggle={onToggle} />
      <View className="cart-line__main">
        <OrderLineView
          title={line.title}
          specText={line.specText}
          image={line.image}
          unitPriceFen={line.unitPriceFen}
          quantity={line.quantity}
          unavailable={problem !== null}
          onOpen={() => Taro.navigateTo({ url: productPageUrl(line.productId) })}
        >
          {problem !== null && <Text className="cart-line__problem">{problem}</Text>}
          <View className="cart-line__controls">
            {problem === null && (
              <View className="cart-stepper">
                <Button
                  className="cart-stepper__button"
                  size="mini"
                  aria-label="减少"
                  disabled={flag(busy || line.quantity <= 1)}
                  onClick={() => onQuantity(line.quantity - 1)}
                >
                  −
                </Button>
                <Text className="cart-stepper__value">{line.quantity}</Text>
                <Button
                  className="cart-stepper__button"
                  size="mini"
                  aria-label="增加"
                  disabled={flag(busy || line.quantity >= maxQuantity(line))}
                  onClick={() => onQuantity(line.quantity + 1)}
                >
                  +
                </Button>
              </View>
            )}
            {line.problem === 'insufficient_stock' && line.available > 0 && (
              <Button className="cart-line__action" size="mini" disabled={flag(busy)} onClick={() => onQuantity(maxQuantity(line))}>
                改为 {maxQuantity(line)} 件
              </Button>
            )}
            <Button className="cart-line__action" size="mini" disabled={flag(busy)} onClick={onRemove}>
              删除
            </Button>
          </View>
        </OrderLineView>
      </View>
    </View>
  );
}

function EmptyCart() {
  return (
    <View className="cart-empty">
      <StatusView state="empty" title="购物车还是空的" description="去首页挑选喜欢的商品，加入购物车后在这里一起结算。" />
      <Button className="cart-empty__home" size="mini" type="primary" onClick={() => Taro.switchTab({ url: '/pages/home/index' })}>
        去首页逛逛
      </Button>
    </View>
  );
}

function CartContent({ cart, onChanged, onStale }: { cart: CartReply; onChanged: (cart: CartReply) => void; onStale: () => void }) {
  // Lines the shopper unticked; every other line that can be bought is selected, new lines included.
  const [unticked, setUnticked] = useState<ReadonlySet<string>>(new Set());
  const [busySkuId, setBusySkuId] = useState<string | null>(null);

  const buyable = cart.items.filter((line) => line.problem === null);
  const selected = buyable.filter((line) => !unticked.has(line.skuId));
  const allSelected = buyable.length > 0 && selected.length === buyable.length;
  const selectedTotalFen = selected.reduce((sum, line) => sum + line.unitPriceFen * line.quantity, 0);
  const selectedCount = selected.reduce((sum, line) => sum + line.quantity, 0);

  function toggle(skuId: string) {
    setUnticked((previous) => {
      const next = new Set(previous);
      if (next.has(skuId)) next.delete(skuId);
      else next.add(skuId);
      return next;
    });
  }

  function toggleAll() {
    setUnticked(allSelected ? new Set(buyable.map((line) => line.skuId)) : new Set());
  }

  async function change(skuId: string, request: () => Promise<CartReply>) {
    setBusySkuId(skuId);
    try {
      onChanged(await request());
    } catch (caught) {
      const error = asApiError(caught);
      void Taro.showToast({ title: error.message, icon: 'none' });
      // The line changed elsewhere (removed on another device, taken off sale): show the cart as it is now.
      if (error.code === 'NOT_FOUND') onStale();
    } finally {
      setBusySkuId(null);
    }
  }

  async function remove(line: CartLine) {
    const { confirm } = await Taro.showModal({ title: '删除商品', content: `确定从购物车删除「${line.title}」吗？` });
    if (confirm) await change(line.skuId, () => apiClient.removeCartItem(line.skuId));
  }

  if (cart.items.length === 0) return <EmptyCart />;
  return (
    <View className="cart">
      <View className="cart__lines">
        {cart.items.map((line) => (
          <CartLineRow
            key={line.skuId}
            line={line}
            selected={line.problem === null && !unticked.has(line.skuId)}
            busy={busySkuId === line.skuId}
            onToggle={() => toggle(line.skuId)}
            onQuantity={(quantity) => void change(line.skuId, () => apiClient.updateCartItem(line.skuId, quantity))}
            onRemove={() => void remove(line)}
          />
        ))}
      </View>
      <View className="cart-bar">
        <View className="cart-bar__all">
          <SelectBox checked={allSelected} disabled={buyable.length === 0} label="全选" onToggle={toggleAll} />
          <Text className="cart-bar__all-label">全选</Text>
        </View>
        <View className="cart-bar__total">
          <Text>合计：</Text>
          <Text className="cart-bar__amount">{formatFen(selectedTotalFen)}</Text>
        </View>
        <Button
          className="cart-bar__checkout"
          type="primary"
          disabled={flag(selected.length === 0)}
          onClick={() => Taro.navigateTo({ url: cartCheckoutUrl(selected.map((line) => line.skuId)) })}
        >
          去结算{selectedCount > 0 ? `(${selectedCount})` : ''}
        </Button>
      </View>
    </View>
  );
}

/** 购物车: the shopper's lines (unavailable ones greyed with the reason), quantities, selection and its total, 去结算. */
export default function CartPage() {
  const cart = useRemoteData(loadCart);
  // Loaded on mount; shown again (a tab switch, back from checkout or a product) it loads again: it may have changed.
  const shownBefore = useRef(false);
  useDidShow(() => {
    if (shownBefore.current) cart.reload();
    shownBefore.current = true;
  });

  switch (cart.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载购物车…" />;
    case 'failed':
      return <FailureView error={cart.error} onRetry={cart.reload} />;
    case 'loaded':
      return <CartContent cart={cart.data} onChanged={cart.replace} onStale={cart.reload} />;
  }
}
