import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Staff, StaffLoginRequest } from '@mall/shared';
import { asApiError, type ApiError } from '../api/client.ts';
import { useApi } from '../api/context.tsx';

export type SessionState =
  | { status: 'checking' }
  /** `expired`: the API refused a token this browser held, so the sign-in page says why it is back. */
  | { status: 'signed-out'; expired: boolean }
  /** A token is held but the API could not be asked whether it is still good. */
  | { status: 'unreachable'; error: ApiError }
  | { status: 'signed-in'; staff: Staff };

export interface Session {
  state: SessionState;
  /** Rejects with the ApiError to show (wrong password, rate limit, …). */
  signIn(request: StaffLoginRequest): Promise<void>;
  /** Always signs out in this browser; rejects when the API could not be told. */
  signOut(): Promise<void>;
  /** Asks the API about the held token again (after `unreachable`). */
  recheck(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [state, setState] = useState<SessionState>(() =>
    api.hasToken() ? { status: 'checking' } : { status: 'signed-out', expired: false },
  );
  const [checks, setChecks] = useState(0);

  useEffect(() => api.onSessionExpired(() => setState({ status: 'signed-out', expired: true })), [api]);

  useEffect(() => {
    if (!api.hasToken()) return;
    let current = true;
    setState({ status: 'checking' });
    api.me().then(
      (staff) => current && setState({ status: 'signed-in', staff }),
      (caught: unknown) => {
        const error = asApiError(caught);
        // A 401 has already fired onSessionExpired; anything else leaves the token for a later check.
        if (current && error.status !== 401) setState({ status: 'unreachable', error });
      },
    );
    return () => {
      current = false;
    };
  }, [api, checks]);

  const signIn = useCallback(
    async (request: StaffLoginRequest) => {
      const reply = await api.signIn(request);
      setState({ status: 'signed-in', staff: reply.staff });
    },
    [api],
  );

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      setState({ status: 'signed-out', expired: false });
    }
  }, [api]);

  const recheck = useCallback(() => setChecks((value) => value + 1), []);

  const session = useMemo(() => ({ state, signIn, signOut, recheck }), [state, signIn, signOut, recheck]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession needs a <SessionProvider> above it');
  return session;
}

/** The staff member of a page behind <RequireStaff>. */
export function useSignedInStaff(): Staff {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useSignedInStaff is for pages behind <RequireStaff>');
  return state.staff;
}
