import { Button, Image, Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { asApiError, sandboxLoginCodeRequestSchema, type Shopper } from '@mall/shared';
import { apiClient } from '../../api/client';
import { useApiData } from '../../api/use-api-data';
import { flag } from '../../components/attribute';
import { StatusView } from '../../components/status-view';
import { guideWorkbenchUrl, myGuideUrl } from '../../guide/format';
import { orderListUrl, orderTabs } from '../../orders/format';
import {
  hasWechatLogin,
  loginAsSandboxUser,
  loginWithWechat,
  logout,
  rememberSandboxTestUser,
  sandboxTestUser,
  useShopperSession,
} from '../../session';

import './index.scss';

const loadHealth = () => apiClient.health();
const loadMe = () => apiClient.shopperMe();

/** WeChat stopped handing nicknames to mini-programs; until the shopper sets one, this is what WeChat itself shows. */
const DEFAULT_NICKNAME = '微信用户';

/** Runs a login, tracking whether it is under way and the Chinese message of its failure. */
function useLoginAttempt() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function attempt(login: () => Promise<unknown>) {
    setPending(true);
    setError(null);
    try {
      await login();
    } catch (caught) {
      setError(asApiError(caught).message);
      setPending(false);
    }
  }
  return { pending, error, attempt };
}

function WechatLogin() {
  const { pending, error, attempt } = useLoginAttempt();
  return (
    <View className="profile-login__method">
      <Button className="profile-login__wechat" type="primary" loading={flag(pending)} onClick={() => attempt(loginWithWechat)}>
        微信一键登录
      </Button>
      {error && (
        <View className="profile-login__error" role="alert">
          {error}
        </View>
      )}
    </View>
  );
}

/** Development (sandboxed API) only: log in as a named sandbox test user; the same name is the same shopper. */
function SandboxLoginForm() {
  const [user, setUser] = useState(sandboxTestUser);
  const [invalid, setInvalid] = useState<string | null>(null);
  const { pending, error, attempt } = useLoginAttempt();

  function submit() {
    const parsed = sandboxLoginCodeRequestSchema.safeParse({ user });
    if (!parsed.success) {
      setInvalid(parsed.error.issues[0]?.message ?? '请填写测试用户名');
      return;
    }
    setInvalid(null);
    rememberSandboxTestUser(parsed.data.user);
    void attempt(() => loginAsSandboxUser(parsed.data.user));
  }

  return (
    <View className="profile-login__method profile-dev-login">
      <Text className="profile-dev-login__title">开发环境登录</Text>
      <Text className="profile-dev-login__hint">当前连接的是沙箱环境：输入任意测试用户名即可登录，同名即同一位顾客。</Text>
      <Input
        className="profile-dev-login__input"
        value={user}
        maxlength={64}
        placeholder="测试用户名"
        onInput={(event) => setUser(event.detail.value)}
      />
      {(invalid ?? error) && (
        <View className="profile-login__error" role="alert">
          {invalid ?? error}
        </View>
      )}
      <Button className="profile-dev-login__submit" loading={flag(pending)} onClick={submit}>
        登录
      </Button>
    </View>
  );
}

function SignedOut() {
  const health = useApiData(loadHealth);
  const wechat = hasWechatLogin();
  return (
    <View className="profile-login">
      <Text className="profile-login__title">登录后查看订单、管理收货地址</Text>
      {wechat && <WechatLogin />}
      {health.state === 'loading' && <StatusView state="loading" label="正在连接服务…" />}
      {health.state === 'failed' && <StatusView state="error" message={health.error.message} onRetry={health.reload} />}
      {/* The sandbox does not know real wx.login codes: in development the mini-program logs in this way too. */}
      {health.state === 'loaded' && health.data.sandbox && <SandboxLoginForm />}
      {health.state === 'loaded' && !health.data.sandbox && !wechat && (
        <StatusView state="empty" title="网页版暂不支持登录" description="请在微信中打开小程序登录后购物。" />
      )}
    </View>
  );
}

function ShopperCard({ shopper }: { shopper: Shopper }) {
  const nickname = shopper.nickname ?? DEFAULT_NICKNAME;
  return (
    <View className="profile-card">
      {shopper.avatarUrl ? (
        <Image className="profile-card__avatar" src={shopper.avatarUrl} mode="aspectFill" />
      ) : (
        <View className="profile-card__avatar profile-card__avatar--initial">
          <Text>{Array.from(nickname)[0]}</Text>
        </View>
      )}
      <Text className="profile-card__nickname">{nickname}</Text>
    </View>
  );
}

function SignedIn() {
  const me = useApiData(loadMe);
  const [leaving, setLeaving] = useState(false);

  async function confirmLogout() {
    const { confirm } = await Taro.showModal({ title: '退出登录', content: '确定要退出登录吗？' });
    if (!confirm) return;
    setLeaving(true);
    await logout();
  }

  return (
    <View>
      {me.state === 'loading' && <StatusView state="loading" label="正在加载…" />}
      {me.state === 'failed' && <StatusView state="error" message={me.error.message} onRetry={me.reload} />}
      {me.state === 'loaded' && <ShopperCard shopper={me.data.shopper} />}
      <View className="profile-orders">
        <View className="profile-orders__head" onClick={() => Taro.navigateTo({ url: orderListUrl() })}>
          <Text className="profile-orders__title">我的订单</Text>
          <Text className="profile-orders__all">全部订单 ›</Text>
        </View>
        <View className="profile-orders__shortcuts">
          {orderTabs
            .filter((tab) => tab.status !== undefined)
            .map((tab) => (
              <View key={tab.label} className="profile-orders__shortcut" onClick={() => Taro.navigateTo({ url: orderListUrl(tab.status) })}>
                {tab.label}
              </View>
            ))}
        </View>
      </View>
      <View className="profile-menu">
        <View className="profile-menu__item" onClick={() => Taro.navigateTo({ url: '/pages/address/list/index' })}>
          <Text>收货地址</Text>
          <Text className="profile-menu__arrow">›</Text>
        </View>
        <View className="profile-menu__item" onClick={() => Taro.navigateTo({ url: myGuideUrl() })}>
          <Text>我的导购</Text>
          <Text className="profile-menu__arrow">›</Text>
        </View>
        <View className="profile-menu__item" onClick={() => Taro.navigateTo({ url: guideWorkbenchUrl() })}>
          <Text>导购工作台</Text>
          <Text className="profile-menu__arrow">›</Text>
        </View>
      </View>
      <View className="profile-logout">
        <Button className="profile-logout__button" loading={flag(leaving)} onClick={confirmLogout}>
          退出登录
        </Button>
      </View>
    </View>
  );
}

/** 我的: log in (WeChat, or a sandbox test user in development), then the shopper's card, addresses and log out. */
export default function ProfilePage() {
  const session = useShopperSession();
  return <View className="profile">{session ? <SignedIn /> : <SignedOut />}</View>;
}
