// What the tests use in place of `@tarojs/components` (see vitest.config.mts): the same components as DOM elements.
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

export function Button({ children, size: _size, ...props }: ComponentProps & { size?: string }) {
  return (
    <button type="button" {...props}>
      {children}
    </button>
  );
}
