import type { BindingExplanation, CustomerListItem, OrderAttribution, TouchEffect } from '@mall/shared';

/** A guide as customer rows, binding changes and orders name them. */
export type CustomerGuide = NonNullable<CustomerListItem['guide']>;

/** `李娜（K7QX2M）`. */
export function guideText(guide: Pick<CustomerGuide, 'name' | 'code'>): string {
  return `${guide.name}（${guide.code}）`;
}

/** What a touch did to the customer's binding. */
export const touchEffectLabels: Record<TouchEffect, { text: string; color: string }> = {
  bound: { text: '绑定', color: 'green' },
  rebound: { text: '重新绑定', color: 'blue' },
  'same-guide': { text: '同一导购', color: 'default' },
  protected: { text: '受保护未改变', color: 'orange' },
};

/** Where an order's guide came from. */
export const guideSourceLabels: Record<NonNullable<OrderAttribution['guideSource']>, string> = {
  binding: '下单时绑定',
  'payment-assignment': '付款时分配',
  'guide-order': '导购代客下单',
};

/** The binding's protection: permanent (no end), running, or over. */
export function protectionStatus(binding: Pick<BindingExplanation, 'protectedUntil' | 'protectedNow'>): { text: string; color: string } {
  if (binding.protectedUntil === null) return { text: '永久保护', color: 'purple' };
  return binding.protectedNow ? { text: '保护中', color: 'green' } : { text: '已过保护期', color: 'default' };
}
