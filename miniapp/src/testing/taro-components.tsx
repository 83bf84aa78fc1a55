// What the tests use in place of `@tarojs/components` (see vitest.config.mts): the same components as DOM elements,
// with Taro's event shapes (`event.detail.value`).
import type { HTMLAttributes, ReactNode } from 'react';

interface ComponentProps extends HTMLAttributes<HTMLElement> {
  children?: ReactNode;
}

export function View({ children, ...props }: ComponentProps) {
  return <div {...props}>{children}</div>;
}

export function Text({ children, ...props }: ComponentProps) {
  return <span {...props}>{children}</span>;
}

interface ButtonProps extends ComponentProps {
  size?: string;
  type?: string;
  plain?: boolean;
  loading?: boolean;
  disabled?: boolean;
  /** `share` in the mini-program: WeChat's share sheet, which tests read through `shares` (taro.ts). */
  openType?: string;
}

/** `loading` disables the button, as a tap on a loading Taro button does nothing useful. */
export function Button({
  children,
  size: _size,
  type: _type,
  plain: _plain,
  openType: _openType,
  loading,
  disabled,
  ...props
}: ButtonProps) {
  return (
    <button type="button" disabled={disabled === true || loading === true} aria-busy={loading === true} {...props}>
      {children}
    </button>
  );
}

/** `showMenuByLongpress`: the mini-program's long-press menu (save, forward, scan), which a DOM image has no use for. */
export function Image({
  src,
  mode: _mode,
  showMenuByLongpress: _showMenuByLongpress,
  className,
}: {
  src: string;
  mode?: string;
  showMenuByLongpress?: boolean;
  className?: string;
}) {
  return <img src={src} alt="" className={className} />;
}

interface InputProps {
  value?: string;
  placeholder?: string;
  maxlength?: number;
  type?: string;
  disabled?: boolean;
  className?: string;
  onInput?: (event: { detail: { value: string } }) => void;
}

export function Input({ value, placeholder, maxlength, type, disabled, className, onInput }: InputProps) {
  return (
    <input
      value={value ?? ''}
      placeholder={placeholder}
      maxLength={maxlength}
      inputMode={type === 'number' ? 'numeric' : undefined}
      disabled={disabled}
      className={className}
      onChange={(event) => onInput?.({ detail: { value: event.target.value } })}
    />
  );
}

interface SwitchProps {
  checked?: boolean;
  disabled?: boolean;
  color?: string;
  className?: string;
  onChange?: (event: { detail: { value: boolean } }) => void;
}

export function Switch({ checked, disabled, className, onChange }: SwitchProps) {
  return (
    <input
      type="checkbox"
      role="switch"
      checked={checked ?? false}
      disabled={disabled}
      className={className}
      onChange={(event) => onChange?.({ detail: { value: event.target.checked } })}
    />
  );
}

export function ScrollView({ children, scrollY: _scrollY, ...props }: ComponentProps & { scrollY?: boolean }) {
  return <div {...props}>{children}</div>;
}

export function Swiper({
  children,
  indicatorDots: _indicatorDots,
  circular: _circular,
  ...props
}: ComponentProps & { indicatorDots?: boolean; circular?: boolean }) {
  return <div {...props}>{children}</div>;
}

export function SwiperItem({ children, ...props }: ComponentProps) {
  return <div {...props}>{children}</div>;
}

interface TextareaProps {
  value?: string;
  placeholder?: string;
  maxlength?: number;
  className?: string;
  onInput?: (event: { detail: { value: string } }) => void;
}

export function Textarea({ value, placeholder, maxlength, className, onInput }: TextareaProps) {
  return (
    <textarea
      value={value ?? ''}
      placeholder={placeholder}
      maxLength={maxlength}
      className={className}
      onChange={(event) => onInput?.({ detail: { value: event.target.value } })}
    />
  );
}
