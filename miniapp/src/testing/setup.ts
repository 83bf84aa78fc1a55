import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { request } from './taro';

afterEach(() => {
  cleanup();
  request.mockReset();
});
