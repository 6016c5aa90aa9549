import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HealthServer } from '../../../src/runtime/health-server.js';

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

/** One GET on a fresh connection (no keep-alive agent left behind). */
function get(port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

describe('HealthServer', () => {
  const open: { stop(): Promise<void> }[] = [];
  const server = async (port = 0): Promise<{ health: HealthServer; port: number }> => {
    const health = new HealthServer({ host: '127.0.0.1', port });
    const bound = await health.start();
    open.push(health);
    return { health, port: bound };
  };

  afterEach(async () => {
    for (const s of open.splice(0)) await s.stop();
  });

  it('binds the ephemeral port it was given and reports it', async () => {
    const { port } = await server();
    expect(port).toBeGreaterThan(0);
    expect((await get(port, '/healthz')).status).toBe(200);
  });

  it.each(['/healthz', '/livez', '/healthz?verbose=1'])('answers %s with 200 ok while the event loop runs', async (path) => {
    const { port } = await server();
    expect(await get(port, path)).toEqual({ status: 200, type: 'text/plain', body: 'ok' });
  });

  it('is ready with no checks registered', async () => {
    const { port } = await server();
    expect(await get(port, '/readyz')).toEqual({ status: 200, type: 'text/plain', body: 'ok' });
  });

  it('answers /readyz 503 with every failing check, and 200 once they pass', async () => {
    const { health, port } = await server();
    let synced = false;
    let running = false;
    health.addReadyCheck('informers', () => ({ ok: synced, detail: 'informer caches not synced' }));
    health.addReadyCheck('controller', () => ({ ok: running }));
    health.addReadyCheck('always', () => ({ ok: true, detail: 'never shown' }));
    expect(await get(port, '/readyz')).toEqual({ status: 503, type: 'text/plain', body: 'informers: informer caches not synced\ncontroller: not ready' });
    synced = true;
    expect(await get(port, '/readyz?verbose')).toEqual({ status: 503, type: 'text/plain', body: 'controller: not ready' });
    running = true;
    expect(await get(port, '/readyz')).toEqual({ status: 200, type: 'text/plain', body: 'ok' });
    // A check added under a name already used replaces it.
    health.addReadyCheck('controller', () => ({ ok: false, detail: 'lost the lease' }));
    expect(await get(port, '/readyz')).toEqual({ status: 503, type: 'text/plain', body: 'controller: lost the lease' });
  });

  it.each(['/', '/metrics', '/healthz/extra', '/ready'])('answers 404 for %s', async (path) => {
    const { port } = await server();
    expect(await get(port, path)).toMatchObject({ status: 404, body: 'not found' });
  });

  it('releases its port on stop', async () => {
    const health = new HealthServer({ host: '127.0.0.1', port: 0 });
    const port = await health.start();
    expect((await get(port, '/healthz')).status).toBe(200);
    await health.stop();
    await expect(get(port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // The same port can be bound again, by a new server.
    const again = await server(port);
    expect(again.port).toBe(port);
    expect((await get(port, '/healthz')).status).toBe(200);
  });

  it('fails to start on a port in use', async () => {
    const blocker = http.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    try {
      const { port } = blocker.address() as AddressInfo;
      const health = new HealthServer({ host: '127.0.0.1', port });
      await expect(health.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('stops cleanly when it was never started', async () => {
    await expect(new HealthServer().stop()).resolves.toBeUndefined();
  });
});
