/**
 * The metrics server's certificate and key, as controller-runtime's secure metrics server has
 * them: from a directory (`tls.crt` and `tls.key`, as a kubernetes.io/tls Secret is mounted; its
 * CertDir) and followed as the files change (cert-manager renews them in place; its
 * certwatcher), or, with no directory, a self-signed one made at start-up.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from './logger.js';
import { selfSignedCert, type KeyPair } from './self-signed-cert.js';

export const CERT_FILE = 'tls.crt';
export const KEY_FILE = 'tls.key';

/** Certificate files that cannot be read or do not make a usable pair; names the file and why. */
export class ServingCertError extends Error {
  override readonly name = 'ServingCertError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** Whether `pair` is a PEM certificate with its private key (Node's TLS refuses it otherwise). */
function checkPair(pair: KeyPair, dir: string): void {
  try {
    createSecureContext({ cert: pair.cert, key: pair.key });
  } catch (e) {
    throw new ServingCertError(dir, `${CERT_FILE} and ${KEY_FILE} are not a PEM certificate and its private key: ${(e as Error).message}`);
  }
}

async function readPair(dir: string): Promise<KeyPair> {
  const read = async (name: string): Promise<string> => {
    const file = path.join(dir, name);
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      throw new ServingCertError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const pair = { cert: await read(CERT_FILE), key: await read(KEY_FILE) };
  checkPair(pair, dir);
  return pair;
}

/** The names a self-signed certificate is made for: loopback, and the pod's name (its hostname). */
export function defaultHosts(host = hostname()): string[] {
  return [...new Set(['localhost', ...(/^[a-zA-Z0-9.-]+$/.test(host) ? [host] : []), '127.0.0.1', '::1'])];
}

/**
 * The current key pair, and for a directory, a check every `pollMs` that swaps in a changed pair
 * (`onChange`); a pair that fails to load is logged and the last good one kept.
 */
export class ServingCert {
  private timer?: NodeJS.Timeout;
  private checking = false;
  /** Called with each new pair read from the directory. */
  onChange?: (pair: KeyPair) => void;

  private constructor(
    private pair: KeyPair,
    readonly source: string,
    private readonly dir?: string,
  ) {}

  /** Reads `dir`/tls.crt and `dir`/tls.key; throws ServingCertError when they are not a usable pair. */
  static async fromDir(dir: string): Promise<ServingCert> {
    return new ServingCert(await readPair(dir), dir, dir);
  }

  /** A new self-signed certificate for `hosts`. */
  static selfSigned(hosts: readonly string[] = defaultHosts()): ServingCert {
    return new ServingCert(selfSignedCert({ commonName: 'slice-operator-metrics', hosts }), 'self-signed');
  }

  get current(): KeyPair {
    return this.pair;
  }

  /** Follows the directory's files (nothing to follow for a self-signed certificate). */
  watch(log: Logger, pollMs = 10_000): void {
    if (!this.dir || this.timer) return;
    this.timer = setInterval(() => void this.reload(log), pollMs);
    this.timer.unref();
  }

  /** Reads the directory again; a changed, usable pair replaces the current one. */
  async reload(log: Logger): Promise<boolean> {
    if (!this.dir || this.checking) return false;
    this.checking = true;
    try {
      const next = await readPair(this.dir);
      if (next.cert === this.pair.cert && next.key === this.pair.key) return false;
      this.pair = next;
      log.info('metrics serving certificate reloaded', { dir: this.dir });
      this.onChange?.(next);
      return true;
    } catch (e) {
      log.warn('metrics serving certificate not reloaded; the last good one stays in use', { error: (e as Error).message });
      return false;
    } finally {
      this.checking = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
