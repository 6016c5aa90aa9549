import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Check = () => { ok: boolean; detail?: string };

/**
 * The probes, plain HTTP on their own address as controller-runtime's health probe server:
 * /healthz and /livez (liveness: the event loop answers), /readyz (informers synced and, for the
 * leader, the controller running; a standby is ready too: it can take over). The kubelet probes
 * without credentials, so nothing here needs any; /metrics has its own server (metrics-server.ts).
 */
export class HealthServer {
  private server?: http.Server;
  private readonly readyChecks = new Map<string, Check>();

  constructor(private readonly bind = { host: '127.0.0.1', port: 8081 }) {}

  addReadyCheck(name: string, check: Check): void {
    this.readyChecks.set(name, check);
  }

  async start(): Promise<number> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.bind.port, this.bind.host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/healthz' || url === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (url === '/readyz') {
      const failed: string[] = [];
      for (const [name, check] of this.readyChecks) {
        const r = check();
        if (!r.ok) failed.push(`${name}: ${r.detail ?? 'not ready'}`);
      }
      res.writeHead(failed.length ? 503 : 200, { 'Content-Type': 'text/plain' }).end(failed.length ? failed.join('\n') : 'ok');
      return;
    }
    res.writeHead(404).end('not found');
  }
}
