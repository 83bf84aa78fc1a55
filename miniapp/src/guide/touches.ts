import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { asApiError, guideEntryOf, type GuideEntry, type RecordTouchRequest, type TouchChannel } from '@mall/shared';
import { apiClient } from '../api/client';
import { ensureSignedIn } from '../session';
import { currentShopperSession, subscribeToShopperSession } from '../session/store';
import { forgetShareGuideCode } from './share';

/**
 * Guide touches (导购触达): every page opened with a guide's code (`g=CODE` in its query, or the mini-program code's
 * `scene`) tells the API, which applies the binding rules. A shopper who is not signed in yet — in H5 they sign in
 * on 我的 — has the touch kept in storage and sent once they are, so the entry still counts. Recording never gets in
 * the page's way: its failures are swallowed.
 */

const PENDING_KEY = 'mall.pending-guide-touches';
/** Entries kept while signed out; the oldest go first (the first guide still binds: the API sees them in order). */
const MAX_PENDING = 10;

function pendingTouches(): RecordTouchRequest[] {
  const stored: unknown = Taro.getStorageSync(PENDING_KEY);
  return Array.isArray(stored) ? (stored as RecordTouchRequest[]) : [];
}

function keepPending(touches: RecordTouchRequest[]): void {
  if (touches.length === 0) Taro.removeStorageSync(PENDING_KEY);
  else Taro.setStorageSync(PENDING_KEY, touches.slice(-MAX_PENDING));
}

/** Whether a failed send is worth another try once signed in again (the token was refused, or no reply came). */
function retryLater(caught: unknown): boolean {
  const { code } = asApiError(caught);
  return code === 'UNAUTHENTICATED' || code === 'NETWORK_FAILED';
}

/**
 * Sends the pending touches in order, when the shopper is signed in (the mini-program signs in silently). The queue is
 * taken from storage in one step after sign-in, so two flushes at once never send a touch twice.
 */
export async function sendPendingTouches(): Promise<void> {
  if (pendingTouches().length === 0) return;
  try {
    await ensureSignedIn();
  } catch {
    return;
  }
  const touches = pendingTouches();
  keepPending([]);
  for (const [index, touch] of touches.entries()) {
    try {
      await apiClient.recordTouch(touch);
      forgetShareGuideCode();
    } catch (caught) {
      // A guide who left or an unknown code is dropped; the rest waits for the next sign-in.
      if (retryLater(caught)) {
        keepPending([...touches.slice(index), ...pendingTouches()]);
        return;
      }
    }
  }
}

/** Records an entry through a guide's code now, or as soon as the shopper is signed in. */
export function recordGuideTouch(touch: RecordTouchRequest): void {
  keepPending([...pendingTouches(), touch]);
  void sendPendingTouches();
}

/** For the app root: sends what is pending at launch and whenever the shopper signs in (never signing in for it). */
export function useSendPendingTouches(): void {
  useEffect(() => {
    if (currentShopperSession() !== null) void sendPendingTouches();
    return subscribeToShopperSession(() => {
      if (currentShopperSession() !== null) void sendPendingTouches();
    });
  }, []);
}

/**
 * For a page that can be an entry (guide shop, product share, live room): reads the guide code from the page's
 * query once, when the page opens, and records the touch through `channel` (`poster` when the code came from a
 * poster, `c=p`). Returns what the query said about the guide.
 */
export function useGuideEntry(channel: TouchChannel, target: Pick<RecordTouchRequest, 'productId' | 'liveRoomId'> = {}): GuideEntry {
  const { params } = useRouter();
  const [entry] = useState(() => guideEntryOf(params));
  const [touch] = useState(() =>
    entry.kind === 'guide' ? { guideCode: entry.guideCode, channel: entry.fromPoster ? 'poster' : channel, ...target } : null,
  );
  useEffect(() => {
    if (touch !== null) recordGuideTouch(touch);
  }, [touch]);
  return entry;
}
