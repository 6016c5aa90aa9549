/**
 * LeaderElector against an in-memory Lease API with the API server's optimistic concurrency:
 * every write bumps resourceVersion, a create of an existing Lease and an update from a stale
 * resourceVersion answer 409. Time is jest's fake clock (Date and timers), so lease durations,
 * renew deadlines and retry periods are the production defaults (15 s, 10 s, 2 s).
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { hostname } from 'node:os';
import { ApiError } from '../../../src/runtime/errors.js';
import { LeaderElector, type LeaderElectionOptions, type LeaseClient } from '../../../src/runtime/leader-election.js';
import { createLogger, type Logger } from '../../../src/runtime/logger.js';

const NS = 'slice-system';
const NAME = 'slice-operator';
const COLLECTION = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
const PATH = `${COLLECTION}/${NAME}`;

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseSpec;
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** One Lease object as the API server keeps it; each candidate talks to it through its own client. */
class FakeLeaseApi {
  private lease?: Lease;
  private rv = 100;
  /** Candidates whose requests fail as a broken connection would, or with a given API error. */
  private readonly failures = new Map<string, () => Error>();
  readonly conflicts: string[] = [];
  readonly requests: { who: string; method: string }[] = [];

  get current(): Lease | undefined {
    return this.lease && copy(this.lease);
  }

  /** Writes the Lease directly (another holder, or an administrator). */
  put(spec: LeaseSpec): void {
    this.lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: NAME, namespace: NS, resourceVersion: String(++this.rv) }, spec: copy(spec) };
  }

  failFor(who: string, error: () => Error): void {
    this.failures.set(who, error);
  }

  heal(who: string): void {
    this.failures.delete(who);
  }

  client(who: string): LeaseClient {
    return {
      get: async <T>(path: string): Promise<T> => (await this.handle(who, 'GET', path)) as T,
      request: async <T>(method: string, path: string, o: { body?: unknown } = {}): Promise<T> => (await this.handle(who, method, path, o.body)) as T,
    };
  }

  private async handle(who: string, method: string, path: string, body?: unknown): Promise<Lease> {
    // The answer comes in a later turn, so concurrent candidates interleave as over a network.
    await Promise.resolve();
    await Promise.resolve();
    this.requests.push({ who, method });
    const fail = this.failures.get(who);
    if (fail) throw fail();
    if (method === 'GET' && path === PATH) {
      if (!this.lease) throw new ApiError(404, 'NotFound', `leases "${NAME}" not found`, method, path);
      return copy(this.lease);
    }
    if (method === 'POST' && path === COLLECTION) {
      const b = body as Lease;
      if (this.lease) {
        this.conflicts.push(who);
        throw new ApiError(409, 'AlreadyExists', `leases "${b.metadata.name}" already exists`, method, path);
      }
      if (b.metadata.name !== NAME || b.metadata.namespace !== NS) throw new ApiError(422, 'Invalid', 'metadata does not match the request path', method, path);
      this.put(b.spec);
      return copy(this.lease!);
    }
    if (method === 'PUT' && path === PATH) {
      const b = body as Lease;
      if (!this.lease) throw new ApiError(404, 'NotFound', `leases "${NAME}" not found`, method, path);
      if (b.metadata.resourceVersion !== this.lease.metadata.resourceVersion) {
        this.conflicts.push(who);
        throw new ApiError(409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again', method, path);
      }
      this.put(b.spec);
      return copy(this.lease!);
    }
    throw new ApiError(405, 'MethodNotAllowed', `${method} ${path}`, method, path);
  }
}

/** What one candidate saw: callbacks in order, and its log lines. */
interface Candidate {
  elector: LeaderElector;
  calls: string[];
  lines: Record<string, unknown>[];
}

