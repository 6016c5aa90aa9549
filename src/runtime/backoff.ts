/** Exponential backoff with full jitter, capped: base * 2^attempt, at most max. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, jitter = true): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 40));
  return jitter ? exp / 2 + Math.random() * (exp / 2) : exp;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
