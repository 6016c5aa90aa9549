/**
 * /metrics (Prometheus' text format), as controller-runtime's metrics server: plain HTTP, or with
 * `secure` HTTPS (TLS 1.2 or later, HTTP/1.1) behind the API server's authentication and
 * authorization of each request (metrics-auth.ts), with a certificate from a directory that is
 * followed as it changes, or self-signed (serving-cert.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';
import type { MetricsAuth } from './metrics-auth.js';
import type { ServingCert } from './serving-cert.js';

export interface MetricsServerOptions {
  registry: Registry;
  bind: { host: string; port: number };
  log: Logger;
  /** HTTPS with this certificate, each request authenticated and authorized by `auth`. */
  secure?: { cert: ServingCert; auth: MetricsAuth };
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export class MetricsServer {
  private server?: http.Server;

  constructor(private readonly o: MetricsServerOptions) {}

  get scheme(): 'http' | 'https' {
    return this.o.secure ? 'https' : 'http';
  }

  async start(): Promise<number> {
    const serveMetrics: Handler = async (_req, res) => {
      try {
        const body = await this.o.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.o.registry.contentType }).end(body);
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
    };
    const metrics = this.o.secure ? this.o.secure.auth.filter(serveMetrics) : serveMetrics;
    const handle: Handler = (req, res) =>
      (req.url ?? '/').split('?')[0] === '/metrics' ? metrics(req, res) : void res.writeHead(404).end('not found');
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      Promise.resolve(handle(req, res)).catch((e: unknown) => {
        // Not reached by the handlers above, which answer every failure; kept so a bug answers 500, never crashes.
        this.o.log.error('metrics request failed', { error: String(e) });
        if (!res.headersSent) res.writeHead(500).end('internal error');
      });
    };
    const secure = this.o.secure;
    if (secure) {
      const tls = https.createServer({ ...secure.cert.current, minVersion: 'TLSv1.2' }, listener);
      // A renewed certificate serves new connections from then on.
      secure.cert.onChange = (pair) => tls.setSecureContext({ ...pair, minVersion: 'TLSv1.2' });
      secure.cert.watch(this.o.log);
      this.server = tls;
    } else this.server = http.createServer(listener);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.bind.port, this.o.bind.host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.o.secure?.cert.stop();
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Scrapers keep connections alive; idle ones would hold close() open until they time out.
    server.closeIdleConnections();
    await closed;
  }
}
