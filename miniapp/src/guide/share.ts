import { useEffect, useState } from 'react';
import { ApiError } from '@mall/shared';
import { apiClient } from '../api/client';
import { useShopperSession } from '../session';
import { subscribeToShopperSession } from '../session/store';

/**
 * Whose guide code a share carries (`g=CODE`): a guide shares with their own code; a shopper passes on the code of
 * their own guide (专属导购), so a friend who opens it comes to that guide too; without either, none.
 */

/** The code per session token; a touch that may have changed the shopper's guide drops it, and so does signing in or out. */
let known: { token: string; code: Promise<string | null> } | null = null;
const listeners = new Set<() => void>();
subscribeToShopperSession(() => {
  known = null;
});

/** The signed-in guide's own code, else their bound guide's; a failed look-up is not kept (the next page asks again). */
async function lookUpShareGuideCode(): Promise<string | null> {
  try {
    return (await apiClient.guideMe()).guide.code;
  } catch (caught) {
    // 404: not a guide, so a shopper passing on their own guide's code.
    if (!(caught instanceof ApiError) || caught.code !== 'NOT_FOUND') throw caught;
  }
  return (await apiClient.myGuide()).binding?.guide.code ?? null;
}

function shareGuideCodeOf(token: string): Promise<string | null> {
  if (known?.token === token) return known.code;
  const entry = { token, code: lookUpShareGuideCode() };
  entry.code.catch(() => {
    if (known === entry) known = null;
  });
  known = entry;
  return entry.code;
}

/** After a touch: the shopper's guide may have changed, so pages showing a share look it up again. */
export function forgetShareGuideCode(): void {
  known = null;
  for (const listener of listeners) listener();
}

/** The guide code the current page's shares carry, or null (signed out, no guide, or not known yet). */
export function useShareGuideCode(): string | null {
  const session = useShopperSession();
  const [code, setCode] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const listener = () => setGeneration((value) => value + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);

  useEffect(() => {
    setCode(null);
    if (session === null) return undefined;
    let current = true;
    shareGuideCodeOf(session.token).then(
      (loaded) => current && setCode(loaded),
      // A share without a code still works: it just brings no guide along.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [session, generation]);

  return code;
}

/** `page?query` with `g=CODE` added when there is a code (the query's values as given, URI-encoded here). */
export function sharedPageQuery(query: Readonly<Record<string, string>>, guideCode: string | null): string {
  const pairs = Object.entries({ ...query, ...(guideCode !== null && { g: guideCode }) });
  return pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
}
