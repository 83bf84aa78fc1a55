import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOrderNumber } from '@mall/shared';
import type { Database } from '../db/database.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { allocateOrderNumber, dailyCounterModel } from './order-numbers.ts';

let server: TestDatabaseServer;
let db: Database;

beforeAll(async () => {
  server = await startTestDatabaseServer();
  db = await server.connect();
});

afterAll(async () => {
  await server.stop();
});

describe('allocateOrderNumber', () => {
  it('hands out consecutive, unique, valid numbers under 200 parallel checkouts on a new day', async () => {
    const placedAt = new Date('2026-11-23T02:00:00Z');
    const counters = dailyCounterModel(db.connection);
    const numbers = await Promise.all(Array.from({ length: 200 }, () => allocateOrderNumber(counters, placedAt)));
    expect(new Set(numbers).size).toBe(200);
    const sequences = numbers.map((number) => parseOrderNumber(number)!.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    expect(numbers.every((number) => number.startsWith('20261123'))).toBe(true);
  });

  it('restarts at 1 on the next Asia/Shanghai business day (16:00 UTC is midnight in Shanghai)', async () => {
    const counters = dailyCounterModel(db.connection);
    const lateEvening = await allocateOrderNumber(counters, new Date('2026-11-24T15:59:59Z'));
    const nextMorning = await allocateOrderNumber(counters, new Date('2026-11-24T16:00:00Z'));
    expect(parseOrderNumber(lateEvening)).toEqual({ businessDay: '2026-11-24', sequence: 1 });
    expect(parseOrderNumber(nextMorning)).toEqual({ businessDay: '2026-11-25', sequence: 1 });
  });
});
