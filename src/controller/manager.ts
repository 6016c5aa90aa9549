import { Registry, collectDefaultMetrics } from 'prom-client';
import { Controller } from '../runtime/controller.js';
import { HealthServer } from '../runtime/health-server.js';
import { MetricsAuth } from '../runtime/metrics-auth.js';
import { MetricsServer } from '../runtime/metrics-server.js';
import type { ServingCert } from '../runtime/serving-cert.js';
import { Informer, objectKey, type KubeObject } from '../runtime/informer.js';
import { UNIQUE_KEYS, ValueTable } from '../runtime/intern.js';
import type { KubeConnection } from '../runtime/kube-config.js';
import { compactor, OWNED, trimSlice } from './cache-trim.js';
import { compactPod, podChanged, podSliceKey } from './pod-facts.js';
import { Indexer } from '../runtime/indexer.js';
import { childChanged, placementChanged, specOrMetaChanged } from './predicates.js';
import { KubeClient } from '../runtime/kube-client.js';
import { LeaderElector } from '../runtime/leader-election.js';
import { NamespacedInformers } from '../runtime/namespaced-informers.js';
import type { Priority } from '../runtime/workqueue.js';
import type { Logger } from '../runtime/logger.js';
import type { BatchForecaster, Calibrator } from '../forecast/contract.js';
import { LoadObserver } from '../telemetry/load-observer.js';
import { PrometheusClient } from '../telemetry/prometheus-client.js';
import { RuntimeMetrics } from '../runtime/metrics.js';
import { SliceMetrics } from './slice-metrics.js';
import { DecisionMetrics } from './decision-metrics.js';
import { ReplacementSlots } from './budget.js';
import { EventRecorder } from './events.js';
import { LABEL_MANAGED_BY, MANAGED_BY } from './names.js';
import { SliceReconciler } from './reconciler.js';
import type { ParseResult } from './slice-view.js';
import { collectionPath } from './resources.js';

export interface ManagerOptions {
  kubeConfig: KubeConnection;
  log: Logger;
  parse: (obj: KubeObject) => ParseResult;
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName?: string;
  /** Watch slices and their children in these namespaces only (all namespaces when empty or unset). */
  namespaces?: readonly string[];
  identity?: string;
  /** /metrics: host:port, port 0 = any free port (default 127.0.0.1:0). */
  metricsBind?: { host: string; port: number };
  /**
   * /metrics over HTTPS with this certificate, each request authenticated (TokenReview) and
   * authorized (SubjectAccessReview) by the API server; plain HTTP when unset.
   */
  metricsSecure?: { cert: ServingCert };
  /** /healthz and /readyz, plain HTTP (default 127.0.0.1:0). */
  healthProbeBind?: { host: string; port: number };
  prometheusUrl?: string;
  /** Per Prometheus request, body included (default 20 s). */
  prometheusTimeoutMs?: number;
  forecaster?: BatchForecaster;
  calibrator?: Calibrator;
  stepSeconds: number;
  /** Telemetry/forecast cycle period; defaults to min(step, 60 s). */
  cycleMs?: number;
  clock?: { wallStartMs: number; virtualStartMs: number };
  maxConcurrentReconciles?: number;
  /** UPFs moved at once across slices (0 or unset: no cap). */
  maxConcurrentReplacements?: number;
  resyncMs?: number;
  watchdogMs?: number;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Called when leadership is lost (default: exit the process, as controller-runtime does). */
  onLostLeadership?: () => void;
}

/**
 * Wires the operator together: informers on slices, owned objects, their pods and nodes; the slice
 * controller; the telemetry/forecast cycle; Lease leader election; /healthz and /readyz; /metrics
 * (plain, or HTTPS with authentication and authorization by the API server).
 * Only the leader runs informers, cycles and reconciles; a standby only campaigns.
 */
export class Manager {
  readonly client: KubeClient;
  readonly registry = new Registry();
  readonly runtimeMetrics: RuntimeMetrics;
  readonly sliceMetrics: SliceMetrics;
  readonly controller: Controller;
  readonly observer: LoadObserver;
  readonly informers: { slices: Informer; Deployment: Informer; Service: Informer; ConfigMap: Informer; nodes: Informer; pods: Informer; decisions: Informer };
  /** The cached pods of each slice. */
  readonly pods: Indexer;
  readonly health: HealthServer;
  readonly metricsServer: MetricsServer;
  /** The reviews of /metrics requests, when metrics are secure. */
  readonly metricsAuth?: MetricsAuth;
  readonly elector?: LeaderElector;
  private readonly reconciler: SliceReconciler;
  private readonly events: EventRecorder;
  private cycleTimer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;
  metricsPort = 0;
  healthProbePort = 0;

