/**
 * The self-signed serving certificate, read back by Node's X.509 parser (OpenSSL's) and by the
 * openssl command, and used by a real TLS handshake. The e2e test has Prometheus (Go's
 * crypto/x509) scrape a server with it (test/e2e/metrics-auth.test.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { bitString, oid, sequence, time, tlv, unsignedInteger } from '../../../src/runtime/der.js';
import { selfSignedCert } from '../../../src/runtime/self-signed-cert.js';

const hex = (b: Buffer) => b.toString('hex');

describe('DER', () => {
  it('encodes object identifiers as X.690 says', () => {
    expect(hex(oid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302'); // ecdsa-with-SHA256
    expect(hex(oid('2.5.29.17'))).toBe('0603551d11');
    expect(hex(oid('1.3.6.1.5.5.7.3.1'))).toBe('06082b06010505070301');
    expect(() => oid('1')).toThrow('not an object identifier: 1');
  });

  it('writes short and long definite lengths', () => {
    expect(hex(tlv(0x04, Buffer.alloc(127))).slice(0, 4)).toBe('047f');
    expect(hex(tlv(0x04, Buffer.alloc(128))).slice(0, 6)).toBe('048180');
    expect(hex(tlv(0x04, Buffer.alloc(300))).slice(0, 8)).toBe('0482012c');
    expect(hex(sequence())).toBe('3000');
  });

  it('writes minimal non-negative integers', () => {
    expect(hex(unsignedInteger(Buffer.from([2])))).toBe('020102');
    expect(hex(unsignedInteger(Buffer.from([0, 0, 0x7f])))).toBe('02017f');
    expect(hex(unsignedInteger(Buffer.from([0x80])))).toBe('02020080');
    expect(hex(unsignedInteger(Buffer.from([0])))).toBe('020100');
  });

  it('writes UTCTime up to 2049 and GeneralizedTime from 2050', () => {
    expect(time(new Date('2026-12-02T10:20:30Z')).toString('latin1')).toBe('\x17\x0d261202102030Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(hex(bitString(Buffer.from([0xab])))).toBe('030200ab');
  });
});

describe('selfSignedCert', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  const pair = selfSignedCert({
    commonName: 'slice-operator-metrics',
    hosts: ['localhost', 'op-7d9f-abc', '127.0.0.1', '::1', '::ffff:10.1.2.3', 'fd00::5'],
    now,
  });
  const x509 = new X509Certificate(pair.cert);

  it('is a v3 certificate for the names and addresses given, valid from an hour before now for a year', () => {
    expect(x509.subject).toBe('CN=slice-operator-metrics');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.subjectAltName).toBe(
      'DNS:localhost, DNS:op-7d9f-abc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:0:0:0:0:0:FFFF:A01:203, IP Address:FD00:0:0:0:0:0:0:5',
    );
    expect(new Date(x509.validFrom).toISOString()).toBe('2026-12-02T09:00:00.000Z');
    expect(new Date(x509.validTo).toISOString()).toBe('2027-12-02T10:00:00.000Z');
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extended key usage: serverAuth
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('example.com')).toBeUndefined();
    expect(x509.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  });

  it('is signed by its own key, which is the private key given with it', () => {
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(pair.key))).toBe(true);
    expect(x509.verify(new X509Certificate(selfSignedCert({ commonName: 'other', hosts: ['localhost'] }).cert).publicKey)).toBe(false);
  });

  it('has a fresh positive serial and key each time', () => {
    const again = new X509Certificate(selfSignedCert({ commonName: 'slice-operator-metrics', hosts: ['localhost'], now }).cert);
    expect(again.serialNumber).not.toBe(x509.serialNumber);
    expect(x509.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(again.publicKey.export({ format: 'jwk' })).not.toEqual(x509.publicKey.export({ format: 'jwk' }));
  });

  it('reads back with the openssl command, extensions and critical flags included', () => {
    const r = spawnSync('openssl', ['x509', '-noout', '-text'], { input: pair.cert, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(text).toContain('X509v3 Basic Constraints: critical CA:FALSE');
    expect(text).toContain('X509v3 Key Usage: critical Digital Signature');
    expect(text).toContain('X509v3 Extended Key Usage: TLS Web Server Authentication');
    expect(text).toContain('X509v3 Subject Key Identifier:');
    expect(text).toContain('DNS:localhost, DNS:op-7d9f-abc, IP Address:127.0.0.1');
  });

  it('serves TLS: a client that trusts it verifies the server and its name', async () => {
    const server = https.createServer(pair, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/', ca: pair.cert, servername: 'localhost', agent: false }, (res) => {
            let b = '';
            res.on('data', (c: Buffer) => (b += c.toString()));
            res.on('end', () => resolve(b));
          })
          .on('error', reject);
      });
      expect(body).toBe('ok');
      // A client that does not trust it refuses it.
      await expect(
        new Promise((resolve, reject) => https.get({ host: '127.0.0.1', port, path: '/', agent: false }, resolve).on('error', reject)),
      ).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses names a certificate cannot carry', () => {
    expect(() => selfSignedCert({ commonName: 'x', hosts: [] })).toThrow('a serving certificate needs at least one host');
    expect(() => selfSignedCert({ commonName: 'x', hosts: ['bad name'] })).toThrow(
      'not a DNS name or IP address for a certificate: "bad name"',
    );
  });
});
