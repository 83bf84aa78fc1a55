/**
 * The class of a shared component's part, named after the class its page gave the component (its page's stylesheet
 * styles them): the parts of a block are its elements (`checkout-bar` → `checkout-bar__notice`); BEM gives an element
 * no elements of its own, so the parts of one extend its name (`guide-cart__bar` → `guide-cart__bar-notice`).
 * The scss mixins for such components name the parts alike (styles/_checkout-bar.scss).
 */
export function partClass(owner: string, part: string): string {
  return owner.includes('__') ? `${owner}-${part}` : `${owner}__${part}`;
}
