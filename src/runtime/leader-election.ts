import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sleep } from './backoff.js';
import { isConflict, isNotFound } from './errors.js';
import type { KubeClient } from './kube-client.js';
import type { Logger } from './logger.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  /** Called once when leadership is lost; the operator exits (controller-runtime does the same). */
  onStoppedLeading: () => void;
  onLeaderStatus?: (isLeader: boolean) => void;
  log: Logger;
}

/**
 * What the elector needs of the API: reading and writing one Lease. KubeClient has this shape;
 * tests put an in-memory Lease store behind it.
 */
export type LeaseClient = Pick<KubeClient, 'get' | 'request'>;

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

const micro = (d: Date): string => d.toISOString().replace('Z', '000Z');

/**
 * Lease-based leader election as in client-go: 15 s lease, 10 s renew deadline, 2 s retry.
 * Expiry is judged by the local time at which we last saw the lease change (not the holder's
 * clock), so clock skew between replicas cannot cause two leaders.
 */
export class LeaderElector {
  readonly identity: string;
  private leading = false;
  private observed?: { record: string; at: number };
  private readonly abort = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly client: LeaseClient,
    private readonly o: LeaderElectionOptions,
  ) {
    this.identity = o.identity ?? `${hostname()}_${randomUUID()}`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.o.namespace}/leases/${this.o.name}`;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Graceful stop: a leader releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    if (this.leading) {
      try {
        const lease = await this.client.get<Lease>(this.path);
        if (lease.spec.holderIdentity === this.identity) {
          await this.client.request('PUT', this.path, {
            body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: micro(new Date()) } },
            timeoutMs: 3000,
          });
        }
      } catch (e) {
        this.o.log.info('lease release failed', { error: String(e) });
      }
      this.setLeading(false);
    }
  }

  private setLeading(v: boolean): void {
    this.leading = v;
    this.o.onLeaderStatus?.(v);
  }

  private async run(): Promise<void> {
    const retry = this.o.retryPeriodMs ?? 2000;
    const renewDeadline = this.o.renewDeadlineMs ?? 10_000;
    // Acquire.
    while (!this.abort.signal.aborted && !(await this.tryAcquireOrRenew())) await sleep(retry, this.abort.signal);
    if (this.abort.signal.aborted) return;
    this.setLeading(true);
    this.o.log.info('became leader', { lease: `${this.o.namespace}/${this.o.name}`, identity: this.identity });
    this.o.onStartedLeading();
    // Renew until a renewal cannot succeed within the deadline.
    let lastRenew = Date.now();
    while (!this.abort.signal.aborted) {
      await sleep(retry, this.abort.signal);
      if (this.abort.signal.aborted) return;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew > renewDeadline) {
        this.setLeading(false);
        this.o.log.error('leader election lost', { lease: `${this.o.namespace}/${this.o.name}`, identity: this.identity });
        this.o.onStoppedLeading();
        return;
      }
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const durationS = Math.round((this.o.leaseDurationMs ?? 15_000) / 1000);
    try {
      let lease: Lease;
      try {
        lease = await this.client.get<Lease>(this.path);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        await this.client.request('POST', `/apis/coordination.k8s.io/v1/namespaces/${this.o.namespace}/leases`, {
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.o.name, namespace: this.o.namespace },
            spec: { holderIdentity: this.identity, leaseDurationSeconds: durationS, acquireTime: micro(now), renewTime: micro(now), leaseTransitions: 0 },
          },
          timeoutMs: 5000,
        });
        return true;
      }
      const record = JSON.stringify(lease.spec);
      if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
      const holder = lease.spec.holderIdentity ?? '';
      const expired = this.observed.at + (lease.spec.leaseDurationSeconds ?? durationS) * 1000 < Date.now();
      if (holder && holder !== this.identity && !expired) return false;
      const transitions = (lease.spec.leaseTransitions ?? 0) + (holder === this.identity ? 0 : 1);
      const spec = {
        holderIdentity: this.identity,
        leaseDurationSeconds: durationS,
        acquireTime: holder === this.identity ? lease.spec.acquireTime : micro(now),
        renewTime: micro(now),
        leaseTransitions: transitions,
      };
      // PUT with the resourceVersion we read: a concurrent candidate makes one of us get 409.
      const updated = await this.client.request<Lease>('PUT', this.path, { body: { ...lease, spec }, timeoutMs: 5000 });
      this.observed = { record: JSON.stringify(updated.spec), at: Date.now() };
      return true;
    } catch (e) {
      if (!isConflict(e)) this.o.log.debug('lease update failed', { error: String(e) });
      return false;
    }
  }
}
