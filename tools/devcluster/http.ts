import https from 'node:https';
import http from 'node:http';
import { readFileSync } from 'node:fs';

export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

/** GET a URL and return the status code and body; never throws (status 0 = no answer). */
export function probe(url: string, tls: TlsFiles = {}, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const opts: https.RequestOptions = { method: 'GET', timeout: timeoutMs };
    if (u.protocol === 'https:') {
      if (tls.ca) opts.ca = readFileSync(tls.ca);
      if (tls.cert) opts.cert = readFileSync(tls.cert);
      if (tls.key) opts.key = readFileSync(tls.key);
      // Component health ports serve self-signed certificates; the API server's is verified.
      opts.rejectUnauthorized = Boolean(tls.ca);
    }
    const req = (u.protocol === 'https:' ? https : http).request(u, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  onTimeout: (what: string) => Error,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw onTimeout(what);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
