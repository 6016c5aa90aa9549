import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import * as k8s from '@kubernetes/client-node';
import { writeKubeconfig } from '../../../tools/devcluster/kubeconfig.js';
import { generatePki } from '../../../tools/devcluster/pki.js';
import { KubeClient, resourceOf } from '../../../src/runtime/kube-client.js';
import { loadKubeconfigFile, type KubeConnection } from '../../../src/runtime/kube-config.js';

describe('resourceOf', () => {
  it.each([
    ['/api/v1/namespaces/ns/events', 'events'],
    ['/api/v1/nodes/n1', 'nodes'],
    ['/apis/apps/v1/namespaces/ns/deployments/d?fieldManager=x', 'deployments'],
    ['/apis/slicing.telco.dev/v1alpha1/namespaces/ns/networkslices/s/status', 'networkslices/status'],
    ['/apis/scheduling.k8s.io/v1/priorityclasses/slice-embb', 'priorityclasses'],
    ['/api/v1/namespaces/ns', 'namespaces'],
    ['/apis/coordination.k8s.io/v1/namespaces/ns/leases', 'leases'],
  ])('%s -> %s', (p, r) => expect(resourceOf(p)).toBe(r));
});

describe('KubeClient connections', () => {
  // A TLS server with client-certificate auth, like the API server: each new connection costs it
  // a handshake, so the client must keep connections alive across requests.
  let dir: string;
  let server: https.Server;
  let connections = 0;
  let kc: k8s.KubeConfig;
  let light: KubeConnection;
  let pki: ReturnType<typeof generatePki>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kube-client-'));
    pki = generatePki(dir);
    server = https.createServer(
      { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey), ca: readFileSync(pki.caCert), requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ path: req.url, user: (req.socket as TLSSocket).getPeerCertificate().subject?.CN }));
      },
    );
    server.on('secureConnection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const file = writeKubeconfig(path.join(dir, 'kubeconfig'), `https://127.0.0.1:${port}`, pki.caCert, pki.clients.admin!);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(file);
    light = loadKubeconfigFile(file)!;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends sequential requests over one authenticated connection', async () => {
    const client = new KubeClient(kc, 'test');
    connections = 0;
    for (let i = 0; i < 20; i++) {
      const r = await client.get<{ path: string; user: string }>(`/api/v1/namespaces/ns/configmaps/c${i}`);
      expect(r).toEqual({ path: `/api/v1/namespaces/ns/configmaps/c${i}`, user: 'admin' });
    }
    expect(connections).toBe(1);
  });

  it('authenticates with the light kubeconfig loader, over one connection too', async () => {
    const client = new KubeClient(light, 'test');
    connections = 0;
    for (let i = 0; i < 5; i++) expect(await client.get('/api/v1/nodes')).toEqual({ path: '/api/v1/nodes', user: 'admin' });
    expect(connections).toBe(1);
  });

  it('opens no more connections than requests in flight', async () => {
    const client = new KubeClient(kc, 'test');
    connections = 0;
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 4 }, (_, i) => client.get(`/api/v1/nodes/n${i}`)));
    expect(connections).toBeLessThanOrEqual(4);
  });

  it('keeps its connection when the same material comes in new arrays each time', async () => {
    const arrays: KubeConnection = {
      getCurrentCluster: () => light.getCurrentCluster(),
      applyToHTTPSOptions: async (opts) => {
        await light.applyToHTTPSOptions(opts);
        opts.ca = [readFileSync(pki.caCert)];
      },
    };
    const client = new KubeClient(arrays, 'test');
    connections = 0;
    for (let i = 0; i < 3; i++) expect(await client.get('/api/v1/nodes')).toMatchObject({ user: 'admin' });
    expect(connections).toBe(1);
  });

  it('connects again, as the new identity, when the client certificate rotates', async () => {
    // The same material arrives as new Buffers on each request (as client-node hands it out).
    let who = 'admin';
    const rotating: KubeConnection = {
      getCurrentCluster: () => light.getCurrentCluster(),
      applyToHTTPSOptions: async (opts) => {
        await light.applyToHTTPSOptions(opts);
        const c = pki.clients[who]!;
        opts.cert = readFileSync(c.cert);
        opts.key = readFileSync(c.key);
      },
    };
    const other = Object.keys(pki.clients).find((n) => n !== 'admin')!;
    const client = new KubeClient(rotating, 'test');
    connections = 0;
    for (let i = 0; i < 3; i++) expect(await client.get('/api/v1/nodes')).toMatchObject({ user: 'admin' });
    expect(connections).toBe(1);
    who = other;
    for (let i = 0; i < 3; i++) expect(await client.get('/api/v1/nodes')).toMatchObject({ user: other });
    expect(connections).toBe(2);
  });
});

