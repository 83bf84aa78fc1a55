import { View } from '@tarojs/components';
import { StatusView } from '../../components/status-view';

/** 分类: arrives with the shopping issue. */
export default function CategoryPage() {
  return (
    <View>
      <StatusView state="empty" title="商品分类即将开放" description="按类目浏览商品随购物功能上线。" />
    </View>
  );
}
