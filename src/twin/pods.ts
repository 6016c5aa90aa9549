/**
 * The pods of one Deployment as a replica policy changes its count: a new pod becomes Ready a
 * start-up delay after it is created (a UPF pulls its image, starts and associates with the SMF
 * over PFCP), drawn uniformly from [delay, delay + jitter] as kwok's Stage delay draws it; a
 * scale-down deletes pods that are not Ready first, then the newest (the ReplicaSet
 * controller's ranking in getPodsToDelete). Deterministic: the jitter comes from a seeded PRNG.
 */

export interface ReadinessDelay {
  delaySeconds: number;
  jitterSeconds: number;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Pods {
  /** Ready times of the pods that exist, ascending. */
  private readyAt: number[] = [];
  /** Pods Ready at the last `readyAt(t)` call: the first `ready` entries. */
  private ready = 0;

  constructor(
    private readonly delay: ReadinessDelay,
    private readonly random: () => number,
    initial = 0,
    at = -Infinity,
  ) {
    for (let i = 0; i < initial; i++) this.readyAt.push(at);
    this.ready = initial;
  }

  get count(): number {
    return this.readyAt.length;
  }

  /** Sets the pod count at time t (seconds). */
  scaleTo(n: number, t: number): void {
    const a = this.readyAt;
    while (a.length > n) a.pop();
    if (this.ready > a.length) this.ready = a.length;
    while (a.length < n) {
      const r = t + this.delay.delaySeconds + this.random() * this.delay.jitterSeconds;
      let i = a.length;
      a.push(r);
      while (i > 0 && a[i - 1]! > r) {
        a[i] = a[i - 1]!;
        i--;
      }
      a[i] = r;
    }
  }

  /** Pods Ready at time t; t never goes back between calls. */
  readyCount(t: number): number {
    const a = this.readyAt;
    while (this.ready < a.length && a[this.ready]! <= t) this.ready++;
    return this.ready;
  }
}
