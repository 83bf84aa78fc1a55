import Taro from '@tarojs/taro';
import { useEffect, useRef } from 'react';

/**
 * Choosing a delivery address for checkout: checkout opens the address list in selection mode, the list
 * announces the chosen address on Taro's event centre and goes back. (An event rather than the opener's
 * EventChannel, which the H5 build does not provide.)
 */
const ADDRESS_CHOSEN = 'address:chosen';

export const ADDRESS_SELECTION_URL = '/pages/address/list/index?select=1';

export function announceChosenAddress(addressId: string): void {
  Taro.eventCenter.trigger(ADDRESS_CHOSEN, addressId);
}

/** Calls `onChosen` with each address chosen in the list while the calling page is mounted. */
export function useChosenAddress(onChosen: (addressId: string) => void): void {
  const latest = useRef(onChosen);
  latest.current = onChosen;
  useEffect(() => {
    const listener = (addressId: unknown) => {
      if (typeof addressId === 'string') latest.current(addressId);
    };
    Taro.eventCenter.on(ADDRESS_CHOSEN, listener);
    return () => {
      Taro.eventCenter.off(ADDRESS_CHOSEN, listener);
    };
  }, []);
}
