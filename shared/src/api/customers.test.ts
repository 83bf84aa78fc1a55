import { describe, expect, it } from 'vitest';
import {
  addressInputSchema,
  sandboxLoginCodeRequestSchema,
  shopperLoginRequestSchema,
  updateShopperProfileRequestSchema,
} from '../index.ts';

const address = {
  recipientName: '王小明',
  phone: '13812345678',
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  detail: '世纪大道 100 号',
};

describe('address input', () => {
  it('trims the text fields', () => {
    expect(addressInputSchema.parse({ ...address, recipientName: ' 王小明 ', phone: ' 13812345678 ' })).toEqual(address);
  });

  it.each(['13012345678', '14912345678', '19999999999'])('takes the mobile number %s', (phone) => {
    expect(addressInputSchema.safeParse({ ...address, phone }).success).toBe(true);
  });

  it.each(['12812345678', '1381234567', '138123456789', '+8613812345678', '138-1234-5678', '02112345678'])(
    'refuses the phone %s in Chinese',
    (phone) => {
      const parsed = addressInputSchema.safeParse({ ...address, phone });
      expect(parsed.error?.issues.map((issue) => issue.message)).toEqual(['请填写正确的 11 位手机号']);
    },
  );

  it('names each missing field in Chinese', () => {
    const parsed = addressInputSchema.safeParse({});
    expect(Object.fromEntries(parsed.error?.issues.map((issue) => [issue.path[0], issue.message]) ?? [])).toEqual({
      recipientName: '请填写收货人',
      phone: '请填写手机号',
      province: '请填写省份',
      city: '请填写城市',
      district: '请填写区县',
      detail: '请填写详细地址',
    });
  });
});

describe('shopper requests', () => {
  it('take a wx.login code of WeChat characters only', () => {
    expect(shopperLoginRequestSchema.safeParse({ code: '0a1B-_c' }).success).toBe(true);
    expect(shopperLoginRequestSchema.safeParse({ code: 'a b' }).success).toBe(false);
  });

  it('need something to change in the profile', () => {
    expect(updateShopperProfileRequestSchema.safeParse({}).success).toBe(false);
    expect(updateShopperProfileRequestSchema.parse({ nickname: ' 小艾 ' })).toEqual({ nickname: '小艾' });
  });

  it('take the sandbox test user names the sandbox takes', () => {
    expect(sandboxLoginCodeRequestSchema.parse({ user: ' 测试用户_1.a@b-c ' })).toEqual({ user: '测试用户_1.a@b-c' });
    expect(sandboxLoginCodeRequestSchema.safeParse({ user: 'a/b' }).success).toBe(false);
  });
});