describe('LeaderElector', () => {
  let api: FakeLeaseApi;
  let started: LeaderElector[];

  const candidate = (identity: string, o: Partial<LeaderElectionOptions> = {}): Candidate => {
    const calls: string[] = [];
    const lines: Record<string, unknown>[] = [];
    const log: Logger = createLogger({}, { level: 'debug', write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const elector = new LeaderElector(api.client(identity), {
      namespace: NS,
      name: NAME,
      identity,
      log,
      onStartedLeading: () => calls.push('started'),
      onStoppedLeading: () => calls.push('stopped'),
      onLeaderStatus: (v) => calls.push(v ? 'status:leader' : 'status:standby'),
      ...o,
    });
    return { elector, calls, lines };
  };
  const start = (c: Candidate): Candidate => {
    c.elector.start();
    started.push(c.elector);
    return c;
  };
  const advance = (ms: number): Promise<void> => jest.advanceTimersByTimeAsync(ms);

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2030-03-01T12:00:00Z') });
    api = new FakeLeaseApi();
    started = [];
  });

  afterEach(async () => {
    for (const e of started) {
      api.heal(e.identity);
      await e.stop();
    }
    jest.useRealTimers();
  });

  it('creates the Lease and leads when there is none', async () => {
    const a = start(candidate('a'));
    await advance(0);
    expect(a.elector.isLeader).toBe(true);
    expect(a.calls).toEqual(['status:leader', 'started']);
    const lease = api.current!;
    expect(lease.spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2030-03-01T12:00:00.000000Z', // MicroTime: six fractional digits
      renewTime: '2030-03-01T12:00:00.000000Z',
      leaseTransitions: 0,
    });
  });

  it('acquires a Lease left free by a released holder, counting a transition', async () => {
    api.put({ holderIdentity: '', leaseDurationSeconds: 1, renewTime: '2030-03-01T11:59:59.000000Z', leaseTransitions: 4 });
    const a = start(candidate('a', { leaseDurationMs: 4000 }));
    await advance(0);
    expect(a.elector.isLeader).toBe(true);
    expect(api.current!.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 4, leaseTransitions: 5, acquireTime: '2030-03-01T12:00:00.000000Z' });
  });

  it('renews every retry period while leading, keeping acquireTime and the transition count', async () => {
    const a = start(candidate('a'));
    await advance(0);
    const first = api.current!;
    await advance(2000);
    const renewed = api.current!;
    expect(Number(renewed.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect(renewed.spec).toEqual({ ...first.spec, renewTime: '2030-03-01T12:00:02.000000Z' });
    await advance(60_000);
    expect(api.current!.spec).toEqual({ ...first.spec, renewTime: '2030-03-01T12:01:02.000000Z' });
    expect(a.elector.isLeader).toBe(true);
    expect(a.calls).toEqual(['status:leader', 'started']);
  });

  it('does not acquire while another holder keeps its lease valid', async () => {
    const a = start(candidate('a'));
    await advance(0);
    const b = start(candidate('b'));
    await advance(120_000);
    expect(a.elector.isLeader).toBe(true);
    expect(b.elector.isLeader).toBe(false);
    expect(b.calls).toEqual([]);
    expect(api.current!.spec.holderIdentity).toBe('a');
    // The standby kept polling at the retry period, and only read.
    const bRequests = api.requests.filter((r) => r.who === 'b');
    expect(bRequests.length).toBeGreaterThanOrEqual(60);
    expect(new Set(bRequests.map((r) => r.method))).toEqual(new Set(['GET']));
  });

  it('hands over at the next retry when the leader releases the lease on stop', async () => {
    const a = start(candidate('a'));
    await advance(0);
    const b = start(candidate('b'));
    await advance(10_000);
    await a.elector.stop();
    expect(a.elector.isLeader).toBe(false);
    // A graceful stop is not a lost election: onStoppedLeading is for losing the lease.
    expect(a.calls).toEqual(['status:leader', 'started', 'status:standby']);
    expect(api.current!.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(b.elector.isLeader).toBe(false);
    await advance(2000);
    expect(b.elector.isLeader).toBe(true);
    expect(b.calls).toEqual(['status:leader', 'started']);
    expect(api.current!.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, acquireTime: '2030-03-01T12:00:12.000000Z' });
  });

  // Expiry is judged from when this candidate saw the record change, never from the holder's
  // renewTime: a holder whose clock is an hour off in either direction is treated the same.
  it.each([
    ['an hour behind', '2030-03-01T11:00:00.000000Z'],
    ['an hour ahead', '2030-03-01T13:00:00.000000Z'],
  ])("takes over a holder that stopped renewing once its lease expires (holder's clock %s)", async (_, renewTime) => {
    api.put({ holderIdentity: 'crashed', leaseDurationSeconds: 15, acquireTime: renewTime, renewTime, leaseTransitions: 2 });
    const b = start(candidate('b'));
    await advance(14_900);
    expect(b.elector.isLeader).toBe(false);
    expect(api.current!.spec.holderIdentity).toBe('crashed');
    await advance(3000);
    expect(b.elector.isLeader).toBe(true);
    expect(api.current!.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 3 });
  });

  it('waits a full lease duration again after the holder renews', async () => {
    api.put({ holderIdentity: 'slow', leaseDurationSeconds: 15, renewTime: '2030-03-01T12:00:00.000000Z' });
    const b = start(candidate('b'));
    await advance(10_000);
    api.put({ holderIdentity: 'slow', leaseDurationSeconds: 15, renewTime: '2030-03-01T12:00:10.000000Z' });
    await advance(14_000); // 24 s after b first saw the lease, 14 s after the renewal
    expect(b.elector.isLeader).toBe(false);
    await advance(4000);
    expect(b.elector.isLeader).toBe(true);
  });

  describe('losing leadership', () => {
    const failures: [string, (api: FakeLeaseApi) => void][] = [
      ['the API server is unreachable', (api) => api.failFor('a', () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }))],
      ['the API server answers 500', (api) => api.failFor('a', () => new ApiError(500, 'InternalError', 'etcdserver: request timed out', 'PUT', PATH))],
      ['another candidate holds the lease', (api) => api.put({ holderIdentity: 'usurper', leaseDurationSeconds: 15, renewTime: '2030-03-01T12:00:05.000000Z' })],
    ];

    it.each(failures)('stops leading once renewals fail for longer than the renew deadline (%s)', async (_, breakIt) => {
      const a = start(candidate('a'));
      await advance(0);
      breakIt(api);
      await advance(9000);
      expect(a.elector.isLeader).toBe(true);
      expect(a.calls).toEqual(['status:leader', 'started']);
      await advance(4000);
      expect(a.elector.isLeader).toBe(false);
      expect(a.calls).toEqual(['status:leader', 'started', 'status:standby', 'stopped']);
      expect(a.lines.some((l) => l.level === 'error' && l.msg === 'leader election lost')).toBe(true);
      // The elector is done: no more requests, no second callback.
      const sent = api.requests.filter((r) => r.who === 'a').length;
      await advance(60_000);
      expect(api.requests.filter((r) => r.who === 'a').length).toBe(sent);
      expect(a.calls.filter((c) => c === 'stopped')).toHaveLength(1);
    });

    it('keeps leading when a renewal succeeds within the deadline', async () => {
      const a = start(candidate('a', { renewDeadlineMs: 5000, retryPeriodMs: 1000 }));
      await advance(0);
      api.failFor('a', () => new ApiError(503, 'ServiceUnavailable', 'apiserver is shutting down', 'GET', PATH));
      await advance(4000);
      api.heal('a');
      await advance(1000);
      expect(api.current!.spec.renewTime).toBe('2030-03-01T12:00:05.000000Z');
      api.failFor('a', () => new ApiError(503, 'ServiceUnavailable', 'apiserver is shutting down', 'GET', PATH));
      await advance(4500); // 4.5 s since the last renewal: within the 5 s deadline
      expect(a.elector.isLeader).toBe(true);
      expect(a.calls).toEqual(['status:leader', 'started']);
      await advance(2000);
      expect(a.calls).toEqual(['status:leader', 'started', 'status:standby', 'stopped']);
    });
  });

  // Both read the same state, both write; the API server's 409 lets exactly one through.
  it.each([
    ['no Lease exists (both create)', (): void => undefined],
    ['the Lease was released (both update the same resourceVersion)', (): void => api.put({ holderIdentity: '', leaseDurationSeconds: 1 })],
  ])('lets exactly one of two racing candidates lead when %s', async (_, setup) => {
    setup();
    const a = start(candidate('a'));
    const b = start(candidate('b'));
    await advance(0);
    expect(api.conflicts).toHaveLength(1);
    const leaders = [a, b].filter((c) => c.elector.isLeader);
    expect(leaders).toHaveLength(1);
    const winner = leaders[0]!.elector.identity;
    await advance(60_000);
    expect([a, b].filter((c) => c.elector.isLeader).map((c) => c.elector.identity)).toEqual([winner]);
    expect(api.current!.spec.holderIdentity).toBe(winner);
    // A 409 is the normal outcome of a race, not worth a log line.
    expect([...a.lines, ...b.lines].filter((l) => l.msg === 'lease update failed')).toEqual([]);
  });

  describe('stop', () => {
    it('of a standby writes nothing', async () => {
      api.put({ holderIdentity: 'other', leaseDurationSeconds: 15 });
      const b = start(candidate('b'));
      await advance(4000);
      const before = api.current!;
      await b.elector.stop();
      expect(api.current).toEqual(before);
      expect(b.calls).toEqual([]);
    });

    it('does not release a lease that another candidate holds by now', async () => {
      const a = start(candidate('a'));
      await advance(0);
      api.put({ holderIdentity: 'usurper', leaseDurationSeconds: 15 });
      await a.elector.stop();
      expect(api.current!.spec.holderIdentity).toBe('usurper');
      expect(a.elector.isLeader).toBe(false);
    });

    it('logs a failed release and still steps down', async () => {
      const a = start(candidate('a'));
      await advance(0);
      api.failFor('a', () => new Error('socket hang up'));
      await a.elector.stop();
      expect(a.elector.isLeader).toBe(false);
      expect(a.calls).toEqual(['status:leader', 'started', 'status:standby']);
      expect(a.lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'lease release failed', error: 'Error: socket hang up' }));
      expect(api.current!.spec.holderIdentity).toBe('a');
    });

    it('before start is a no-op', async () => {
      const c = candidate('idle');
      await c.elector.stop();
      expect(api.requests).toEqual([]);
    });
  });

  it('logs failed requests other than conflicts at debug level', async () => {
    api.failFor('a', () => new ApiError(403, 'Forbidden', 'leases is forbidden', 'GET', PATH));
    const a = start(candidate('a'));
    await advance(0);
    expect(a.elector.isLeader).toBe(false);
    expect(a.lines).toContainEqual(expect.objectContaining({ level: 'debug', msg: 'lease update failed' }));
  });

  it('defaults its identity to the host name and a unique suffix', () => {
    const mk = (): LeaderElector => new LeaderElector(api.client('x'), { namespace: NS, name: NAME, log: createLogger({}, { write: () => undefined }), onStartedLeading: () => undefined, onStoppedLeading: () => undefined });
    const [x, y] = [mk(), mk()];
    expect(x.identity.startsWith(`${hostname()}_`)).toBe(true);
    expect(x.identity).not.toBe(y.identity);
  });

  it('is started once however often start is called', async () => {
    const a = candidate('a');
    started.push(a.elector);
    a.elector.start();
    a.elector.start();
    await advance(0);
    expect(a.calls).toEqual(['status:leader', 'started']);
    expect(api.conflicts).toEqual([]);
  });
});
