/**
 * A local HTTP server answering TokenReviews and SubjectAccessReviews in the API server's wire
 * format (a Review echoed back with its status, 201 Created; a Status on failure), for the unit
 * tests of the /metrics filter. Tokens, grants and faults are set by the test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from '../../../src/runtime/kube-client.js';

export interface Review {
  kind: string;
  apiVersion: string;
  spec: { token?: string; user?: string; groups?: string[]; nonResourceAttributes?: { path: string; verb: string } };
}

/** Tokens it knows (token -> user), who may get which path, and faults to inject. */
export class ReviewServer {
  readonly tokens = new Map<string, { username: string; uid: string; groups: string[] }>();
  readonly allowed = new Set<string>(); // `${user} ${verb} ${path}`
  readonly received: Review[] = [];
  fail?: { status: number; body: unknown };
  /** Held answers: each review waits for this before it is answered. */
  hold?: Promise<void>;
  private server = http.createServer((req, res) => void this.handle(req, res));

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  get client(): KubeClient {
    const server = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return new KubeClient({ getCurrentCluster: () => ({ server }), applyToHTTPSOptions: async () => undefined });
  }

  count(kind: string): number {
    return this.received.filter((r) => r.kind === kind).length;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = '';
    for await (const c of req) body += (c as Buffer).toString();
    const review = JSON.parse(body) as Review;
    this.received.push(review);
    await this.hold;
    const json = (status: number, o: unknown) =>
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(typeof o === 'string' ? o : JSON.stringify(o));
    if (this.fail) return void json(this.fail.status, this.fail.body);
    if (req.method === 'POST' && req.url === '/apis/authentication.k8s.io/v1/tokenreviews' && review.kind === 'TokenReview') {
      const user = this.tokens.get(review.spec.token ?? '');
      return void json(201, {
        ...review,
        status: user ? { authenticated: true, user } : { authenticated: false, error: 'invalid bearer token' },
      });
    }
    if (
      req.method === 'POST' &&
      req.url === '/apis/authorization.k8s.io/v1/subjectaccessreviews' &&
      review.kind === 'SubjectAccessReview'
    ) {
      const a = review.spec.nonResourceAttributes!;
      const allowed = this.allowed.has(`${review.spec.user} ${a.verb} ${a.path}`);
      return void json(201, {
        ...review,
        status: allowed ? { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "scrape"' } : { allowed: false },
      });
    }
    json(404, {
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
      code: 404,
    });
  }
}
