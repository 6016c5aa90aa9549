import type { ObjectCache } from '../runtime/cache.js';
import { objectKey, type KubeObject } from '../runtime/informer.js';
import { placementChanged, specOrMetaChanged } from './predicates.js';
import type { ParseResult } from './slice-view.js';
import { placementOfCached } from './cache-trim.js';
import { addUsage, discoverSites, usageOfPlacement, type NodeLike, type Site, type Usage } from './sites.js';
import type { SliceView } from './slice-view.js';

const APPLIED_TTL_MS = 30_000;
/** Parsed slices kept (the most recently used): about 1.3 KB each, 1.3 MB at most. */
export const PARSED_MAX = 1024;

type SliceMeta = { namespace?: string; name?: string; creationTimestamp?: string; deletionTimestamp?: string; uid?: string };

/** PLMN and S-NSSAI of a slice, one flat string (join: see objectKey). */
const snssaiId = (v: Pick<SliceView, 'plmnId' | 'sst' | 'sd'>): string => [v.plmnId, v.sst, v.sd ?? ''].join('/');
/** Sorts slices oldest first (name as tie-break): the oldest holder of an S-NSSAI keeps it. */
const creationOrder = (md: SliceMeta): string => `${md.creationTimestamp ?? ''}/${md.namespace}/${md.name}`;

/**
 * What every reconcile needs to know about the cluster and the other slices — the sites, their
 * parsed specs, what their UPFs take of each site, who holds which S-NSSAI — derived from the
 * informer caches and kept up to date per informer event, so a reconcile costs O(1) in the
 * number of slices rather than a scan of the caches (O(N^2) over all slices).
 */
export class DerivedState {
  private siteUsage?: Map<string, Usage>;
  private usageUpdates = 0;
  /**
   * Deployments we are applying or have applied whose watch event has not arrived yet, with what
   * they take. Concurrent workers place UPFs against a cache that lags their own writes: without
   * these they would over-fill a site and move UPFs out again a few seconds later.
   */
  private readonly applied = new Map<string, { resourceVersion?: string; usage: Map<string, Usage>; sites?: string[]; at: number }>();
  /**
   * S-NSSAI id -> keys of the slices holding it, and each slice's id. Built on first use. Almost
   * every id has one holder: a small array each, not a Map (a Map is about 350 bytes). Creation
   * order is read from the slice cache when asked, not kept here (about 1 MB at 10,000 slices).
   */
  private readonly snssaiIndex = new Map<string, string[]>();
  private readonly snssaiOfKey = new Map<string, string>();
  private snssaiIndexed = false;
  private siteList?: Site[];
  /** The last parse of recently reconciled slices, by key, with the resourceVersion it is of. */
  private readonly parsed = new Map<string, { resourceVersion: string; result: ParseResult }>();

  constructor(
    private readonly slices: ObjectCache,
    private readonly deployments: ObjectCache,
    private readonly nodes: ObjectCache,
    private readonly parseSlice: (obj: KubeObject) => ParseResult,
  ) {
    nodes.on((ev, obj, old) => {
      if (placementChanged(ev, obj, old)) this.siteList = undefined;
    });
    // Kept up to date in place: a rollout rewrites each Deployment's status several times, and
    // re-summing all of them after each one would be O(N) per reconcile.
    // Shares are fractions (replicas over sites), so the running sum is rebuilt from scratch now
    // and then before rounding error could add up.
    deployments.on((ev, obj, old) => {
      if (ev === 'resync') return;
      const key = objectKey(obj);
      const pending = this.applied.get(key);
      if (pending && (ev === 'delete' || pending.resourceVersion === obj.metadata?.resourceVersion)) this.applied.delete(key);
      if (!this.siteUsage) return;
      if (++this.usageUpdates > 10_000) {
        this.siteUsage = undefined;
        return;
      }
      if (old) addUsage(this.siteUsage, this.usageOf(old), -1);
      if (ev !== 'delete') addUsage(this.siteUsage, this.usageOf(obj));
    });
    // Kept up to date per slice event too: rebuilding it over every slice after each new one was
    // O(N^2) parsing and garbage while many slices are created.
    slices.on((ev, obj, old) => {
      if (ev === 'delete') this.parsed.delete(objectKey(obj));
      if (!this.snssaiIndexed || ev === 'resync' || !specOrMetaChanged(ev, obj, old)) return;
      if (ev === 'delete') this.unindexSlice(objectKey(obj));
      else this.indexSlice(obj);
    });
  }

  /** Sites from node labels and readiness (callers get a fresh copy of the list, not of sites). */
  sites(): Site[] {
    this.siteList ??= discoverSites(this.nodes.list() as NodeLike[]);
    return [...this.siteList];
  }

