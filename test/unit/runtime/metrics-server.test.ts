import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Counter, Gauge, Registry } from 'prom-client';
import { silentLogger } from '../../../src/runtime/logger.js';
import { MetricsAuth } from '../../../src/runtime/metrics-auth.js';
import { MetricsServer } from '../../../src/runtime/metrics-server.js';
import { selfSignedCert } from '../../../src/runtime/self-signed-cert.js';
import { ServingCert } from '../../../src/runtime/serving-cert.js';
import { ReviewServer } from './review-server.js';

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
  /** The server's certificate, for HTTPS. */
  peer?: string;
}

/** One request on a fresh connection (no keep-alive agent left behind); HTTPS trusts any certificate. */
function get(scheme: 'http' | 'https', port: number, p: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const mod = scheme === 'https' ? https : http;
    const req = mod.get({ host: '127.0.0.1', port, path: p, agent: false, headers, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const cert = 'getPeerCertificate' in res.socket ? (res.socket as TLSSocket).getPeerCertificate() : undefined;
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body, peer: cert?.subject?.CN as string | undefined });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

describe('MetricsServer', () => {
  const open: MetricsServer[] = [];
  const start = async (o: Partial<ConstructorParameters<typeof MetricsServer>[0]> = {}) => {
    const s = new MetricsServer({ registry: new Registry(), bind: { host: '127.0.0.1', port: 0 }, log: silentLogger, ...o });
    open.push(s);
    return { server: s, port: await s.start() };
  };
  afterEach(async () => {
    for (const s of open.splice(0)) await s.stop();
  });

  describe('plain HTTP', () => {
    it('serves the registry on /metrics in its content type, read at scrape time', async () => {
      const registry = new Registry();
      const reconciles = new Counter({
        name: 'controller_runtime_reconcile_total',
        help: 'Total number of reconciliations per controller',
        labelNames: ['controller', 'result'],
        registers: [registry],
      });
      reconciles.inc({ controller: 'networkslice', result: 'success' }, 3);
      const { server, port } = await start({ registry });
      expect(server.scheme).toBe('http');
      const a = await get('http', port, '/metrics');
      expect(a.status).toBe(200);
      expect(a.type).toBe(registry.contentType);
      expect(a.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(a.body).toBe(await registry.metrics());
      expect(a.body).toMatch(/^controller_runtime_reconcile_total\{controller="networkslice",result="success"\} 3$/m);
      reconciles.inc({ controller: 'networkslice', result: 'error' });
      expect((await get('http', port, '/metrics?x')).body).toMatch(
        /^controller_runtime_reconcile_total\{controller="networkslice",result="error"\} 1$/m,
      );
    });

    it('answers 500 when collecting a metric fails', async () => {
      const registry = new Registry();
      new Gauge({
        name: 'broken',
        help: 'a collector that throws',
        registers: [registry],
        collect() {
          throw new Error('collector exploded');
        },
      });
      const { port } = await start({ registry });
      const a = await get('http', port, '/metrics');
      expect(a.status).toBe(500);
      expect(a.body).toContain('collector exploded');
    });

    it.each(['/', '/metricsx', '/healthz', '/readyz'])('answers 404 for %s (the probes have their own server)', async (p) => {
      const { port } = await start();
      expect(await get('http', port, p)).toMatchObject({ status: 404, body: 'not found' });
    });
  });

  describe('secure: HTTPS, each request reviewed by the API server', () => {
    const api = new ReviewServer();
    const dirs: string[] = [];
    beforeAll(async () => {
      await api.start();
      api.tokens.set('prom-token', { username: 'prom', uid: 'u1', groups: [] });
      api.tokens.set('dev-token', { username: 'dev', uid: 'u2', groups: [] });
      api.allowed.add('prom get /metrics');
    });
    afterAll(async () => {
      await api.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
    const secure = (cert: ServingCert) => ({ cert, auth: new MetricsAuth({ client: api.client, log: silentLogger }) });

    it('401 without a token, 403 for a user without get on /metrics, 200 with the metrics for one with it', async () => {
      const registry = new Registry();
      new Counter({ name: 'controller_runtime_reconcile_total', help: 'h', registers: [registry] }).inc();
      const { server, port } = await start({ registry, secure: secure(ServingCert.selfSigned(['localhost'])) });
      expect(server.scheme).toBe('https');
      expect(await get('https', port, '/metrics')).toMatchObject({ status: 401, body: 'Unauthorized\n', peer: 'slice-operator-metrics' });
      expect(await get('https', port, '/metrics', { Authorization: 'Bearer forged' })).toMatchObject({ status: 401 });
      expect(await get('https', port, '/metrics', { Authorization: 'Bearer dev-token' })).toMatchObject({
        status: 403,
        body: 'Authorization denied for user dev\n',
      });
      const ok = await get('https', port, '/metrics', { Authorization: 'Bearer prom-token' });
      expect(ok).toMatchObject({ status: 200, type: registry.contentType });
      expect(ok.body).toMatch(/^controller_runtime_reconcile_total 1$/m);
      // Only /metrics exists here; other paths are 404 without a review.
      const before = api.received.length;
      expect(await get('https', port, '/healthz')).toMatchObject({ status: 404 });
      expect(api.received.length).toBe(before);
    });

    it('refuses plain HTTP and TLS older than 1.2', async () => {
      const { port } = await start({ secure: secure(ServingCert.selfSigned(['localhost'])) });
      await expect(get('http', port, '/metrics')).rejects.toMatchObject({ code: 'ECONNRESET' });
      const old = new Promise((resolve, reject) =>
        https
          .get(
            {
              host: '127.0.0.1',
              port,
              path: '/metrics',
              agent: false,
              rejectUnauthorized: false,
              maxVersion: 'TLSv1.1',
              minVersion: 'TLSv1',
            },
            resolve,
          )
          .on('error', reject),
      );
      await expect(old).rejects.toThrow(/protocol|version|handshake/i);
    });

    it('serves a renewed certificate of its directory to new connections', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'metrics-cert-'));
      dirs.push(dir);
      const write = (cn: string) => {
        const p = selfSignedCert({ commonName: cn, hosts: ['localhost'] });
        writeFileSync(path.join(dir, 'tls.crt'), p.cert);
        writeFileSync(path.join(dir, 'tls.key'), p.key);
        return p;
      };
      write('first');
      const cert = await ServingCert.fromDir(dir);
      const { port } = await start({ secure: secure(cert) });
      expect((await get('https', port, '/metrics')).peer).toBe('first');
      const renewed = write('renewed');
      expect(await cert.reload(silentLogger)).toBe(true);
      expect((await get('https', port, '/metrics')).peer).toBe('renewed');
      expect(new X509Certificate(cert.current.cert).fingerprint256).toBe(new X509Certificate(renewed.cert).fingerprint256);
    });
  });
});
