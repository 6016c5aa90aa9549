import { objectKey, type Informer, type KubeObject } from '../runtime/informer.js';
import { isConflict, isNotFound } from '../runtime/errors.js';
import { olderVersion } from '../runtime/resource-version.js';
import type { KubeClient } from '../runtime/kube-client.js';
import type { Logger } from '../runtime/logger.js';
import type { Result } from '../runtime/controller.js';
import type { LoadObserver } from '../telemetry/load-observer.js';
import type { SliceMetrics } from './slice-metrics.js';
import { desired, priorityClass, type KubeObj } from './desired.js';
import type { EventRecorder } from './events.js';
import { childName, FIELD_MANAGER, LABEL_SLICE, LEGACY_FINALIZER } from './names.js';
import { choosePlacement, type PlacementDecision } from './placement.js';
import { metaTime } from './meta-time.js';
import { cpuMillis, parseQuantity } from '../api/quantity.js';
import { objectPath, type Kind } from './resources.js';
import { decideReplicas, type Recommendation, type ScalingDecision } from './scaling.js';
import { matchesApplied, type OwnedKind } from './cache-trim.js';
import { DerivedState } from './derived-state.js';
import { withOccupancy } from './sites.js';
import type { ParseResult, SliceView } from './slice-view.js';
import { buildStatus, type SliceStatus } from './status.js';
import { canonicalJson, isSubset } from './subset.js';

export interface ReconcilerDeps {
  client: KubeClient;
  slices: Informer;
  owned: Record<OwnedKind, Informer>;
  nodes: Informer;
  observer: LoadObserver;
  events: EventRecorder;
  parse: (obj: KubeObject) => ParseResult;
  metrics?: SliceMetrics;
  now?: () => number;
}

interface SliceMemory {
  recommendations: Record<string, Recommendation[]>;
  lastSites?: string[];
  lastDecision?: { reason: string; message: string; at: string; from: number; to: number };
}

type SliceObj = KubeObject & { metadata: NonNullable<KubeObject['metadata']> & { generation?: number; deletionTimestamp?: string; finalizers?: string[]; creationTimestamp?: string }; status?: SliceStatus; spec?: Record<string, unknown> };

/**
 * Reconciles one NetworkSlice: observations (sites from nodes, load and forecast from the
 * observer) -> decisions (replicas, placement) -> desired objects (pure) -> server-side apply of
 * only what differs from the cache -> status and events. Level-triggered: it never relies on
 * what changed, only on what is; a no-op pass performs no write.
 */
export class SliceReconciler {
  private readonly memory = new Map<string, SliceMemory>();
  /** The last status written per slice and the version the write made, until the cache has it. */
  private readonly statusWritten = new Map<string, { resourceVersion?: string; status: SliceStatus }>();
  private readonly ensuredPriorityClasses = new Map<string, Promise<void>>();

  /** Parses, site usage and the S-NSSAI index, derived from the caches once per change. */
  private readonly derived: DerivedState;

