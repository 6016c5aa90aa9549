import { Informer, type Handler, type InformerOptions, type KubeObject } from './informer.js';
import type { KubeClient } from './kube-client.js';
import type { Logger } from './logger.js';

/**
 * One cache over a namespaced resource in a fixed list of namespaces (the operator's
 * --watch-namespaces): an Informer per namespace, seen as one. It is an Informer, so everything
 * that takes one takes it; its own list+watch loop never runs. Keys are `namespace/name`, so a
 * key tells which namespace's cache holds it.
 *
 * `pathFor(namespace)` is the collection path in that namespace.
 */
export class NamespacedInformers<T extends KubeObject = KubeObject> extends Informer<T> {
  private readonly parts: Map<string, Informer<T>>;

  constructor(client: KubeClient, opts: Omit<InformerOptions, 'path'>, namespaces: readonly string[], pathFor: (namespace: string) => string, log?: Logger) {
    super(client, { ...opts, path: namespaces.map(pathFor).join(',') }, log);
    this.parts = new Map(namespaces.map((ns) => [ns, new Informer<T>(client, { ...opts, path: pathFor(ns) }, log?.child({ namespace: ns }))]));
  }

  override on(h: Handler<T>): this {
    for (const p of this.parts.values()) p.on(h);
    return this;
  }

  override get hasSynced(): boolean {
    return [...this.parts.values()].every((p) => p.hasSynced);
  }

  override list(): T[] {
    return [...this.parts.values()].flatMap((p) => p.list());
  }

  override get(key: string): T | undefined {
    return this.parts.get(key.split('/')[0]!)?.get(key);
  }

  override start(): void {
    for (const p of this.parts.values()) p.start();
  }

  override async stop(): Promise<void> {
    await Promise.all([...this.parts.values()].map((p) => p.stop()));
  }

  override async waitForSync(timeoutMs = 30_000): Promise<void> {
    await Promise.all([...this.parts.values()].map((p) => p.waitForSync(timeoutMs)));
  }
}
