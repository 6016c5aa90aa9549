/**
 * A self-signed X.509 v3 serving certificate (RFC 5280) made at start-up, as controller-runtime
 * makes one when its secure metrics server is given no certificate: an ECDSA P-256 key from
 * Node's crypto, the certificate's DER written by der.ts and signed by Node's crypto (SHA-256).
 * It proves nothing about who serves (no CA vouches for it): scrapers skip verification
 * (`insecureSkipVerify`) and rely on the bearer token for who may read; mount a certificate a
 * CA issued with --metrics-cert-dir when scrapers must verify the server.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import { bitString, booleanTrue, explicit, implicit, octetString, oid, sequence, set, time, unsignedInteger, utf8String } from './der.js';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

export interface SelfSignedOptions {
  /** The subject's common name. */
  commonName: string;
  /** DNS names and IP addresses the certificate names (subjectAltName). */
  hosts: readonly string[];
  /** Start of validity; an hour is taken off for clocks behind ours (default: now). */
  now?: Date;
  /** Days of validity (default 365, as client-go's self-signed serving certificates). */
  validDays?: number;
}

export interface KeyPair {
  /** The certificate, PEM. */
  cert: string;
  /** Its private key, PKCS #8 PEM. */
  key: string;
}

/** What a DNS name in a certificate may be: an IA5String of labels (x509 parsers refuse others). */
const DNS_NAME = /^(\*\.)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/;

/** An IP address as the 4 or 16 bytes of an iPAddress GeneralName. */
function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: a dotted IPv4 tail (::ffff:10.0.0.1) as its two groups, "::" expanded to the missing
  // zero groups, then 8 groups of 2 bytes.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    ip = ip.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

/** The subjectAltName's GeneralNames: iPAddress [7] for addresses, dNSName [2] for names; others are refused. */
function altNames(hosts: readonly string[]): Buffer {
  const names = hosts.map((h) => {
    if (isIP(h)) return implicit(7, ipBytes(h));
    if (DNS_NAME.test(h)) return implicit(2, Buffer.from(h, 'ascii'));
    throw new RangeError(`not a DNS name or IP address for a certificate: ${JSON.stringify(h)}`);
  });
  return sequence(...names);
}

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  sequence(oid(id), ...(critical ? [booleanTrue()] : []), octetString(value));

/** A new key and a self-signed certificate for it, naming `hosts`. */
export function selfSignedCert(o: SelfSignedOptions): KeyPair {
  if (!o.hosts.length) throw new RangeError('a serving certificate needs at least one host');
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const now = (o.now ?? new Date()).getTime();
  const notBefore = new Date(now - 3600_000);
  const notAfter = new Date(now + (o.validDays ?? 365) * 86_400_000);
  // A positive serial of 16 random bytes: the top byte's high bit cleared (positive) and a bit
  // set below it (no leading zero byte to drop).
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const name = sequence(set(sequence(oid(OID.commonName), utf8String(o.commonName))));
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  // The key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2, method 1), the
  // uncompressed point 04 || x || y.
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const keyId = createHash('sha1').update(point).digest();
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    explicit(
      3,
      sequence(
        extension(OID.basicConstraints, true, sequence()), // not a CA
        extension(OID.keyUsage, true, Buffer.from([0x03, 0x02, 0x07, 0x80])), // digitalSignature
        extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
        extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
        extension(OID.subjectAltName, false, altNames(o.hosts)),
      ),
    ),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = sequence(tbs, algorithm, bitString(signature));
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