  constructor(private readonly o: ManagerOptions) {
    this.client = new KubeClient(o.kubeConfig);
    collectDefaultMetrics({ register: this.registry });
    this.runtimeMetrics = new RuntimeMetrics(this.registry);
    this.sliceMetrics = new SliceMetrics(this.registry);
    this.client.onWrite = (verb, resource) => this.runtimeMetrics.apiWrites.inc({ verb, resource });
    this.informers = this.createInformers();
    this.pods = new Indexer(this.informers.pods, podSliceKey);
    this.observer = new LoadObserver({
      prometheus: o.prometheusUrl
        ? new PrometheusClient({ url: o.prometheusUrl, timeoutMs: o.prometheusTimeoutMs ?? 20_000, retries: 1 })
        : undefined,
      forecaster: o.forecaster,
      calibrator: o.calibrator,
      stepSeconds: o.stepSeconds,
      clock: o.clock,
      cycleMs: o.cycleMs,
      log: o.log.child({ component: 'telemetry' }),
    });
    const events = new EventRecorder(this.client, 'slice-operator', o.log);
    events.onDropped = () => this.runtimeMetrics.eventsDropped.inc();
    this.events = events;
    this.reconciler = new SliceReconciler({
      client: this.client,
      slices: this.informers.slices,
      owned: { Deployment: this.informers.Deployment, Service: this.informers.Service, ConfigMap: this.informers.ConfigMap },
      nodes: this.informers.nodes,
      pods: this.pods,
      decisions: this.informers.decisions,
      observer: this.observer,
      events,
      parse: o.parse,
      metrics: this.sliceMetrics,
      decisionMetrics: new DecisionMetrics(this.registry),
      replacementSlots: new ReplacementSlots(o.maxConcurrentReplacements ?? 0),
    });
    this.controller = new Controller({
      name: 'networkslice',
      log: o.log,
      metrics: this.runtimeMetrics,
      maxConcurrentReconciles: o.maxConcurrentReconciles ?? 4,
      reconcile: (key, ctx) => this.reconciler.reconcile(key, ctx),
    });
    this.enqueueOnChanges();
    if (o.metricsSecure) {
      // Its own client: reviews are not the operator's writes (slice_operator_api_writes_total).
      this.metricsAuth = new MetricsAuth({ client: new KubeClient(o.kubeConfig, 'slice-operator/metrics-auth'), log: o.log.child({ component: 'metrics-auth' }) });
    }
    this.metricsServer = new MetricsServer({
      registry: this.registry,
      bind: o.metricsBind ?? { host: '127.0.0.1', port: 0 },
      log: o.log,
      secure: o.metricsSecure && this.metricsAuth ? { cert: o.metricsSecure.cert, auth: this.metricsAuth } : undefined,
    });
    this.health = new HealthServer(o.healthProbeBind ?? { host: '127.0.0.1', port: 0 });
    this.health.addReadyCheck('informers', () => ({
      ok: !this.running || Object.values(this.informers).every((i) => i.hasSynced),
      detail: 'informer caches not synced',
    }));
    if (o.leaderElect) this.elector = this.createElector();
  }

  /** Informers on slices, the children the operator manages (by label) and nodes, sharing one value table. */
  private createInformers(): Manager['informers'] {
    // One table for all caches: slices and their children share namespaces and label values.
    const shared = new ValueTable(undefined, undefined, new Set([...UNIQUE_KEYS, OWNED]));
    const opts = (labelSelector?: string, transform?: (obj: KubeObject) => KubeObject) => ({
      labelSelector,
      transform,
      shared,
      resyncMs: this.o.resyncMs ?? 10 * 60_000,
      watchdogMs: this.o.watchdogMs,
      watchTimeoutSeconds: 300,
    });
    const namespaces = this.o.namespaces ?? [];
    // Slices and children: every namespace, or one list+watch per watched namespace.
    const inf = (kind: 'NetworkSlice' | 'Deployment' | 'Service' | 'ConfigMap' | 'Node' | 'Pod' | 'SliceDecision', labelSelector?: string, transform?: (obj: KubeObject) => KubeObject) =>
      kind !== 'Node' && namespaces.length
        ? new NamespacedInformers(this.client, opts(labelSelector, transform), namespaces, (ns) => collectionPath(kind, ns), this.o.log.child({ informer: collectionPath(kind) }))
        : new Informer(this.client, { path: collectionPath(kind), ...opts(labelSelector, transform) }, this.o.log.child({ informer: collectionPath(kind) }));
    const owned = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;
    return {
      slices: inf('NetworkSlice', undefined, trimSlice),
      Deployment: inf('Deployment', owned, compactor('Deployment')),
      Service: inf('Service', owned, compactor('Service')),
      ConfigMap: inf('ConfigMap', owned, compactor('ConfigMap')),
      nodes: inf('Node'),
      // The CNFs' pods, as a few facts each (pod-facts.ts): why they are Pending, where they run.
      pods: inf('Pod', owned, compactPod),
      decisions: inf('SliceDecision', owned),
    };
  }

