import type { ObjectCache } from './cache.js';
import { objectKey, type KubeObject } from './informer.js';

/**
 * A secondary index over an informer's cache, as client-go's Indexer (controller-runtime's
 * IndexField): objects grouped by a key computed from each, kept current by the informer's
 * events. Readers ask for one group (the pods of one slice) instead of scanning the whole cache.
 */
export class Indexer<T extends KubeObject = KubeObject> {
  private readonly groups = new Map<string, Map<string, T>>();

  constructor(cache: ObjectCache<T>, private readonly keyOf: (obj: T) => string | undefined) {
    for (const o of cache.list()) this.put(o);
    cache.on((ev, obj, old) => {
      if (old) this.remove(old);
      if (ev !== 'delete') this.put(obj);
      else this.remove(obj);
    });
  }

  /** The objects whose index key is `key` (empty when none). */
  get(key: string): T[] {
    const g = this.groups.get(key);
    return g ? [...g.values()] : [];
  }

  /** How many groups the index holds (for tests and metrics). */
  get size(): number {
    return this.groups.size;
  }

  private put(obj: T): void {
    const k = this.keyOf(obj);
    if (k === undefined) return;
    let g = this.groups.get(k);
    if (!g) this.groups.set(k, (g = new Map()));
    g.set(objectKey(obj), obj);
  }

  private remove(obj: T): void {
    const k = this.keyOf(obj);
    const g = k === undefined ? undefined : this.groups.get(k);
    if (!g) return;
    g.delete(objectKey(obj));
    if (g.size === 0) this.groups.delete(k!);
  }
}
