import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
