import { Button, Image, Swiper, SwiperItem, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import { asApiError, catalogIdParamsSchema, formatFen, type StorefrontProduct, type StorefrontSku } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useApiData } from '../../api/use-api-data';
import { pageParam, priceRangeText } from '../../catalog/links';
import { clampQuantity, initialSelection, selectedSku, totalAvailable, type SpecSelection } from '../../catalog/sku-picker';
import { buyNowUrl } from '../../checkout/purchase';
import { flag } from '../../components/attribute';
import { GuideShare } from '../../components/guide-share';
import { QuantityStepper, SpecChoices } from '../../components/sku-choice';
import { StatusView } from '../../components/status-view';
import { useGuideEntry } from '../../guide/touches';
import { ensureSignedIn } from '../../session';

import './index.scss';

function Gallery({ product }: { product: StorefrontProduct }) {
  if (product.images.length === 0) return <View className="product-gallery product-gallery--none">暂无图片</View>;
  return (
    <Swiper className="product-gallery" indicatorDots={product.images.length > 1} circular>
      {product.images.map((image) => (
        <SwiperItem key={image.id}>
          <Image className="product-gallery__image" src={apiClient.imageUrl(image)} mode="aspectFill" />
        </SwiperItem>
      ))}
    </Swiper>
  );
}

/** Spec values to choose, the stock of the choice, how many (1 to the stock), and 加入购物车 / 立即购买 with them. */
function SkuPicker({ product }: { product: StorefrontProduct }) {
  const [selection, setSelection] = useState<SpecSelection>(() => initialSelection(product));
  const [quantity, setQuantity] = useState(1);
  const [adding, setAdding] = useState(false);
  const sku = selectedSku(product, selection);
  const available = sku?.available ?? totalAvailable(product);
  const missing = product.specs.filter((_spec, index) => selection[index] === undefined).map((spec) => spec.name);

  useEffect(() => setQuantity((current) => clampQuantity(current, sku?.available ?? 0)), [sku]);

  /** The chosen SKU with stock, or null after saying what is missing. */
  function chosenSku(): StorefrontSku | null {
    if (sku === undefined) {
      void Taro.showToast({ title: `请选择 ${missing.join('、')}`, icon: 'none' });
      return null;
    }
    if (sku.available === 0) {
      void Taro.showToast({ title: '该规格已售罄', icon: 'none' });
      return null;
    }
    return sku;
  }

  async function addToCart() {
    const chosen = chosenSku();
    if (chosen === null) return;
    setAdding(true);
    try {
      await ensureSignedIn();
      await apiClient.addCartItem(chosen.id, quantity);
      void Taro.showToast({ title: '已加入购物车', icon: 'success' });
    } catch (caught) {
      void Taro.showToast({ title: asApiError(caught).message, icon: 'none' });
    } finally {
      setAdding(false);
    }
  }

  function buyNow() {
    const chosen = chosenSku();
    if (chosen !== null) void Taro.navigateTo({ url: buyNowUrl(chosen.id, quantity) });
  }

  return (
    <View className="product-section">
      <View className="product-price">
        <Text className="product-price__current">{sku ? formatFen(sku.price) : priceRangeText(product.priceMin, product.priceMax)}</Text>
        {sku?.originalPrice !== undefined && <Text className="product-price__original">{formatFen(sku.originalPrice)}</Text>}
      </View>
      <SpecChoices className="product-spec" product={product} selection={selection} onChange={setSelection} />
      <View className="product-stock">
        <Text className="product-stock__text">
          {available === 0 ? '已售罄' : sku ? `库存 ${sku.available} 件` : `库存 ${available} 件`}
          {missing.length > 0 && available > 0 ? `，请选择 ${missing.join('、')}` : ''}
        </Text>
        <QuantityStepper
          className="product-stepper"
          quantity={quantity}
          most={sku?.available ?? 0}
          disabled={!sku}
          onChange={setQuantity}
        />
      </View>
      <View className="product-actions">
        <Button className="product-actions__cart" disabled={flag(available === 0)} loading={flag(adding)} onClick={() => void addToCart()}>
          加入购物车
        </Button>
        <Button className="product-actions__buy" type="primary" disabled={flag(available === 0)} onClick={buyNow}>
          {available === 0 ? '已售罄' : '立即购买'}
        </Button>
      </View>
    </View>
  );
}

function Detail({ product }: { product: StorefrontProduct }) {
  return (
    <View className="product-section">
      <Text className="product-section__title">商品详情</Text>
      {product.detail.length === 0 && <Text className="product-detail__empty">商家暂未填写详情</Text>}
      {product.detail.map((block, index) =>
        block.type === 'text' ? (
          <Text key={index} className="product-detail__text">
            {block.text}
          </Text>
        ) : (
          <Image key={index} className="product-detail__image" src={apiClient.imageUrl({ url: block.url })} mode="widthFix" />
        ),
      )}
    </View>
  );
}

const PRODUCT_PAGE = 'pages/product/index';

/** 商品详情: images, price, spec choice with stock, quantity, and the detail; opened from a share with `g=CODE`, a guide touch. */
export default function ProductPage() {
  const { params } = useRouter();
  const id = pageParam(params.id) ?? '';
  // A malformed id would get the whole touch refused: the guide still counts without it.
  useGuideEntry('product-share', catalogIdParamsSchema.safeParse({ id }).success ? { productId: id } : {});
  const load = useCallback(() => apiClient.product(id), [id]);
  const product = useApiData(load);

  const title = product.state === 'loaded' ? product.data.product.title : undefined;
  useEffect(() => {
    if (title !== undefined) void Taro.setNavigationBarTitle({ title });
  }, [title]);

  switch (product.state) {
    case 'loading':
      return <StatusView state="loading" label="正在加载商品…" />;
    case 'failed':
      if (product.error.code === 'NOT_FOUND' || product.error.code === 'VALIDATION_FAILED') {
        return <StatusView state="empty" title="商品不存在或已下架" description="去首页看看其他商品吧。" />;
      }
      return <StatusView state="error" message={product.error.message} onRetry={product.reload} />;
    case 'loaded': {
      const data = product.data.product;
      return (
        <View className="product">
          <Gallery product={data} />
          <View className="product-section">
            <Text className="product-title">{data.title}</Text>
            {data.subtitle !== '' && <Text className="product-subtitle">{data.subtitle}</Text>}
            <View className="product-meta">
              <Text className="product-sales">{data.salesCount > 0 ? `已售 ${data.salesCount}` : ''}</Text>
              <GuideShare title={data.title} page={PRODUCT_PAGE} query={{ id: data.id }} />
            </View>
          </View>
          <SkuPicker product={data} />
          <Detail product={data} />
        </View>
      );
    }
  }
}
