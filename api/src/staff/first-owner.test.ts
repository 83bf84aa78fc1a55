import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { capturingLogger, createStaffAccount, testConfig } from '../testing/app.ts';
import { startTestDatabaseServer, type TestDatabaseServer } from '../testing/database.ts';
import { ensureFirstOwner } from './first-owner.ts';
import { staffModels, type StaffAccount } from './models.ts';
import { verifyPassword } from './passwords.ts';

let server: TestDatabaseServer;

beforeAll(async () => {
  server = await startTestDatabaseServer();
});

afterAll(async () => {
  await server.stop();
});

async function owners(db: Database): Promise<StaffAccount[]> {
  return staffModels(db.connection).StaffAccount.find({ role: 'owner' }).lean<StaffAccount[]>();
}

describe('first owner', () => {
  it('is created from OWNER_USERNAME and OWNER_PASSWORD, once', async () => {
    const db = await server.connect();
    const config = testConfig({ OWNER_USERNAME: 'Boss', OWNER_PASSWORD: 'the boss password' });
    const log = capturingLogger();
    expect(await ensureFirstOwner(staffModels(db.connection), config, log.logger)).toBe('created');
    expect(await ensureFirstOwner(staffModels(db.connection), config, log.logger)).toBe('exists');
    const [owner, ...others] = await owners(db);
    expect(others).toHaveLength(0);
    expect(owner).toMatchObject({ username: 'boss', role: 'owner', active: true });
    expect(await verifyPassword('the boss password', owner?.passwordHash ?? '')).toBe(true);
    expect(JSON.stringify(log.entries())).not.toContain('the boss password');
  });

  it('outside production, gets a generated password that is logged exactly once', async () => {
    const db = await server.connect();
    const log = capturingLogger();
    expect(await ensureFirstOwner(staffModels(db.connection), testConfig(), log.logger)).toBe('created');
    expect(await ensureFirstOwner(staffModels(db.connection), testConfig(), log.logger)).toBe('exists');
    const withPassword = log.entries().filter((entry) => typeof entry.password === 'string');
    expect(withPassword).toHaveLength(1);
    const password = withPassword[0]?.password as string;
    expect(withPassword[0]?.msg).toContain(`password "${password}"`);
    const [owner] = await owners(db);
    expect(owner?.username).toBe('owner');
    expect(await verifyPassword(password, owner?.passwordHash ?? '')).toBe(true);
  });

  it('is created by exactly one of several instances starting together', async () => {
    const first = await server.connect();
    const instances = await Promise.all([first, ...Array.from({ length: 3 }, () => server.connect(first.connection.name))]);
    const logs = instances.map(() => capturingLogger());
    const outcomes = await Promise.all(
      instances.map((db, index) => ensureFirstOwner(staffModels(db.connection), testConfig(), logs[index]!.logger)),
    );
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(instances.length - 1);
    expect(await owners(first)).toHaveLength(1);
    const printed = logs.flatMap((log) => log.entries()).filter((entry) => typeof entry.password === 'string');
    expect(printed).toHaveLength(1);
    expect(await verifyPassword(printed[0]?.password as string, (await owners(first))[0]?.passwordHash ?? '')).toBe(true);
  });

  it('is never generated in production: an error explains how to create one', async () => {
    const db = await server.connect();
    const log = capturingLogger();
    const production = { ...testConfig(), env: 'production' as const };
    expect(await ensureFirstOwner(staffModels(db.connection), production, log.logger)).toBe('missing');
    expect(await owners(db)).toHaveLength(0);
    const [entry] = log.entries();
    expect(entry).toMatchObject({ level: 50 });
    expect(entry?.msg).toMatch(/OWNER_USERNAME and OWNER_PASSWORD/);
  });

  it('leaves an existing owner alone', async () => {
    const db = await server.connect();
    await createStaffAccount(db, { username: 'founder', role: 'owner' });
    const log = capturingLogger();
    const config = testConfig({ OWNER_USERNAME: 'someone-else', OWNER_PASSWORD: 'another long password' });
    expect(await ensureFirstOwner(staffModels(db.connection), config, log.logger)).toBe('exists');
    expect((await owners(db)).map((owner) => owner.username)).toEqual(['founder']);
    expect(log.entries()).toEqual([]);
  });

  it('reports a username taken by another role instead of promoting it', async () => {
    const db = await server.connect();
    await createStaffAccount(db, { username: 'owner', role: 'viewer' });
    const log = capturingLogger();
    expect(await ensureFirstOwner(staffModels(db.connection), testConfig(), log.logger)).toBe('missing');
    expect(await owners(db)).toHaveLength(0);
    expect(log.entries()[0]?.msg).toMatch(/belongs to a viewer account/);
  });
});
