/**
 * The /metrics filter (src/runtime/metrics-auth.ts) against a local HTTP server that answers
 * TokenReviews and SubjectAccessReviews as the API server does (its wire format, its status
 * codes), through the operator's real KubeClient; the filter in front of a real HTTP server. The
 * same filter against the real API server and its RBAC: test/e2e/metrics-auth.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../../../src/runtime/logger.js';
import { bearerToken, MetricsAuth, ReviewError, type MetricsAuthOptions } from '../../../src/runtime/metrics-auth.js';
import { ReviewServer } from './review-server.js';

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def', 'abc.def'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['  Bearer abc  ', 'abc'],
    [undefined, undefined],
    ['', undefined],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer  abc', undefined], // two spaces: an empty token and another part
    ['Bearer abc def', undefined],
    ['Basic dXNlcjpwdw==', undefined],
    ['abc', undefined],
  ])('%j -> %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('MetricsAuth', () => {
  const api = new ReviewServer();
  const clock = { t: 0 };
  const lines: Record<string, unknown>[] = [];
  const log: Logger = createLogger({}, { level: 'debug', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  const auth = (o: Partial<MetricsAuthOptions> = {}) => new MetricsAuth({ client: api.client, log, now: () => clock.t, ...o });

  beforeAll(async () => {
    await api.start();
    api.tokens.set('prom-token', {
      username: 'system:serviceaccount:monitoring:prometheus',
      uid: 'u1',
      groups: ['system:serviceaccounts', 'system:authenticated'],
    });
    api.tokens.set('dev-token', { username: 'dev', uid: 'u2', groups: ['system:authenticated'] });
    api.allowed.add('system:serviceaccount:monitoring:prometheus get /metrics');
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    api.received.length = 0;
    api.fail = undefined;
    api.hold = undefined;
    lines.length = 0;
    clock.t = 1_000_000;
  });

  it('401 without a bearer token, without asking the API server', async () => {
    const a = auth();
    expect(await a.decide(undefined, 'GET', '/metrics')).toEqual({ status: 401, reason: 'no bearer token' });
    expect(await a.decide('Basic dXNlcjpwdw==', 'GET', '/metrics')).toEqual({ status: 401, reason: 'no bearer token' });
    expect(api.received).toEqual([]);
  });

  it('401 for a token the TokenReview does not authenticate', async () => {
    expect(await auth().decide('Bearer forged', 'GET', '/metrics')).toEqual({ status: 401, reason: 'invalid bearer token' });
    expect(api.received).toEqual([{ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'forged' } }]);
  });

  it('200 for a user allowed get on /metrics, 403 for one who is not; the SubjectAccessReview carries the user and the non-resource URL', async () => {
    const a = auth();
    expect(await a.decide('Bearer prom-token', 'GET', '/metrics')).toEqual({
      status: 200,
      user: {
        username: 'system:serviceaccount:monitoring:prometheus',
        uid: 'u1',
        groups: ['system:serviceaccounts', 'system:authenticated'],
      },
    });
    expect(api.received[1]).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: 'system:serviceaccount:monitoring:prometheus',
        uid: 'u1',
        groups: ['system:serviceaccounts', 'system:authenticated'],
        nonResourceAttributes: { path: '/metrics', verb: 'get' },
      },
    });
    expect(await a.decide('Bearer dev-token', 'GET', '/metrics')).toMatchObject({ status: 403, user: { username: 'dev' } });
    // The verb is the request's method: a rule granting get does not grant post.
    expect(await a.decide('Bearer prom-token', 'POST', '/metrics')).toMatchObject({ status: 403 });
  });

  it('caches a token review for a minute, an allow for 5 minutes, a deny for 30 s', async () => {
    const a = auth();
    const ask = () =>
      Promise.all([
        a.decide('Bearer prom-token', 'GET', '/metrics'),
        a.decide('Bearer dev-token', 'GET', '/metrics'),
        a.decide('Bearer forged', 'GET', '/metrics'),
      ]);
    expect((await ask()).map((d) => d.status)).toEqual([200, 403, 401]);
    expect([api.count('TokenReview'), api.count('SubjectAccessReview')]).toEqual([3, 2]);
    clock.t += 29_999;
    expect((await ask()).map((d) => d.status)).toEqual([200, 403, 401]);
    expect([api.count('TokenReview'), api.count('SubjectAccessReview')]).toEqual([3, 2]);
    clock.t += 1; // 30 s: the deny expires, nothing else
    await ask();
    expect([api.count('TokenReview'), api.count('SubjectAccessReview')]).toEqual([3, 3]);
    clock.t += 30_000; // 60 s: the token reviews expire
    await ask();
    expect([api.count('TokenReview'), api.count('SubjectAccessReview')]).toEqual([6, 4]);
    clock.t += 240_000; // 300 s: the allow expires
    await ask();
    expect([api.count('TokenReview'), api.count('SubjectAccessReview')]).toEqual([9, 6]);
    expect(a.reviews).toEqual({ TokenReview: 9, SubjectAccessReview: 6 });
  });

  it('sees a revoked token and a removed binding once their entries expire', async () => {
    const a = auth({ tokenTtlMs: 1_000, allowTtlMs: 1_000 });
    api.tokens.set('short-lived', { username: 'scraper', uid: 'u3', groups: [] });
    api.allowed.add('scraper get /metrics');
    expect((await a.decide('Bearer short-lived', 'GET', '/metrics')).status).toBe(200);
    api.allowed.delete('scraper get /metrics');
    expect((await a.decide('Bearer short-lived', 'GET', '/metrics')).status).toBe(200);
    clock.t += 1_000;
    expect((await a.decide('Bearer short-lived', 'GET', '/metrics')).status).toBe(403);
    api.tokens.delete('short-lived');
    clock.t += 1_000;
    expect((await a.decide('Bearer short-lived', 'GET', '/metrics')).status).toBe(401);
  });

  it('keeps at most maxEntries answers: a flood of tokens does not grow it', async () => {
    const a = auth({ maxEntries: 2 });
    for (const t of ['f1', 'f2', 'f3']) await a.decide(`Bearer ${t}`, 'GET', '/metrics');
    expect(api.count('TokenReview')).toBe(3);
    await a.decide('Bearer f3', 'GET', '/metrics'); // newest: cached
    await a.decide('Bearer f1', 'GET', '/metrics'); // dropped: asked again
    expect(api.count('TokenReview')).toBe(4);
  });

  it('sends one review for concurrent requests with the same token', async () => {
    const a = auth();
    let release!: () => void;
    api.hold = new Promise((r) => (release = r));
    const pending = Promise.all(Array.from({ length: 5 }, () => a.decide('Bearer prom-token', 'GET', '/metrics')));
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect((await pending).map((d) => d.status)).toEqual([200, 200, 200, 200, 200]);
    expect([api.count('TokenReview'), api.count('SubjectAccessReview')]).toEqual([1, 1]);
  });

  it('500 with a typed error when the API server fails or answers nonsense; nothing cached, the next request asks again', async () => {
    const a = auth();
    api.fail = { status: 503, body: { kind: 'Status', status: 'Failure', reason: 'ServiceUnavailable', message: 'etcd down', code: 503 } };
    const d = await a.decide('Bearer prom-token', 'GET', '/metrics');
    expect(d).toMatchObject({ status: 500, reason: 'Authentication failed' });
    const error = (d as { error: ReviewError }).error;
    expect(error).toBeInstanceOf(ReviewError);
    expect(error.review).toBe('TokenReview');
    expect(error.message).toMatch(/^TokenReview: POST \/apis\/authentication.k8s.io\/v1\/tokenreviews: 503 ServiceUnavailable: etcd down$/);
    api.fail = { status: 201, body: { kind: 'TokenReview', status: { authenticated: 'yes' } } };
    expect(await a.decide('Bearer prom-token', 'GET', '/metrics')).toMatchObject({
      status: 500,
      error: { message: 'TokenReview: unexpected answer: status.authenticated: Invalid input: expected boolean, received string' },
    });
    api.fail = { status: 201, body: { kind: 'TokenReview', status: { authenticated: true, user: {} } } };
    expect(await a.decide('Bearer prom-token', 'GET', '/metrics')).toMatchObject({
      status: 500,
      error: { message: 'TokenReview: authenticated a token without a username' },
    });
    api.fail = undefined;
    expect((await a.decide('Bearer prom-token', 'GET', '/metrics')).status).toBe(200);
    // The authorization failing: 500 naming the user.
    const b = auth();
    await b.decide('Bearer prom-token', 'GET', '/healthz'); // caches the token review
    api.fail = { status: 403, body: { kind: 'Status', reason: 'Forbidden', message: 'cannot create subjectaccessreviews', code: 403 } };
    expect(await b.decide('Bearer prom-token', 'GET', '/metrics')).toMatchObject({
      status: 500,
      reason: 'Authorization for user system:serviceaccount:monitoring:prometheus failed',
      error: { review: 'SubjectAccessReview', message: expect.stringContaining('cannot create subjectaccessreviews') },
    });
  });

  it('500 when the API server does not answer in time', async () => {
    const a = auth({ timeoutMs: 100 });
    let release!: () => void;
    api.hold = new Promise((r) => (release = r));
    try {
      expect(await a.decide('Bearer prom-token', 'GET', '/metrics')).toMatchObject({
        status: 500,
        error: { message: expect.stringMatching(/^TokenReview: .*Timeout/) },
      });
    } finally {
      release();
    }
  });

  describe('filter, in front of a real HTTP server', () => {
    let server: http.Server;
    let port: number;
    beforeAll(async () => {
      const a = auth();
      server = http.createServer(
        a.filter((_req, res) => void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('controller_runtime_reconcile_total 1\n')),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((r) => server.close(r)));
    afterEach(() => server.closeIdleConnections());

    const get = async (token?: string) => {
      const r = await fetch(`http://127.0.0.1:${port}/metrics?x=1`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      return { status: r.status, body: await r.text(), auth: r.headers.get('www-authenticate') };
    };

    it('answers 401, 403 and 500 itself, and passes allowed requests through', async () => {
      expect(await get()).toEqual({ status: 401, body: 'Unauthorized\n', auth: 'Bearer' });
      expect(await get('forged')).toEqual({ status: 401, body: 'Unauthorized\n', auth: 'Bearer' });
      expect(await get('dev-token')).toEqual({ status: 403, body: 'Authorization denied for user dev\n', auth: null });
      expect(await get('prom-token')).toEqual({ status: 200, body: 'controller_runtime_reconcile_total 1\n', auth: null });
      // The path authorized is the path without its query.
      expect(api.received.find((r) => r.kind === 'SubjectAccessReview')?.spec.nonResourceAttributes).toEqual({
        path: '/metrics',
        verb: 'get',
      });
      api.fail = { status: 500, body: 'boom' };
      expect(await get('new-token')).toEqual({ status: 500, body: 'Authentication failed\n', auth: null });
      expect(lines.find((l) => l.level === 'error')).toMatchObject({
        msg: 'metrics request not reviewed',
        reason: 'Authentication failed',
        error: expect.stringContaining('500'),
      });
      // Denials are logged at debug only: a scraper without access must not flood the logs.
      expect(lines.filter((l) => l.level !== 'debug' && l.level !== 'error')).toEqual([]);
    });
  });
});
