import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useSession } from './session.tsx';

/** Where the sign-in page returns to afterwards. */
export interface SignInRedirect {
  from: string;
}

/** The route guard: pages below it render only for a signed-in staff member; others go to the sign-in page. */
export function RequireStaff({ children }: { children: ReactNode }) {
  const { state, recheck } = useSession();
  const location = useLocation();

  switch (state.status) {
    case 'checking':
      return <Spin size="large" description="正在确认登录状态…" fullscreen />;
    case 'unreachable':
      return (
        <Result
          status="error"
          title="无法确认登录状态"
          subTitle={state.error.message}
          extra={
            <Button type="primary" onClick={recheck}>
              重试
            </Button>
          }
        />
      );
    case 'signed-out': {
      const redirect: SignInRedirect = { from: `${location.pathname}${location.search}` };
      return <Navigate to="/login" replace state={redirect} />;
    }
    case 'signed-in':
      return children;
  }
}
