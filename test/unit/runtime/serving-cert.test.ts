import { afterEach, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../src/runtime/logger.js';
import { selfSignedCert } from '../../../src/runtime/self-signed-cert.js';
import { defaultHosts, ServingCert, ServingCertError } from '../../../src/runtime/serving-cert.js';

describe('ServingCert', () => {
  const dirs: string[] = [];
  const certDir = (pair?: { cert: string; key: string }): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'serving-cert-'));
    dirs.push(dir);
    if (pair) write(dir, pair);
    return dir;
  };
  const write = (dir: string, pair: { cert: string; key: string }) => {
    writeFileSync(path.join(dir, 'tls.crt'), pair.cert);
    writeFileSync(path.join(dir, 'tls.key'), pair.key);
  };
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({}, { write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    lines.length = 0;
  });

  it('makes a self-signed certificate for loopback and the pod name', () => {
    expect(defaultHosts('slice-operator-7d9f-abcde')).toEqual(['localhost', 'slice-operator-7d9f-abcde', '127.0.0.1', '::1']);
    expect(defaultHosts('odd host!')).toEqual(['localhost', '127.0.0.1', '::1']);
    const c = ServingCert.selfSigned(['localhost', '127.0.0.1']);
    expect(c.source).toBe('self-signed');
    expect(new X509Certificate(c.current.cert).subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
  });

  it('reads tls.crt and tls.key of a directory', async () => {
    const pair = selfSignedCert({ commonName: 'from-secret', hosts: ['metrics.example'] });
    const c = await ServingCert.fromDir(certDir(pair));
    expect(c.current).toEqual(pair);
  });

  it('refuses a directory without the files, or with a key of another certificate, naming the file', async () => {
    const empty = certDir();
    await expect(ServingCert.fromDir(empty)).rejects.toThrow(new ServingCertError(path.join(empty, 'tls.crt'), 'cannot read: ENOENT'));
    const a = selfSignedCert({ commonName: 'a', hosts: ['a.example'] });
    const b = selfSignedCert({ commonName: 'b', hosts: ['b.example'] });
    const mixed = certDir({ cert: a.cert, key: b.key });
    const e = await ServingCert.fromDir(mixed).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServingCertError);
    expect((e as ServingCertError).message).toMatch(
      new RegExp(`^${mixed}: tls.crt and tls.key are not a PEM certificate and its private key: .*key values mismatch`),
    );
    const garbage = certDir({ cert: 'not a certificate', key: a.key });
    await expect(ServingCert.fromDir(garbage)).rejects.toThrow(/tls.crt and tls.key are not a PEM certificate/);
  });

  it('swaps in a renewed pair, keeps the last good one when the files are broken, and tells onChange', async () => {
    const first = selfSignedCert({ commonName: 'first', hosts: ['m.example'] });
    const dir = certDir(first);
    const c = await ServingCert.fromDir(dir);
    const seen: string[] = [];
    c.onChange = (p) => seen.push(new X509Certificate(p.cert).subject);
    expect(await c.reload(log)).toBe(false); // unchanged
    // Half-renewed (the new certificate, the old key): refused, the old pair stays.
    const second = selfSignedCert({ commonName: 'second', hosts: ['m.example'] });
    writeFileSync(path.join(dir, 'tls.crt'), second.cert);
    expect(await c.reload(log)).toBe(false);
    expect(c.current).toEqual(first);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'metrics serving certificate not reloaded; the last good one stays in use',
        error: expect.stringContaining('key values mismatch'),
      }),
    ]);
    writeFileSync(path.join(dir, 'tls.key'), second.key);
    expect(await c.reload(log)).toBe(true);
    expect(c.current).toEqual(second);
    expect(seen).toEqual(['CN=second']);
  });

  it('watches the directory every pollMs until stopped', async () => {
    const dir = certDir(selfSignedCert({ commonName: 'first', hosts: ['m.example'] }));
    const c = await ServingCert.fromDir(dir);
    const changed = new Promise<string>((resolve) => (c.onChange = (p) => resolve(new X509Certificate(p.cert).subject)));
    c.watch(log, 20);
    try {
      write(dir, selfSignedCert({ commonName: 'renewed', hosts: ['m.example'] }));
      expect(await changed).toBe('CN=renewed');
    } finally {
      c.stop();
    }
  });
});