  constructor(private readonly d: ReconcilerDeps) {
    this.derived = new DerivedState(d.slices, d.owned.Deployment, d.nodes, d.parse);
  }

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  async reconcile(key: string, { log }: { log: Logger }): Promise<Result> {
    const obj = this.d.slices.get(key) as SliceObj | undefined;
    if (!obj) {
      this.forget(key);
      return {};
    }
    const ns = obj.metadata.namespace!;
    const name = obj.metadata.name!;
    const slicePath = objectPath('NetworkSlice', ns, name);

    if (obj.metadata.deletionTimestamp) {
      await this.finalize(key, obj, slicePath, log);
      return {};
    }
    // No finalizer: the children carry owner references, so the garbage collector deletes them,
    // and what it does not reach is this process's own state for the slice, dropped when the
    // slice leaves the cache (the start of this method). A finalizer would cost a write per slice
    // created and deleted, and would leave slices undeletable while the operator is down or
    // uninstalled. Earlier builds added one: it is removed in the same round trip as the
    // children. A JSON patch with a test fails cleanly (409) if the list changed meanwhile.
    const legacy = obj.metadata.finalizers?.indexOf(LEGACY_FINALIZER) ?? -1;
    const finalizerRemoved = legacy < 0 ? undefined : this.removeLegacyFinalizer(slicePath, legacy);
    // Awaited on every path below; this only keeps a rejection from counting as unhandled meanwhile.
    finalizerRemoved?.catch(() => undefined);

    const parsed = this.derived.parse(obj);
    const generation = obj.metadata.generation ?? 0;
    if (!parsed.ok) {
      const latest = (await finalizerRemoved) ?? obj;
      const msg = parsed.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ');
      await this.writeStatus(latest, slicePath, (prev) =>
        buildStatus(prev, { generation, now: new Date(this.now()), degraded: { reason: 'InvalidSpec', message: msg }, ready: false }),
      );
      this.d.events.record(this.target(obj), 'Warning', 'InvalidSpec', msg);
      return {};
    }
    const view = parsed.view;

    const dup = this.derived.duplicateOf(obj, view);
    if (dup) {
      const latest = (await finalizerRemoved) ?? obj;
      const msg = `S-NSSAI ${view.snssaiLabel} in PLMN ${view.plmnId} is already used by NetworkSlice ${dup}; this slice is not provisioned`;
      await this.writeStatus(latest, slicePath, (prev) => buildStatus(prev, { generation, now: new Date(this.now()), degraded: { reason: 'DuplicateSNSSAI', message: msg }, ready: false }));
      this.d.events.record(this.target(obj), 'Warning', 'DuplicateSNSSAI', msg);
      return {};
    }

    // After a restart the last placement comes from status, so a UPF that cannot be re-placed
    // now stays where it runs instead of being dropped or scheduled anywhere.
    const mem = this.memory.get(key) ?? { recommendations: {}, lastSites: obj.status?.placement?.upfSites?.length ? obj.status.placement.upfSites : undefined };
    this.memory.set(key, mem);
    this.d.observer.upsert({
      key,
      query: view.loadQuery,
      defaultQuery: view.defaultLoadQuery,
      snssai: view.snssaiLabel,
      plmnid: view.plmnId,
      horizonSteps: view.scaling.horizonSteps,
      quantile: view.scaling.quantile,
    });
    const load = this.d.observer.get(key);
    const now = this.now();

    // Replicas per CNF.
    const decisions: Record<string, ScalingDecision> = {};
    const replicas: Record<string, number> = {};
    // Replicas in force before this reconcile, read before applying: after the apply the cache
    // may or may not have caught up, and the event must not depend on that race.
    const before: Record<string, number | undefined> = {};
    for (const cnf of view.cnfs) {
      const live = this.d.owned.Deployment.get(`${ns}/${this.childName(view, cnf.name)}`) as { spec?: { replicas?: number } } | undefined;
      const current = live?.spec?.replicas ?? cnf.minReplicas;
      before[cnf.name] = live?.spec?.replicas;
      const history = mem.recommendations[cnf.name] ?? [];
      const dec = decideReplicas(
        {
          mode: view.scaling.mode,
          minReplicas: cnf.minReplicas,
          maxReplicas: cnf.maxReplicas,
          perReplicaCapacity: cnf.sessionsPerReplica,
          headroomPercent: view.scaling.headroomPercent,
          maxStep: view.scaling.maxStep,
          scaleDownStabilizationMs: view.scaling.scaleDownStabilizationMs,
        },
        live ? current : cnf.minReplicas,
        {
          current: load?.current,
          forecastPeak: load?.forecast ? load.forecastPeak : undefined,
          calibration: load?.calibration,
          telemetryDown: !load || load.telemetryError !== undefined || load.current === undefined,
        },
        history,
        now,
      );
      // Stabilization asks whether a value was recommended within the window, so a run of equal
      // recommendations needs only its latest time: one entry per slice in steady state, not one
      // per reconcile of the last 5 minutes (a few hundred bytes per slice at 10,000 slices).
      // New arrays come from concat and slice, which size them exactly: push grows an array to
      // 17 slots or more, and shift keeps them (152 bytes for one entry in a heap snapshot).
      const last = history.at(-1);
      if (last?.replicas === dec.recommended) last.at = now;
      const next = last?.replicas === dec.recommended ? history : history.concat([{ at: now, replicas: dec.recommended }]);
      const cutoff = now - view.scaling.scaleDownStabilizationMs;
      let expired = 0;
      while (expired < next.length && next[expired]!.at < cutoff) expired++;
      mem.recommendations[cnf.name] = expired ? next.slice(expired) : next;
      decisions[cnf.name] = dec;
      replicas[cnf.name] = dec.replicas;
    }

    // UPF placement.
    const upf = view.cnfs.find((c) => c.type === 'upf');
    const upfKey = upf ? `${ns}/${this.childName(view, upf.name)}` : undefined;
    let placement: PlacementDecision | undefined;
    if (upf) {
      const perReplica = { cpu: cpuMillis(upf.resources?.requests?.cpu ?? '0') || 0, mem: parseQuantity(upf.resources?.requests?.memory ?? '0') || 0 };
      const n = replicas[upf.name] ?? upf.minReplicas;
      // Free capacity: what other slices' UPFs take is not available to this one.
      const others = this.derived.usageExcept(upfKey!);
      placement = choosePlacement(withOccupancy(this.derived.sites(), others), {
        allowedSites: view.placement.allowedSites,
        trackingAreas: view.trackingAreas,
        latencyBudgetMs: view.latencyBudgetMs,
        preferEdge: view.serviceType === 'URLLC',
        maxSites: view.placement.maxSites,
        demand: { replicas: n, cpuMillis: perReplica.cpu * n, memoryBytes: perReplica.mem * n },
        onePodPerNode: view.placement.antiAffinity === 'required',
        // Where the UPF runs now: its live (or just applied) Deployment, else the last placement.
        current: this.derived.sitesOf(upfKey!) ?? mem.lastSites,
      });
    }
    const upfSites = placement?.ok ? placement.sites : mem.lastSites;

    // Desired objects, applied only where the cached live object differs. Compared before the
    // first await, where a changed UPF Deployment's share of its sites is also reserved: workers
    // placing other slices meanwhile must see it, or they fill the same free capacity and one UPF
    // has to move again later.
    const changed = desired(view, { replicas, upfSites }).filter((o) => !this.matchesCache(o));
    // Children that do not exist yet: each will come back as an 'add' watch event.
    const allNew = changed.length > 0 && changed.every((o) => !this.cached(o));
    const upfChange = changed.find((o) => o.kind === 'Deployment' && objectKey(o) === upfKey);
    if (upfChange) this.derived.noteApplied(upfKey!, upfChange);
    await this.ensurePriorityClass(view);
    // The children do not depend on each other at the API (a pod waits for its ConfigMap by
    // itself): applied together, a new slice costs one round trip to a busy API server, not three.
    const outcomes = await Promise.allSettled([finalizerRemoved, ...changed.map((o) => this.apply(o, log))]);
    const failed = outcomes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    // The status write goes on from the finalizer patch's answer (if any), the newest version we know.
    const latest = (outcomes[0] as PromiseFulfilledResult<SliceObj | undefined>).value ?? obj;
    const applied = changed.length;

    // Events for decisions and placement changes, saying why.
    const target = this.target(obj);
    if (upf && placement?.ok && JSON.stringify(mem.lastSites) !== JSON.stringify(placement.sites)) {
      const was = mem.lastSites;
      mem.lastSites = placement.sites;
      this.d.events.record(target, 'Normal', was ? 'UPFReplaced' : 'UPFPlaced', placement.message + (was ? ` (was ${was.join(', ')})` : ''));
    }
    for (const cnf of view.cnfs) {
      const dec = decisions[cnf.name]!;
      const from = before[cnf.name];
      if (from !== undefined && from !== dec.replicas) {
        this.d.events.record(target, 'Normal', dec.reason, `${cnf.name}: ${dec.message}`);
        mem.lastDecision = { reason: dec.reason, message: `${cnf.name}: ${dec.message}`, at: metaTime(now), from, to: dec.replicas };
        this.d.metrics?.decision(key, dec.reason);
      }
    }

    // Status.
    const deps = view.cnfs.map((c) => ({ cnf: c, live: this.d.owned.Deployment.get(`${ns}/${this.childName(view, c.name)}`) as { status?: { readyReplicas?: number; updatedReplicas?: number; replicas?: number }; spec?: { replicas?: number } } | undefined }));
    const allReady = deps.every(({ cnf, live }) => (live?.status?.readyReplicas ?? 0) >= (replicas[cnf.name] ?? 0) && (live?.status?.updatedReplicas ?? 0) >= (replicas[cnf.name] ?? 0));
    let degraded: { reason: string; message: string } | undefined;
    if (placement && !placement.ok) degraded = { reason: placement.reason, message: placement.message + (mem.lastSites ? `; UPF kept on ${mem.lastSites.join(', ')}` : '') };
    else if (load?.telemetryError && view.scaling.mode !== 'static') degraded = { reason: 'TelemetryUnavailable', message: `${load.telemetryError}; holding current capacity` };
    else if (!load && view.scaling.mode !== 'static' && this.d.observer.lastError) degraded = { reason: 'TelemetryUnavailable', message: `${this.d.observer.lastError}; holding current capacity` };
    else if (view.scaling.mode === 'predictive' && load?.forecast?.modelFault) {
      degraded = { reason: 'ForecastModelUnavailable', message: `${load.forecast.modelFault}; scaling on ${load.forecast.source} forecasts (${load.forecast.model})` };
    }
    const readiness = deps.map(({ cnf, live }) => ({ cnf: cnf.name, ready: live?.status?.readyReplicas ?? 0 }));
    // A new slice's first status waits for the reconcile that its children's creation brings
    // (their 'add' events are certain): that one reports what this one would, and the children
    // as the API server has them. While the work queue is long, the key waits there until the
    // Deployments are Available, and a new slice gets one status write instead of two (1,000 new
    // slices: 2.00 -> 1.44 to 1.58 status patches per slice in three runs). A problem is reported at once.
    if (!obj.status && allNew && !allReady && !degraded) {
      this.d.metrics?.observe(key, view, load, replicas, readiness, false);
      return {};
    }
    const forecastNote = load?.forecast?.fallbackReason;
    const upfDec = upf ? decisions[upf.name] : undefined;
    await this.writeStatus(latest, slicePath, (prev) =>
      buildStatus(prev, {
        generation,
        now: new Date(now),
        ready: allReady && !degraded,
        degraded,
        progressing: allReady ? undefined : { reason: applied > 0 ? 'Applied' : 'RollingOut', message: 'waiting for CNF replicas to become ready' },
        view,
        replicas: Object.fromEntries(readiness.map(({ cnf, ready }) => [cnf, { desired: replicas[cnf] ?? 0, ready }])),
        upfSites: upfSites ?? [],
        load,
        sameStep: (observedAt) => load?.observedAt !== undefined && this.d.observer.stepOf(Date.parse(observedAt)) === this.d.observer.stepOf(load.observedAt),
        forecastNote,
        lastDecision: mem.lastDecision,
        provisionedCapacity: upf && upfDec ? replicas[upf.name]! * upf.sessionsPerReplica : undefined,
      }),
    );
    this.d.metrics?.observe(key, view, load, replicas, readiness, degraded !== undefined);
    return {};
  }