  /** Handlers only enqueue keys (they run inside the watch stream). */
  private enqueueOnChanges(): void {
    // Status-only updates (our own status writes) are skipped; the periodic cycle still visits every slice.
    this.informers.slices.on((ev, obj, old) => {
      if (specOrMetaChanged(ev, obj, old)) this.controller.enqueue(objectKey(obj));
    });
    // A SliceDecision approved or denied requeues its slice at once: applied within one reconcile.
    for (const k of ['Deployment', 'Service', 'ConfigMap', 'decisions'] as const) {
      this.informers[k].on((ev, obj, old) => {
        const owner = SliceReconciler.ownerKey(obj);
        if (owner && childChanged(ev, obj, old)) this.controller.enqueue(owner);
      });
    }
    this.informers.pods.on((ev, obj, old) => {
      const owner = podSliceKey(obj);
      if (owner && ev !== 'resync' && podChanged(obj, ev === 'delete' ? undefined : old)) this.controller.enqueue(owner);
    });
    // A change of what placement reads on a node can change any slice's placement; heartbeats and
    // resyncs of nodes are ignored (slices resync on their own).
    this.informers.nodes.on((ev, obj, old) => {
      if (placementChanged(ev, obj, old) && this.informers.nodes.hasSynced) this.enqueueAll();
    });
  }

  /** Lease leader election: only the leader runs informers, cycles and reconciles. */
  private createElector(): LeaderElector {
    const o = this.o;
    return new LeaderElector(this.client, {
      namespace: o.leaseNamespace,
      name: o.leaseName ?? 'slice-operator',
      identity: o.identity,
      leaseDurationMs: o.leaseDurationMs,
      renewDeadlineMs: o.renewDeadlineMs,
      retryPeriodMs: o.retryPeriodMs,
      log: o.log,
      onLeaderStatus: (v) => this.runtimeMetrics.leader.set({ name: o.leaseName ?? 'slice-operator' }, v ? 1 : 0),
      onStartedLeading: () => void this.startLeading(),
      onStoppedLeading: () => {
        void this.stopLeading();
        (o.onLostLeadership ?? (() => process.exit(1)))();
      },
    });
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : this.running;
  }

  enqueueAll(priority: Priority = 'normal'): void {
    for (const s of this.informers.slices.list()) this.controller.enqueue(objectKey(s), priority);
  }

  async start(): Promise<void> {
    this.healthProbePort = await this.health.start();
    try {
      this.metricsPort = await this.metricsServer.start();
    } catch (e) {
      await this.health.stop();
      throw e;
    }
    if (this.elector) this.elector.start();
    else await this.startLeading();
  }

  private async startLeading(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    for (const i of Object.values(this.informers)) i.start();
    await Promise.all(Object.values(this.informers).map((i) => i.waitForSync(60_000)));
    this.controller.start();
    const cycleMs = this.observer.cycleMs;
    const tick = async (): Promise<void> => {
      try {
        await this.observer.cycle();
        // Without --prometheus-url there is no telemetry to count (and nothing to alert on).
        if (this.o.prometheusUrl) this.runtimeMetrics.telemetryCycles.inc({ result: this.observer.lastError ? 'error' : 'success' });
      } catch (e) {
        this.runtimeMetrics.telemetryCycles.inc({ result: 'error' });
        this.o.log.error('telemetry cycle crashed', { error: String(e) });
      }
      // Periodic visits go last: an event for a slice is not held up by a cycle over all of them.
      this.enqueueAll('low');
      if (this.running) {
        this.cycleTimer = setTimeout(() => void tick(), cycleMs);
        this.cycleTimer.unref();
      }
    };
    void tick();
  }

  private async stopLeading(): Promise<void> {
    this.running = false;
    if (this.cycleTimer) clearTimeout(this.cycleTimer);
    await this.controller.stop();
    // Events of the last reconciles are still being sent; a bounded wait, the API may be gone.
    await Promise.race([this.events.flush(), new Promise((r) => setTimeout(r, 2000).unref())]);
    await Promise.all(Object.values(this.informers).map((i) => i.stop()));
  }

  /** Graceful shutdown: finish reconciles in flight, release the lease, close servers. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopLeading();
    await this.elector?.stop();
    await Promise.all([this.metricsServer.stop(), this.health.stop()]);
  }
}
