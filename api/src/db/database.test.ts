import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type RunningServer } from '@mall/devdb';
import { createLogger } from '../logger.ts';
import { testConfig } from '../testing/app.ts';
import { openDatabase } from './database.ts';

let mongo: RunningServer;

beforeAll(async () => {
  mongo = await start({ port: 0 });
});

afterAll(async () => {
  await mongo.stop();
});

describe('openDatabase', () => {
  it('connects to MONGODB_URI, using the database it names', async () => {
    const uri = mongo.uri.replace('/?', '/brand_mall?');
    const opened = await openDatabase(testConfig({ MONGODB_URI: uri }), createLogger('silent'), () => {
      throw new Error('no embedded database was started');
    });
    expect(opened.database.mode).toBe('mongodb');
    expect(opened.database.connection.name).toBe('brand_mall');
    await opened.database.connection.collection('probe').insertOne({ ok: 1 });
    await opened.close();
    expect(opened.database.connection.readyState).toBe(0);
  });
});