  private childName(view: SliceView, cnf: string): string {
    return childName(view.name, cnf);
  }

  private target(obj: SliceObj) {
    return { apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'NetworkSlice', name: obj.metadata.name!, namespace: obj.metadata.namespace!, uid: obj.metadata.uid };
  }

  /**
   * The slice's PriorityClass exists as we want it: checked once per class per process. Workers
   * share one check in flight, or the first reconciles of a burst of new slices all apply it.
   */
  private ensurePriorityClass(view: SliceView): Promise<void> {
    const pc = priorityClass(view.serviceType);
    const name = pc.metadata.name;
    let ensured = this.ensuredPriorityClasses.get(name);
    if (!ensured) {
      const path = objectPath('PriorityClass', undefined, name);
      ensured = (async () => {
        try {
          const live = await this.d.client.get(path);
          if (isSubset(pc, live)) return;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        await this.d.client.apply(path, pc, FIELD_MANAGER);
      })();
      this.ensuredPriorityClasses.set(name, ensured);
      // A failed check is not remembered: the next reconcile tries again.
      ensured.catch(() => this.ensuredPriorityClasses.delete(name));
    }
    return ensured;
  }

  private cached(o: KubeObj): KubeObject | undefined {
    return this.d.owned[o.kind as OwnedKind]?.get(objectKey(o));
  }

  /** Whether the cached child is what we would apply now (see cache-trim: owned-field fingerprints). */
  private matchesCache(o: KubeObj): boolean {
    return matchesApplied(o, this.cached(o));
  }

  /** Server-side apply of one object; a Deployment's answer is counted for placement until the cache has it. */
  private async apply(o: KubeObj, log: Logger): Promise<void> {
    const kind = o.kind as Kind;
    log.info(this.cached(o) ? 'correcting drift / updating' : 'creating', { kind, name: o.metadata.name });
    const applied = await this.d.client.apply<KubeObject>(objectPath(kind, o.metadata.namespace, o.metadata.name), o, FIELD_MANAGER);
    if (kind === 'Deployment') this.derived.noteApplied(objectKey(o), applied);
  }

  private async writeStatus(obj: SliceObj, slicePath: string, make: (prev: SliceStatus | undefined) => SliceStatus): Promise<void> {
    const key = objectKey(obj);
    // Until our last status write comes back through the watch, the cache holds an older version
    // of the slice with the status before it; comparing with that wrote the same status again
    // whenever a slice was reconciled twice in quick succession (0.5 extra writes per new slice).
    // As client-go's MutationCache, versions are compared as integers, which is what the API
    // server issues (etcd revisions); anything else falls back to the cache.
    const written = this.statusWritten.get(key);
    const behind = written !== undefined && olderVersion(obj.metadata.resourceVersion, written.resourceVersion);
    if (written && !behind) this.statusWritten.delete(key);
    const prev = behind ? written.status : obj.status;
    const next = make(prev);
    // The API server re-encodes JSON with sorted keys: compare canonically, or every pass writes.
    if (canonicalJson(next) === canonicalJson(prev ?? {})) return;
    try {
      const res = await this.d.client.mergePatch<SliceObj>(`${slicePath}/status`, { status: next });
      this.statusWritten.set(key, { resourceVersion: res.metadata?.resourceVersion, status: next });
    } catch (e) {
      if (isConflict(e) || isNotFound(e)) return; // a newer version brings us back
      throw e;
    }
  }

  private async finalize(key: string, obj: SliceObj, slicePath: string, log: Logger): Promise<void> {
    // The garbage collector deletes the children (owner references); this process's own state
    // for the slice (telemetry history, calibration, metric series) goes now. A finalizer left by
    // an earlier build would otherwise hold the slice forever.
    this.forget(key);
    const idx = obj.metadata.finalizers?.indexOf(LEGACY_FINALIZER) ?? -1;
    if (idx < 0) return;
    try {
      await this.removeLegacyFinalizer(slicePath, idx);
      log.info('legacy finalizer removed; children are garbage-collected');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Removes the finalizer earlier builds added, at `idx`, if it is still there (else 409, and a retry). */
  private removeLegacyFinalizer(slicePath: string, idx: number): Promise<SliceObj> {
    return this.d.client.request<SliceObj>('PATCH', slicePath, {
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: `/metadata/finalizers/${idx}`, value: LEGACY_FINALIZER },
        { op: 'remove', path: `/metadata/finalizers/${idx}` },
      ],
    });
  }

  forget(key: string): void {
    this.memory.delete(key);
    this.statusWritten.delete(key);
    this.d.observer.remove(key);
    this.d.metrics?.forget(key);
  }

  /** Keys of slices that own or select an object (for enqueueing on child and node events). */
  static ownerKey(obj: KubeObject): string | undefined {
    const labels = (obj.metadata as { labels?: Record<string, string> } | undefined)?.labels;
    const slice = labels?.[LABEL_SLICE];
    return slice && obj.metadata?.namespace ? [obj.metadata.namespace, slice].join('/') : undefined; // flat: see objectKey
  }
}
