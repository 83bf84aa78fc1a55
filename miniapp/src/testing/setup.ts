import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { clearShopperSession } from '../session/store';
import { resetTaro } from './taro';

beforeEach(() => {
  resetTaro();
});

afterEach(() => {
  cleanup();
  vi.unstubAllEnvs();
  // Drops the session store's in-memory copy too, so each test starts signed out.
  clearShopperSession();
});
