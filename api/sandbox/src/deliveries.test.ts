import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryLog } from './deliveries.ts';

const servers: http.Server[] = [];
const logs: DeliveryLog[] = [];

/** An app stand-in answering each callback with the next status of `statuses` (the last one repeats). */
async function appAnswering(statuses: number[]): Promise<{ url: string; received: string[] }> {
  const received: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push(body);
      response.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      response.end('reply');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, received };
}

function deliveryLog(): DeliveryLog {
  const log = new DeliveryLog();
  logs.push(log);
  return log;
}

afterEach(async () => {
  await Promise.all(logs.splice(0).map((log) => log.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('DeliveryLog', () => {
  it('retries until the app acknowledges, recording every attempt', async () => {
    const app = await appAnswering([500, 503, 204]);
    const log = deliveryLog();
    const delivery = log.send({ kind: 'TRANSACTION.SUCCESS', url: app.url, headers: {}, body: '{"n":1}', retryDelaysMs: [20, 20, 20] });
    const done = await log.waitFor((entry) => entry.id === delivery.id && entry.state !== 'pending');
    expect(done.state).toBe('delivered');
    expect(done.attempts.map((attempt) => attempt.status)).toEqual([500, 503, 204]);
    expect(app.received).toEqual(['{"n":1}', '{"n":1}', '{"n":1}']);
  });

  it('gives up after the last retry', async () => {
    const app = await appAnswering([500]);
    const log = deliveryLog();
    const delivery = log.send({ kind: 'x', url: app.url, headers: {}, body: '', retryDelaysMs: [10, 10] });
    const done = await log.waitFor((entry) => entry.id === delivery.id && entry.state !== 'pending');
    expect(done.state).toBe('gave_up');
    expect(done.attempts).toHaveLength(3);
  });

  it('records a refused connection as an attempt without a status, and honours a custom acknowledgement', async () => {
    const log = deliveryLog();
    const refused = log.send({ kind: 'x', url: 'http://127.0.0.1:1/none', headers: {}, body: '', retryDelaysMs: [] });
    const done = await log.waitFor((entry) => entry.id === refused.id && entry.state !== 'pending');
    expect(done.state).toBe('gave_up');
    expect(done.attempts[0]?.status).toBeUndefined();
    expect(done.attempts[0]?.error).toBeTruthy();

    const app = await appAnswering([200]);
    const picky = log.send({
      kind: 'y',
      url: app.url,
      headers: {},
      body: '',
      retryDelaysMs: [],
      acknowledged: (status, reply) => status === 200 && reply === 'success',
    });
    expect((await log.waitFor((entry) => entry.id === picky.id && entry.state !== 'pending')).state).toBe('gave_up');
    expect(log.list({ kind: 'y' })).toHaveLength(1);
  });

  it('stops retrying when closed', async () => {
    const app = await appAnswering([500]);
    const log = deliveryLog();
    const delivery = log.send({ kind: 'x', url: app.url, headers: {}, body: '', retryDelaysMs: [60_000] });
    await log.waitFor((entry) => entry.id === delivery.id && entry.attempts.length === 1);
    await log.close();
    expect(delivery.state).toBe('pending');
    expect(app.received).toHaveLength(1);
  });
});
