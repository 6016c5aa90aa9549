import type { ObjectCache } from '../runtime/cache.js';
import type { Indexer } from '../runtime/indexer.js';
import { LABEL_SITE } from '../api/well-known-labels.js';
import { objectKey, type KubeObject } from '../runtime/informer.js';
import { isConflict, isNotFound } from '../runtime/errors.js';
import { olderVersion } from '../runtime/resource-version.js';
import type { KubeClient } from '../runtime/kube-client.js';
import type { Logger } from '../runtime/logger.js';
import type { Result } from '../runtime/controller.js';
import { recheckAt } from './recheck.js';
import type { LoadObserver } from '../telemetry/load-observer.js';
import type { SliceMetrics } from './slice-metrics.js';
import type { DecisionMetrics } from './decision-metrics.js';
import type { ReplacementSlots } from './budget.js';
import { priorityClass, type KubeObj } from './desired.js';
import type { EventRecorder } from './events.js';
import { childName, FIELD_MANAGER, LABEL_CNF, LABEL_MANAGED_BY, LABEL_SLICE, LEGACY_FINALIZER, MANAGED_BY } from './names.js';
import { FACTS, type CachedPod, type PodFacts } from './pod-facts.js';
import { objectPath, type Kind } from './resources.js';
import { matchesApplied, type OwnedKind } from './cache-trim.js';
import { DerivedState } from './derived-state.js';
import { withOccupancy } from './sites.js';
import type { ParseResult, SliceView } from './slice-view.js';
import { seedMemory, type SliceMemory } from './slice-memory.js';
import { planOutcome, planSlice, type LiveDeployment, type SliceObservations, type SlicePlan } from './slice-plan.js';
import { buildStatus, type SliceStatus } from './status.js';
import { createProposals, decisionsOf, markDecisions } from './decision-writer.js';
import { explainProposal } from './decision-report.js';
import { canonicalJson, isSubset } from './subset.js';

/** The reads and writes the reconciler makes at the API server (deletes go through request). */
export type ReconcilerClient = Pick<KubeClient, 'get' | 'apply' | 'mergePatch' | 'request'>;

type Owned = KubeObject & { metadata: { uid?: string; labels?: Record<string, string>; ownerReferences?: { uid?: string; kind?: string }[] } };

/** A recheck comes this long after the time it is for: the plan's thresholds are inclusive, timers may round. */
const RECHECK_MARGIN_MS = 100;

/** What the reconciler asks of the telemetry loop. */
export type SliceTelemetry = Pick<LoadObserver, 'upsert' | 'get' | 'remove' | 'stepOf' | 'lastError'>;

export interface ReconcilerDeps {
  client: ReconcilerClient;
  slices: ObjectCache;
  owned: Record<OwnedKind, ObjectCache>;
  nodes: ObjectCache;
  /** The pods of each slice (by `namespace/name`), when pods are watched. */
  pods?: Pick<Indexer, 'get'>;
  /** SliceDecisions (automation mode Approve); without it no slice sees an approval. */
  decisions?: ObjectCache;
  observer: SliceTelemetry;
  events: Pick<EventRecorder, 'record'>;
  parse: (obj: KubeObject) => ParseResult;
  metrics?: Pick<SliceMetrics, 'decision' | 'observe' | 'forget' | 'rejected' | 'anomaly'>;
  decisionMetrics?: Pick<DecisionMetrics, 'observe' | 'forget'>;
  /** The cap of UPF moves at once across slices. */
  replacementSlots?: ReplacementSlots;
  now?: () => number;
}

type SliceObj = KubeObject & { metadata: NonNullable<KubeObject['metadata']> & { generation?: number; deletionTimestamp?: string; finalizers?: string[]; creationTimestamp?: string }; status?: SliceStatus; spec?: Record<string, unknown> };