describe('KubeClient.watch', () => {
  // Plain HTTP on loopback, one canned answer per test.
  let server: http.Server;
  let answer: (res: http.ServerResponse) => void;
  let client: KubeClient;

  beforeAll(async () => {
    server = http.createServer((_req, res) => answer(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new KubeClient({ getCurrentCluster: () => ({ server: url }), applyToHTTPSOptions: async () => undefined }, 'test');
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** A few turns of the event loop: an error emitted on a later tick would surface here. */
  const turns = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  const line = (type: string, name: string): string => JSON.stringify({ type, object: { metadata: { name } } }) + '\n';

  it('joins lines that arrive in pieces and resolves when the server ends the stream', async () => {
    answer = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const text = line('ADDED', 'a') + '\n' + line('MODIFIED', 'a') + line('DELETED', 'a');
      res.write(text.slice(0, 10));
      setImmediate(() => res.end(text.slice(10)));
    };
    const got: string[] = [];
    await client.watch('/api/v1/configmaps', { resourceVersion: '5' }, (ev) => got.push(`${ev.type} ${(ev.object.metadata as { name: string }).name}`), new AbortController().signal);
    expect(got).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
  });

  it.each([
    ['a Status', JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'configmaps is forbidden' }), '403 Forbidden: configmaps is forbidden'],
    ['plain text', 'upstream connect error', '403 Unknown: upstream connect error'],
  ])('rejects a non-2xx answer with an ApiError from %s', async (_, body, message) => {
    answer = (res) => res.writeHead(403).end(body);
    const err = await client.watch('/api/v1/configmaps', {}, () => undefined, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ApiError', status: 403, method: 'WATCH', path: '/api/v1/configmaps' });
    expect((err as Error).message).toContain(message);
  });

  // An ERROR event is the last line the API server sends before it ends the stream; aborting
  // the watch on it must reject the watch, not raise an uncaught error on the socket the
  // keep-alive agent has taken back meanwhile (which would end the process).
  it('rejects, and raises nothing uncaught, when aborted from onEvent on the last line of a complete response', async () => {
    answer = (res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(line('ERROR', 'x'));
    for (let i = 0; i < 5; i++) {
      const ac = new AbortController();
      const seen: string[] = [];
      const err = await client
        .watch('/api/v1/configmaps', {}, (ev) => {
          seen.push(ev.type);
          ac.abort();
        }, ac.signal)
        .catch((e: unknown) => e);
      expect(seen).toEqual(['ERROR']);
      expect(err).toMatchObject({ name: 'AbortError' });
      await turns();
    }
  });

  it('rejects, and raises nothing uncaught, on a malformed line at the end of a complete response', async () => {
    answer = (res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(line('ADDED', 'a') + '{not json\n');
    const seen: string[] = [];
    const err = await client.watch('/api/v1/configmaps', {}, (ev) => seen.push(ev.type), new AbortController().signal).catch((e: unknown) => e);
    expect(seen).toEqual(['ADDED']);
    expect(err).toBeInstanceOf(SyntaxError);
    await turns();
  });

  it('rejects when aborted mid-stream, and at once when the signal is already aborted', async () => {
    answer = (res) => res.writeHead(200, { 'Content-Type': 'application/json' }).write(line('ADDED', 'a'));
    const ac = new AbortController();
    const watching = client.watch('/api/v1/configmaps', {}, () => ac.abort(), ac.signal);
    await expect(watching).rejects.toThrow(/abort/i);
    await expect(client.watch('/api/v1/configmaps', {}, () => undefined, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
    await turns();
  });
});

describe('KubeClient.request', () => {
  interface Seen {
    method: string;
    url: string;
    type: string | undefined;
    body: string;
  }
  let server: http.Server;
  let seen: Seen[];
  let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  let client: KubeClient;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, type: req.headers['content-type'], body });
        answer(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new KubeClient({ getCurrentCluster: () => ({ server: url }), applyToHTTPSOptions: async () => undefined }, 'test');
  });

  beforeEach(() => {
    seen = [];
    answer = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends apply, merge patch and delete as the API server expects them, and counts the writes', async () => {
    const writes: string[] = [];
    client.onWrite = (verb, resource) => writes.push(`${verb} ${resource}`);
    const before = client.totalWrites;
    await client.apply('/apis/apps/v1/namespaces/ns/deployments/d', { kind: 'Deployment' }, 'slice-operator');
    await client.mergePatch('/apis/slicing.telco.dev/v1alpha1/namespaces/ns/networkslices/s/status', { status: { phase: 'Ready' } });
    await client.delete('/api/v1/namespaces/ns/configmaps/c', { propagationPolicy: 'Background' });
    await client.get('/api/v1/namespaces/ns/configmaps/c');
    expect(seen).toEqual([
      { method: 'PATCH', url: '/apis/apps/v1/namespaces/ns/deployments/d?fieldManager=slice-operator&force=true', type: 'application/apply-patch+yaml', body: '{"kind":"Deployment"}' },
      { method: 'PATCH', url: '/apis/slicing.telco.dev/v1alpha1/namespaces/ns/networkslices/s/status', type: 'application/merge-patch+json', body: '{"status":{"phase":"Ready"}}' },
      { method: 'DELETE', url: '/api/v1/namespaces/ns/configmaps/c?propagationPolicy=Background', type: undefined, body: '' },
      { method: 'GET', url: '/api/v1/namespaces/ns/configmaps/c', type: undefined, body: '' },
    ]);
    expect(writes).toEqual(['PATCH deployments', 'PATCH networkslices/status', 'DELETE configmaps']);
    expect(client.totalWrites - before).toBe(3);
    expect(client.writes.get('PATCH deployments')).toBeGreaterThanOrEqual(1);
    client.onWrite = undefined;
  });

  it('sends a string body as it is, and reads an empty answer as {}', async () => {
    answer = (_req, res) => res.writeHead(204).end();
    expect(await client.request('POST', '/api/v1/namespaces/ns/events', { body: '{"a":1}' })).toEqual({});
    expect(seen[0]).toMatchObject({ type: 'application/json', body: '{"a":1}' });
  });

  it.each([
    ['a Status', 409, JSON.stringify({ kind: 'Status', reason: 'Conflict', message: 'the object has been modified' }), 'Conflict', 'the object has been modified'],
    ['plain text', 502, 'bad gateway from the proxy', 'Bad Gateway', 'bad gateway from the proxy'],
  ])('rejects a non-2xx answer with an ApiError from %s', async (_, status, body, reason, message) => {
    answer = (_req, res) => res.writeHead(status).end(body);
    await expect(client.get('/api/v1/nodes/n')).rejects.toMatchObject({ name: 'ApiError', status, reason, method: 'GET', path: '/api/v1/nodes/n', message: `GET /api/v1/nodes/n: ${status} ${reason}: ${message}` });
  });

  it('gives up on an answer that never completes, at its deadline', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"items": [');
      // ...and never more.
    };
    await expect(client.request('GET', '/api/v1/nodes', { timeoutMs: 100 })).rejects.toMatchObject({ name: 'ApiError', status: 0, reason: 'Timeout' });
  });

  it('rejects when the connection closes before the answer is complete', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"items": [', () => res.socket?.destroy());
    };
    await expect(client.get('/api/v1/nodes')).rejects.toThrow();
  });
});
