import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { inClusterConnection, KubeConfigError, loadKubeConnection, loadKubeconfigFile } from '../../../src/runtime/kube-config.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kube-config-'));
  mkdirSync(path.join(dir, 'pki'));
  writeFileSync(path.join(dir, 'pki', 'ca.crt'), 'CA PEM');
  writeFileSync(path.join(dir, 'pki', 'admin.crt'), 'CERT PEM');
  writeFileSync(path.join(dir, 'pki', 'admin.key'), 'KEY PEM');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, yaml: string): string => {
  const f = path.join(dir, name);
  writeFileSync(f, yaml);
  return f;
};
const kubeconfig = (user: string, cluster = 'server: https://127.0.0.1:6443\n    certificate-authority: pki/ca.crt') => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    ${cluster}
users:
- name: u
  user:
${user}
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
`;
const applied = async (c: { applyToHTTPSOptions(o: https.RequestOptions): Promise<void> }): Promise<https.RequestOptions> => {
  const o: https.RequestOptions = { headers: { Accept: 'application/json' } };
  await c.applyToHTTPSOptions(o);
  return o;
};

describe('light kubeconfig loader', () => {
  it('reads client certificates by relative path, as client-node does', async () => {
    const file = write('certs.yaml', kubeconfig('    client-certificate: pki/admin.crt\n    client-key: pki/admin.key'));
    const light = loadKubeconfigFile(file)!;
    expect(light.getCurrentCluster()).toEqual({ server: 'https://127.0.0.1:6443' });
    const ours = await applied(light);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(file);
    const theirs = await applied(kc);
    for (const k of ['ca', 'cert', 'key'] as const) expect(String(ours[k])).toBe(String(theirs[k]));
    expect(String(ours.ca)).toBe('CA PEM');
    expect(ours.headers).toEqual({ Accept: 'application/json' });
  });

  it('reads inline data and a bearer token', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const file = write('inline.yaml', kubeconfig(`    token: abc.def`, `server: https://[::1]:6443\n    certificate-authority-data: ${b64('INLINE CA')}\n    tls-server-name: kubernetes`));
    const o = await applied(loadKubeconfigFile(file)!);
    expect(String(o.ca)).toBe('INLINE CA');
    expect(o.servername).toBe('kubernetes');
    expect((o.headers as Record<string, string>).Authorization).toBe('Bearer abc.def');
  });

  it('leaves exec plugins, basic auth and proxies to client-node', async () => {
    const exec = write('exec.yaml', kubeconfig('    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/true'));
    expect(loadKubeconfigFile(exec)).toBeUndefined();
    expect(await loadKubeConnection(exec)).toBeInstanceOf(k8s.KubeConfig);
    expect(loadKubeconfigFile(write('basic.yaml', kubeconfig('    username: a\n    password: b')))).toBeUndefined();
    expect(loadKubeconfigFile(write('proxy.yaml', kubeconfig('    token: t', 'server: https://127.0.0.1:6443\n    proxy-url: http://127.0.0.1:3128')))).toBeUndefined();
  });

  it.each([
    ['no current context', (y: string) => y.replace('current-context: ctx\n', ''), /no current-context/],
    ['a context that does not exist', (y: string) => y.replace('current-context: ctx', 'current-context: other'), /context other not found/],
    ['a server that is not a URL', (y: string) => y.replace('https://127.0.0.1:6443', 'not a url'), /clusters\.0\.cluster\.server/],
    ['a missing certificate file', (y: string) => y.replace('pki/admin.crt', 'pki/missing.crt'), /client-certificate: cannot read pki\/missing.crt/],
  ])('rejects %s with the field named', (_name, edit, message) => {
    const file = write('bad.yaml', edit(kubeconfig('    client-certificate: pki/admin.crt\n    client-key: pki/admin.key')));
    expect(() => loadKubeconfigFile(file)).toThrow(KubeConfigError);
    expect(() => loadKubeconfigFile(file)).toThrow(message);
  });
});

describe('in-cluster connection', () => {
  it('uses the service account token and CA, and brackets IPv6 hosts', async () => {
    const sa = path.join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(path.join(sa, 'token'), 'sa-token\n');
    writeFileSync(path.join(sa, 'ca.crt'), 'SA CA');
    const c = inClusterConnection({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, sa)!;
    expect(c.getCurrentCluster()).toEqual({ server: 'https://[fd00::1]:443' });
    const o = await applied(c);
    expect(String(o.ca)).toBe('SA CA');
    expect((o.headers as Record<string, string>).Authorization).toBe('Bearer sa-token');
    expect(inClusterConnection({}, sa)).toBeUndefined();
  });
});
