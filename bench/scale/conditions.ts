import { Informer, objectKey, type KubeClient } from '../../src/index.js';

/** What the bench reads of an object: its name, creation time and status conditions. */
export interface Conditioned {
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  status?: { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
}

export const trueCondition = (o: Pick<Conditioned, 'status'>, type: string) =>
  o.status?.conditions?.find((x) => x.type === type && x.status === 'True');

/** When the condition last became True, ms since the epoch (whole seconds); undefined if it is not. */
export const conditionTime = (o: Conditioned, type: string): number | undefined => {
  const c = trueCondition(o, type);
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
};

export interface ConditionWatcher {
  /** Resolves once `n` objects have the condition True; rejects after `timeoutMs`. */
  until(n: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Counts the objects of a collection whose condition `type` is True, from a watch (the product's
 * informer), so the benchmark neither polls the busy API server with full lists nor rounds the
 * time up to a poll interval.
 */
export async function conditionWatcher(client: KubeClient, path: string, type: string): Promise<ConditionWatcher> {
  const informer = new Informer(client, { path });
  const ready = new Set<string>();
  let wake = (): void => undefined;
  informer.on((ev, obj) => {
    if (ev !== 'delete' && trueCondition(obj as Pick<Conditioned, 'status'>, type)) ready.add(objectKey(obj));
    else ready.delete(objectKey(obj));
    wake();
  });
  informer.start();
  await informer.waitForSync(60_000);
  return {
    async until(n, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (ready.size < n) {
        if (Date.now() > deadline) throw new Error(`only ${ready.size} of ${n} in ${path} ${type} after ${timeoutMs / 1000} s`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 1000);
        });
      }
    },
    stop: () => informer.stop(),
  };
}
