/** A load trace in "steps" (one step = one hour of the real trace), sampled at fractional steps. */
export interface Trace {
  /** Value at a fractional step index (linear interpolation; clamps at the ends). */
  at(step: number): number;
  readonly length: number;
}

export function hourlyTrace(values: number[], scale = 1): Trace {
  const v = values.map((x) => (Number.isFinite(x) ? x * scale : NaN));
  // Fill gaps with the previous value so a replay never exports NaN.
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) v[i] = i > 0 ? v[i - 1]! : 0;
  return {
    length: v.length,
    at(step: number): number {
      if (v.length === 0) return 0;
      const s = Math.min(Math.max(step, 0), v.length - 1);
      const i = Math.floor(s);
      const f = s - i;
      return i + 1 < v.length ? v[i]! * (1 - f) + v[i + 1]! * f : v[i]!;
    },
  };
}

/** Synthetic ramp: `base` until `startStep`, linear to `peak` over `rampSteps`, then `peak`. */
export function rampTrace(base: number, peak: number, startStep: number, rampSteps: number, length = 10_000): Trace {
  return {
    length,
    at(step: number): number {
      if (step <= startStep) return base;
      if (step >= startStep + rampSteps) return peak;
      return base + ((peak - base) * (step - startStep)) / rampSteps;
    },
  };
}
