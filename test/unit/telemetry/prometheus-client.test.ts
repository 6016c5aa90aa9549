/**
 * The Prometheus client against a real HTTP server on loopback that answers what broken proxies
 * and servers answer: every bad answer becomes a typed PrometheusError.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusClient, PrometheusError } from '../../../src/telemetry/prometheus-client.js';
import { freePort } from '../../../tools/devcluster/ports.js';
import { ScriptedPrometheus } from '../../fixtures/telemetry/scripted-prometheus.js';

const prom = new ScriptedPrometheus();
beforeAll(() => prom.start());
afterAll(() => prom.close());

describe('PrometheusClient on bad answers', () => {
  const client = () => new PrometheusClient({ url: prom.url, retries: 0, timeoutMs: 2000 });
  it.each([
    ['an HTML error page from a proxy', 502, '<html><body>Bad Gateway</body></html>', 'http'],
    ['truncated JSON', 200, '{"status":"success","data":{"resultType":"vec', 'malformed'],
    ['JSON that is not an API envelope', 200, '[1,2,3]', 'malformed'],
    ['a matrix where a vector is expected', 200, JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }), 'malformed'],
    ['a sample with a non-numeric timestamp', 200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: ['x', '1'] }] } }), 'malformed'],
    ['an API error (bad query)', 400, JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }), 'api'],
  ])('%s (HTTP %i, body %s) -> PrometheusError(%s)', async (_what, status, body, kind) => {
    prom.reply = { status: status as number, body: body as string };
    const err = await client().query('up').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusError);
    expect((err as PrometheusError).kind).toBe(kind);
  });

  it('an answer whose body stalls past the timeout -> PrometheusError(unreachable), retried', async () => {
    // Headers and the start of a large answer, then nothing: a busy Prometheus streaming 10,000 series.
    let requests = 0;
    const slow = http.createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":"success","data":{"resultType":"vector","result":[');
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const c = new PrometheusClient({ url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`, retries: 1, timeoutMs: 300 });
      const err = await c.query('up').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrometheusError);
      expect((err as PrometheusError).kind).toBe('unreachable');
      expect((err as PrometheusError).message).toMatch(/HTTP 200, no complete answer within 300 ms/);
      expect(requests).toBe(2);
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it('an unreachable server -> PrometheusError(unreachable)', async () => {
    const port = await freePort();
    const err = await new PrometheusClient({ url: `http://127.0.0.1:${port}`, retries: 1, timeoutMs: 1000 }).query('up').catch((e: unknown) => e);
    expect((err as PrometheusError).kind).toBe('unreachable');
  });
});
