/**
 * For boolean props of Taro's buttons. In H5 they are custom elements, so React writes `false` as the attribute
 * `disabled="false"`, which their CSS (`taro-button-core[disabled]`) reads as set: a false flag must be left out.
 */
export function flag(value: boolean): true | undefined {
  return value ? true : undefined;
}