/**
 * Reconciles one NetworkSlice, as an I/O shell around the pure plan (slice-plan.ts): read the
 * caches and the telemetry, plan, server-side apply only what differs from the cache, then
 * events and status. Level-triggered: it never relies on what changed, only on what is; a no-op
 * pass performs no write.
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
    const slicePath = objectPath('NetworkSlice', obj.metadata.namespace!, obj.metadata.name!);
    if (obj.metadata.deletionTimestamp) {
      await this.finalize(key, obj, slicePath, log);
      return {};
    }
    // No finalizer: the children carry owner references, so the garbage collector deletes them,
    // and what it does not reach is this process's own state for the slice, dropped when the
    // slice leaves the cache (the start of this method). A finalizer would cost a write per slice
    // created and deleted, and would leave slices undeletable while the operator is down or
    // uninstalled. One left by an earlier version is removed in the same round trip as the
    // children. A JSON patch with a test fails cleanly (409) if the list changed meanwhile.
    const legacy = obj.metadata.finalizers?.indexOf(LEGACY_FINALIZER) ?? -1;
    const finalizerRemoved = legacy < 0 ? undefined : this.removeLegacyFinalizer(slicePath, legacy);
    // Awaited on every path below; this only keeps a rejection from counting as unhandled meanwhile.
    finalizerRemoved?.catch(() => undefined);

    const parsed = this.derived.parse(obj);
    if (!parsed.ok) {
      const msg = parsed.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ');
      await this.reject(obj, slicePath, finalizerRemoved, 'InvalidSpec', msg);
      return {};
    }
    const view = parsed.view;
    const dup = this.derived.duplicateOf(obj, view);
    if (dup) {
      const msg = `S-NSSAI ${view.snssaiLabel} in PLMN ${view.plmnId} is already used by NetworkSlice ${dup}; this slice is not provisioned`;
      await this.reject(obj, slicePath, finalizerRemoved, 'DuplicateSNSSAI', msg);
      return {};
    }
    const at = await this.provision(key, obj, view, slicePath, finalizerRemoved, log);
    // Called again when time alone changes the plan (recheck.ts); a later event comes first anyway.
    return at === undefined ? {} : { requeueAfterMs: Math.max(0, at - this.now()) + RECHECK_MARGIN_MS };
  }

  /** A slice that is not provisioned: Degraded with the reason, and a Warning event. */
  private async reject(obj: SliceObj, slicePath: string, finalizerRemoved: Promise<SliceObj> | undefined, reason: string, message: string): Promise<void> {
    const latest = (await finalizerRemoved) ?? obj;
    const generation = obj.metadata.generation ?? 0;
    await this.writeStatus(latest, slicePath, (prev) => buildStatus(prev, { generation, now: new Date(this.now()), degraded: { reason, message }, ready: false }));
    this.d.events.record(this.target(obj), 'Warning', reason, message);
    this.d.metrics?.rejected(objectKey(obj));
  }

  /** What the plan reads: the CNFs' Deployments, the slice's load, the sites left free by other slices. */
  private observe(key: string, view: SliceView, status: SliceStatus | undefined): SliceObservations {
    const ns = view.namespace;
    this.d.observer.upsert({
      key,
      query: view.loadQuery,
      defaultQuery: view.defaultLoadQuery,
      snssai: view.snssaiLabel,
      plmnid: view.plmnId,
      horizonSteps: view.scaling.horizonSteps,
      quantile: view.scaling.quantile,
      leadTime: view.scaling.mode === 'predictive' && view.scaling.capacityBasis === 'LeadTime',
    });
    const upf = view.cnfs.find((c) => c.type === 'upf');
    const upfKey = upf ? `${ns}/${this.childName(view, upf.name)}` : undefined;
    const deployments = Object.fromEntries(view.cnfs.map((c) => [c.name, this.d.owned.Deployment.get(`${ns}/${this.childName(view, c.name)}`) as LiveDeployment | undefined]));
    return {
      now: this.now(),
      deployments,
      load: this.d.observer.get(key),
      telemetryError: this.d.observer.lastError,
      // Free capacity: what other slices' UPFs take is not available to this one.
      sites: upfKey ? withOccupancy(this.derived.sites(), this.derived.usageExcept(upfKey)) : [],
      upfSites: upfKey ? this.derived.sitesOf(upfKey) : undefined,
      stepOf: (ms) => this.d.observer.stepOf(ms),
      degradedBefore: status?.conditions?.find((c) => c.type === 'Degraded' && c.status === 'True')?.reason,
      anomalousBefore: status?.conditions?.find((c) => c.type === 'Anomalous' && c.status === 'True')?.reason,
      ...(this.d.pods ? { pods: this.podsOf(key, view), siteOf: (node: string) => (this.d.nodes.get(node)?.metadata?.labels as Record<string, string> | undefined)?.[LABEL_SITE] } : {}),
      decisions: decisionsOf(this.d.decisions, view),
      ...(this.d.replacementSlots ? { replacementSlot: this.d.replacementSlots.available(key) } : {}),
    };
  }

  /** The facts of each CNF's pods, from the pod index. */
  private podsOf(key: string, view: SliceView): Record<string, PodFacts[]> {
    const out: Record<string, PodFacts[]> = Object.fromEntries(view.cnfs.map((c) => [c.name, []]));
    for (const p of this.d.pods!.get(key) as CachedPod[]) {
      const cnf = p.metadata.labels?.[LABEL_CNF];
      if (cnf !== undefined && out[cnf]) out[cnf]!.push(p[FACTS]);
    }
    return out;
  }

  /**
   * Plans the slice, applies what differs from the cache, then events, memory and status. Returns
   * when time alone changes the plan next, if it does (recheck.ts).
   */
  private async provision(key: string, obj: SliceObj, view: SliceView, slicePath: string, finalizerRemoved: Promise<SliceObj> | undefined, log: Logger): Promise<number | undefined> {
    // After a restart the last placement comes from status, so a UPF that cannot be re-placed
    // now stays where it runs instead of being dropped or scheduled anywhere.
    const mem = this.memory.get(key) ?? seedMemory(obj.status, this.now());
    this.memory.set(key, mem);
    const obs = this.observe(key, view, this.statusWritten.get(key)?.status ?? obj.status);
    const plan = planSlice(view, obs, mem);
    mem.recommendations = plan.recommendations;
    this.countMove(key, obs.upfSites ?? mem.lastSites, plan);

    // Compared before the first await, where a changed UPF Deployment's share of its sites is
    // also reserved: workers placing other slices meanwhile must see it, or they fill the same
    // free capacity and one UPF has to move again later.
    const changed = plan.objects.filter((o) => !this.matchesCache(o));
    const allNew = changed.length > 0 && changed.every((o) => !this.cached(o));
    const upf = view.cnfs.find((c) => c.type === 'upf');
    const upfKey = upf ? `${view.namespace}/${this.childName(view, upf.name)}` : undefined;
    const upfChange = changed.find((o) => o.kind === 'Deployment' && objectKey(o) === upfKey);
    if (upfChange) this.derived.noteApplied(upfKey!, upfChange);
    await this.ensurePriorityClass(view);
    // A proposal exists before the change it holds back could be applied by anyone else.
    const skipped = plan.placement?.ok ? plan.placement.skipped : undefined;
    const proposed = await createProposals(this.d.client, view, plan.approval.proposals, (p) => explainProposal(view, p, plan.approval, plan.decisions, obs.load, skipped), obs.now);
    // The children do not depend on each other at the API (a pod waits for its ConfigMap by
    // itself): applied together, a new slice costs one round trip to a busy API server, not three.
    const outcomes = await Promise.allSettled([finalizerRemoved, ...changed.map((o) => this.apply(o, view, plan, log))]);
    const failed = outcomes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    // The status write goes on from the finalizer patch's answer (if any), the newest version we know.
    const latest = (outcomes[0] as PromiseFulfilledResult<SliceObj | undefined>).value ?? obj;

    const result = planOutcome(view, obs, mem, plan, { applied: changed.length, allNew, hasStatus: obj.status !== undefined });
    const remembered = Object.keys(mem.cnfs ?? {});
    Object.assign(mem, result.memory);
    // What the operator's applies left each CNF's Deployment at: a later change is someone else's.
    for (const [i, o] of changed.entries()) {
      const cnf = o.kind === 'Deployment' ? this.cnfOf(view, o) : undefined;
      const version = (outcomes[i + 1] as PromiseFulfilledResult<KubeObject>).value.metadata?.resourceVersion;
      if (cnf && mem.cnfs?.[cnf] && version) mem.cnfs[cnf]!.appliedVersion = version;
    }
    const target = this.target(obj);
    // Outcomes are recorded once the change they describe is applied.
    await markDecisions(this.d.client, view, plan.approval, obs.now);
    for (const e of result.events) this.d.events.record(target, e.type, e.reason, e.message);
    for (const { proposal: p, explanation } of proposed) {
      this.d.events.record(target, 'Normal', 'DecisionProposed', `${p.cnf}: SliceDecision ${p.name} waits for approval (${p.needsApproval.join('; ')}): ${explanation.text}`);
    }
    await this.prune(view, [...(obj.status?.cnfs ?? []).map((c) => c.name), ...remembered], target, log);
    for (const reason of result.scaled) this.d.metrics?.decision(key, reason);
    this.d.decisionMetrics?.observe(key, view, plan.approval, proposed.length);
    const replicas = plan.replicas;
    if (result.status) {
      const input = { ...result.status, generation: obj.metadata.generation ?? 0 };
      await this.writeStatus(latest, slicePath, (prev) => buildStatus(prev, input));
    }
    this.d.metrics?.observe(key, view, obs.load, replicas, result.readiness, plan.degraded !== undefined);
    this.d.metrics?.anomaly(key, plan.anomalous?.reason);
    return recheckAt({ now: obs.now, ...(obs.pods ? { pods: obs.pods } : {}), health: plan.rollback.health, avoidUntil: plan.avoid.until });
  }

  /**
   * Deletes the Deployment and Service of each CNF the slice had (`known`: from its status and
   * from memory before this reconcile) and its spec no longer has. Only an object that carries
   * the operator's label and this slice's owner reference is deleted, and only that very object
   * (a uid precondition).
   */
  private async prune(view: SliceView, known: string[], target: ReturnType<SliceReconciler['target']>, log: Logger): Promise<void> {
    const keep = new Set(view.cnfs.map((c) => c.name));
    for (const cnf of new Set(known.filter((n) => !keep.has(n)))) {
      for (const kind of ['Deployment', 'Service'] as const) {
        const name = this.childName(view, cnf);
        if (!this.d.owned[kind].get(`${view.namespace}/${name}`)) continue;
        const path = objectPath(kind, view.namespace, name);
        const live = await this.d.client.get<Owned>(path).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
        const ours = live?.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY && live.metadata.ownerReferences?.some((r) => r.uid === view.uid);
        if (!live || !ours) {
          if (live) log.warn('not deleting an object the slice does not own', { kind, name });
          continue;
        }
        await this.d.client.request(`DELETE`, path, { body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: live.metadata.uid }, propagationPolicy: 'Background' } }).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
        log.info('deleted', { kind, name, cnf });
        this.d.events.record(target, 'Normal', 'CNFRemoved', `${kind} ${name} deleted: CNF ${cnf} is no longer in spec.cnfs`);
      }
    }
  }

  /** A UPF that moves takes a slot of the cap of moves at once; one rolled out gives it back. */
  private countMove(key: string, running: string[] | undefined, plan: SlicePlan): void {
    const slots = this.d.replacementSlots;
    if (!slots) return;
    const moves = running?.length && plan.upfSites && JSON.stringify(running) !== JSON.stringify(plan.upfSites);
    if (moves) slots.take(key);
    else if (plan.allReady) slots.release(key);
  }

  private childName(view: SliceView, cnf: string): string {
    return childName(view.name, cnf);
  }

  /** The CNF a child object of the slice belongs to, by its name. */
  private cnfOf(view: SliceView, o: KubeObj): string | undefined {
    return view.cnfs.find((c) => this.childName(view, c.name) === o.metadata.name)?.name;
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

  /**
   * Server-side apply of one object; a Deployment's answer is counted for placement until the
   * cache has it. The log says what changes: a Deployment's replicas, from the cache's count.
   */
  private async apply(o: KubeObj, view: SliceView, plan: SlicePlan, log: Logger): Promise<KubeObject> {
    const kind = o.kind as Kind;
    const cached = this.cached(o) as { spec?: { replicas?: number } } | undefined;
    const fields: Record<string, unknown> = { kind, name: o.metadata.name };
    if (kind === 'Deployment') {
      const to = (o as { spec?: { replicas?: number } }).spec?.replicas;
      fields.replicas = cached ? `${cached.spec?.replicas} -> ${to}` : to;
      const cnf = this.cnfOf(view, o);
      if (cnf && cached?.spec?.replicas !== to) fields.reason = plan.decisions[cnf]!.reason;
    }
    log.info(cached ? 'updating' : 'creating', fields);
    const applied = await this.d.client.apply<KubeObject>(objectPath(kind, o.metadata.namespace, o.metadata.name), o, FIELD_MANAGER);
    if (kind === 'Deployment') this.derived.noteApplied(objectKey(o), applied);
    return applied;
  }

  private async writeStatus(obj: SliceObj, slicePath: string, make: (prev: SliceStatus | undefined) => SliceStatus): Promise<void> {
    const key = objectKey(obj);
    // Until our last status write comes back through the watch, the cache holds an older version
    // of the slice with the status before it; comparing with that would write the same status again
    // whenever a slice is reconciled twice in quick succession.
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
    // an earlier version would otherwise hold the slice forever.
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

  /** Removes the finalizer earlier versions added, at `idx`, if it is still there (else 409, and a retry). */
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
    this.d.decisionMetrics?.forget(key);
    this.d.replacementSlots?.release(key);
  }

  /** Keys of slices that own or select an object (for enqueueing on child and node events). */
  static ownerKey(obj: KubeObject): string | undefined {
    const labels = (obj.metadata as { labels?: Record<string, string> } | undefined)?.labels;
    const slice = labels?.[LABEL_SLICE];
    return slice && obj.metadata?.namespace ? [obj.metadata.namespace, slice].join('/') : undefined; // flat: see objectKey
  }
}