  /**
   * The slice's view, or its issues. A new slice is parsed four to five times in its first
   * minute (its own event, then one reconcile per batch of its children's events), each time from
   * the same cached object, and parsing is a large share of the CPU while slices are created. So the
   * last parse of the most recently used slices is kept and reused while the slice's
   * resourceVersion is the same (the API server changes it with every write, and the object in
   * the cache with it). Only a few: a parsed view is about 1.3 KB, 13 MB if kept for all of
   * 10,000 slices, whose 60 s cycle reconciles each once (no reuse to gain there). The view is
   * shared between callers, who only read it.
   */
  parse(obj: KubeObject): ParseResult {
    const key = objectKey(obj);
    const resourceVersion = obj.metadata?.resourceVersion;
    const last = this.parsed.get(key);
    this.parsed.delete(key); // re-inserted last: a Map iterates in insertion order, oldest first
    if (last && resourceVersion !== undefined && last.resourceVersion === resourceVersion) {
      this.parsed.set(key, last);
      return last.result;
    }
    const result = this.parseSlice(obj);
    if (resourceVersion === undefined) return result;
    this.parsed.set(key, { resourceVersion, result });
    if (this.parsed.size > PARSED_MAX) this.parsed.delete(this.parsed.keys().next().value!);
    return result;
  }

  /**
   * Worked out when asked, from the cache's placement summary (no quantity parsing), not kept:
   * keeping one would cost a Map per Deployment. Also reads a whole Deployment (an apply's answer).
   */
  private usageOf(dep: KubeObject): Map<string, Usage> {
    return usageOfPlacement(placementOfCached(dep), (dep.spec as { replicas?: number } | undefined)?.replicas ?? 0);
  }

  /** Sites a Deployment is pinned to: the one we applied last if the cache has not caught up. */
  sitesOf(key: string): string[] | undefined {
    const a = this.applied.get(key);
    if (a && Date.now() - a.at <= APPLIED_TTL_MS) return a.sites;
    const d = this.deployments.get(key);
    return d ? placementOfCached(d).sites : undefined;
  }

  /**
   * Records a Deployment we are about to apply (no resourceVersion yet) or just applied (the
   * server's answer), counted until the cache has that version.
   */
  noteApplied(key: string, obj: KubeObject): void {
    this.applied.set(key, { resourceVersion: obj.metadata?.resourceVersion, usage: this.usageOf(obj), sites: placementOfCached(obj).sites, at: Date.now() });
  }

  /** Per-site usage of every owned Deployment but the one with this key (the slice's own UPF). */
  usageExcept(deploymentKey: string): Map<string, Usage> {
    if (!this.siteUsage) {
      this.usageUpdates = 0;
      const total = new Map<string, Usage>();
      for (const dep of this.deployments.list()) addUsage(total, this.usageOf(dep));
      this.siteUsage = total;
    }
    const own = this.deployments.get(deploymentKey);
    if (!own && !this.applied.size) return this.siteUsage;
    const out = new Map(this.siteUsage);
    if (own) addUsage(out, this.usageOf(own), -1);
    for (const [key, a] of this.applied) {
      // A watch event we never matched (a re-list after 410 skips versions) must not pin it forever.
      if (Date.now() - a.at > APPLIED_TTL_MS) {
        this.applied.delete(key);
        continue;
      }
      if (key === deploymentKey) continue;
      const cached = this.deployments.get(key);
      if (cached) addUsage(out, this.usageOf(cached), -1);
      addUsage(out, a.usage);
    }
    return out;
  }

  /** (Re)indexes a slice: its previous entry goes first, so each slice has at most one. */
  private indexSlice(obj: KubeObject): void {
    this.unindexSlice(objectKey(obj));
    const md = obj.metadata as SliceMeta | undefined;
    if (!md || md.deletionTimestamp) return;
    const p = this.parse(obj);
    if (!p.ok) return;
    const id = snssaiId(p.view);
    const key = objectKey(obj);
    let holders = this.snssaiIndex.get(id);
    if (!holders) this.snssaiIndex.set(id, (holders = []));
    holders.push(key);
    this.snssaiOfKey.set(key, id);
  }

  private unindexSlice(key: string): void {
    const id = this.snssaiOfKey.get(key);
    if (id === undefined) return;
    const holders = this.snssaiIndex.get(id)?.filter((h) => h !== key);
    if (holders?.length) this.snssaiIndex.set(id, holders);
    else this.snssaiIndex.delete(id);
    this.snssaiOfKey.delete(key);
  }

  /** The oldest slice with the same PLMN and S-NSSAI keeps it; a later one gets its key back. */
  duplicateOf(obj: KubeObject, view: SliceView): string | undefined {
    if (!this.snssaiIndexed) {
      for (const other of this.slices.list()) this.indexSlice(other);
      this.snssaiIndexed = true;
    }
    const me = creationOrder(obj.metadata as SliceMeta);
    let first: { key: string; order: string } | undefined;
    for (const key of this.snssaiIndex.get(snssaiId(view)) ?? []) {
      const holder = this.slices.get(key);
      if (!holder) continue;
      const order = creationOrder(holder.metadata as SliceMeta);
      if (!first || order < first.order) first = { key, order };
    }
    return first && first.order < me ? first.key : undefined;
  }
}
