import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { asApiError, INVITATION_CODE_LENGTH, INVITATION_VALID_DAYS, redeemInvitationRequestSchema } from '@mall/shared';
import { apiClient } from '../../../api/client';
import { flag } from '../../../components/attribute';
import { guideWorkbenchUrl } from '../../../guide/format';
import { ensureSignedIn } from '../../../session';

import './index.scss';

/** 绑定导购身份 (`?code=` from a guide's invitation link prefills the code): redeem it, then open the workbench. */
export default function GuideRedeemPage() {
  const { params } = useRouter();
  const [code, setCode] = useState(params.code ?? '');
  const [error, setError] = useState<string | null>(null);
  const [redeeming, setRedeeming] = useState(false);

  async function redeem() {
    // The shared schema trims and upper-cases the code, as the API does, and says what is wrong in Chinese.
    const parsed = redeemInvitationRequestSchema.safeParse({ code });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '请检查邀请码');
      return;
    }
    setError(null);
    setRedeeming(true);
    try {
      await ensureSignedIn();
      await apiClient.redeemGuideInvitation(parsed.data);
      void Taro.showToast({ title: '已绑定导购身份', icon: 'none' });
      await Taro.redirectTo({ url: guideWorkbenchUrl() });
    } catch (caught) {
      setError(asApiError(caught).message);
      setRedeeming(false);
    }
  }

  return (
    <View className="guide-redeem">
      <Text className="guide-redeem__title">输入邀请码</Text>
      <Text className="guide-redeem__hint">{`邀请码由门店管理员生成，共 ${INVITATION_CODE_LENGTH} 位字母或数字，${INVITATION_VALID_DAYS} 天内有效，只能使用一次。`}</Text>
      <Input
        className="guide-redeem__input"
        placeholder="邀请码"
        value={code}
        // Room for spaces around a pasted code: they are trimmed before sending.
        maxlength={INVITATION_CODE_LENGTH * 2}
        onInput={(event) => setCode(event.detail.value)}
      />
      {error !== null && (
        <View className="guide-redeem__error" role="alert">
          {error}
        </View>
      )}
      <Button className="guide-redeem__submit" type="primary" loading={flag(redeeming)} onClick={() => void redeem()}>
        绑定
      </Button>
    </View>
  );
}
