/**
 * The twin validation's pure half: the rig's parameters (wall seconds, on a time-compressed
 * replay) expressed in the trace time the twin simulates, the twin's run over the rig's window,
 * and the agreement of replica counts sample by sample. validation-rig.ts runs the real thing.
 *
 * In the rig one trace hour lasts `stepSeconds` wall seconds, so every duration of the rig (HPA
 * sync, KEDA polling, scrape, operator cycle, start-up delay, stabilisation windows, behaviour
 * periods) is `3600 / stepSeconds` times longer in trace time: the twin is given exactly those.
 */
import type { ScalingPolicy } from '../../src/controller/scaling.js';
import type { BatchForecaster } from '../../src/forecast/contract.js';
import type { LoadSeries } from '../../src/twin/history.js';
import type { HpaBehavior, HpaConfig } from '../../src/twin/hpa-model.js';
import { simulateSlice, type TwinTiming } from '../../src/twin/simulate.js';
import { prepare } from '../../src/twin/whatif.js';
import type { SliceView } from '../../src/controller/slice-view.js';
import { toSliceView } from '../../src/controller/view-from-api.js';
import type { Trace } from '../replayer/trace.js';

/** What the rig runs with, in wall seconds. */
export interface RigParams {
  /** Wall seconds per trace hour. */
  stepSeconds: number;
  /** Trace hours compared, and trace hours before them for the rig to settle. */
  hours: number;
  settleHours: number;
  /** Prometheus scrape, operator cycle, HPA sync and KEDA polling periods. */
  scrapeSeconds: number;
  cycleSeconds: number;
  hpaSyncSeconds: number;
  pollingSeconds: number;
  /** CNF start-up delay (kwok Stages): uniform in [delay, delay + jitter]. */
  readiness: { delaySeconds: number; jitterSeconds: number };
  /** The ScaledObject's threshold is perReplica x targetUtilization; its HPA behaviour. */
  targetUtilization: number;
  hpaBehavior: Required<HpaBehavior>;
}

/**
 * The rig's settings at `stepSeconds` wall seconds per trace hour: every period at its shortest
 * (1 s: scrape, operator cycle, HPA sync, KEDA polling), CNF start-up 2-3 s, target utilisation
 * 0.8, and the HPA's default behaviour with its 15 s periods at 1 s and a scale-down window of a
 * third of a trace hour (the operator's slice gets the same window).
 */
export function rigParams(stepSeconds: number, hours: number): RigParams {
  return {
    stepSeconds,
    hours,
    settleHours: 1,
    scrapeSeconds: 1,
    cycleSeconds: 1,
    hpaSyncSeconds: 1,
    pollingSeconds: 1,
    readiness: { delaySeconds: 2, jitterSeconds: 1 },
    targetUtilization: 0.8,
    hpaBehavior: {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 1 }, { type: 'Percent', value: 100, periodSeconds: 1 }] },
      scaleDown: { stabilizationWindowSeconds: Math.round(stepSeconds / 3), selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 1 }] },
    },
  };
}

/** A NetworkSlice manifest as read from YAML. */
export type SliceManifest = { metadata: { name: string; namespace?: string }; spec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A slice as a rig runs it at `p`'s time scale: the lead-time decision, every CNF's
 * startupSeconds the rig's start-up delay, and windows in wall seconds of the compressed clock
 * (a scale-down window of a third of a trace hour, step limits per wall second); `scaling`
 * sets further fields of spec.scaling. Returns a new manifest and its parsed view.
 */
export function onRigClock(m: SliceManifest, p: RigParams, scaling: Record<string, unknown> = {}): { manifest: SliceManifest; view: SliceView } {
  const manifest = structuredClone(m);
  manifest.spec.scaling = { ...manifest.spec.scaling, mode: 'predictive', capacityBasis: 'LeadTime', scaleDownStabilizationSeconds: Math.round(p.stepSeconds / 3), stepPeriodSeconds: 1, ...scaling };
  for (const c of manifest.spec.cnfs as { startupSeconds?: number }[]) c.startupSeconds = Math.ceil(p.readiness.delaySeconds + p.readiness.jitterSeconds);
  const r = toSliceView({ ...manifest, metadata: { ...manifest.metadata, uid: 'rig', generation: 1 } } as never);
  if (!r.ok) throw new Error(`slice ${manifest.metadata.name} as the rig runs it is invalid: ${JSON.stringify(r.issues)}`);
  return { manifest, view: r.view };
}

/** One sample of the rig: wall time and both Deployments' spec.replicas. */
export interface RigSample {
  wallMs: number;
  /** Trace step (fractional hour index) at wallMs. */
  step: number;
  load: number;
  operator: number;
  hpa: number;
  /** The HPA's current metric value as its status shows it (a quantity string), when it has one. */
  hpaMetric?: string;
}

export interface Agreement {
  samples: number;
  /** Share of samples where the twin is within one replica of the rig, per policy. */
  operatorWithinOne: number;
  hpaWithinOne: number;
  /** Share of samples with exactly the rig's count. */
  operatorExact: number;
  hpaExact: number;
  /** Largest difference seen. */
  operatorMaxDiff: number;
  hpaMaxDiff: number;
}

/** Trace seconds per wall second. */
export const factorOf = (p: Pick<RigParams, 'stepSeconds'>): number => 3600 / p.stepSeconds;

/** The twin's timing for the rig: every period in trace seconds; one SLA interval per wall second (one rig sample). */
export function twinTiming(p: RigParams): TwinTiming {
  const f = factorOf(p);
  return {
    sampleSeconds: f / 4,
    operatorCycleSeconds: p.cycleSeconds * f,
    scrapeIntervalSeconds: p.scrapeSeconds * f,
    slaIntervalSeconds: f,
    readiness: { delaySeconds: p.readiness.delaySeconds * f, jitterSeconds: p.readiness.jitterSeconds * f },
    seed: 1,
  };
}

/** A behaviour's windows and periods in trace seconds. */
function scaleBehavior(b: Required<HpaBehavior>, f: number): Required<HpaBehavior> {
  const rules = (r: HpaBehavior['scaleUp']) => ({
    ...r,
    ...(r?.stabilizationWindowSeconds !== undefined ? { stabilizationWindowSeconds: r.stabilizationWindowSeconds * f } : {}),
    ...(r?.policies ? { policies: r.policies.map((x) => ({ ...x, periodSeconds: x.periodSeconds * f })) } : {}),
  });
  return { scaleUp: rules(b.scaleUp), scaleDown: rules(b.scaleDown) };
}

/** The HPA the ScaledObject makes, in trace seconds. */
export function twinHpa(p: RigParams, perReplica: number, minReplicas: number, maxReplicas: number): HpaConfig {
  const f = factorOf(p);
  return {
    minReplicas: Math.max(1, minReplicas),
    maxReplicas,
    targetAverageValue: perReplica * p.targetUtilization,
    tolerance: 0.1,
    syncPeriodSeconds: p.hpaSyncSeconds * f,
    // The behaviour gives the scale-down window; the controller flag's default is then unused.
    downscaleStabilizationSeconds: (p.hpaBehavior.scaleDown.stabilizationWindowSeconds ?? 300) * f,
    behavior: scaleBehavior(p.hpaBehavior, f),
    pollingIntervalSeconds: p.pollingSeconds * f,
    useCachedMetrics: false,
  };
}

/** The operator's policy for the slice's scaled CNF, its windows in trace seconds. */
export function twinOperator(p: RigParams, policy: ScalingPolicy): ScalingPolicy {
  const f = factorOf(p);
  return { ...policy, stepPeriodMs: policy.stepPeriodMs * f, scaleDownStabilizationMs: policy.scaleDownStabilizationMs * f };
}

const HOUR_S = 3600;
/** Resolution of the twin's copy of the trace, trace seconds (divides an hour). */
const SERIES_STEP_S = 60;

/**
 * The trace as the twin's load series, from `fromStep` (a whole trace hour) for `hours`: sampled
 * at the middle of each minute, so that the twin's linear interpolation between samples follows
 * the replayer's own linear interpolation between hours.
 */
export function seriesOf(trace: Trace, fromStep: number, hours: number, startMs: number): LoadSeries {
  const per = HOUR_S / SERIES_STEP_S;
  const values = new Float64Array(hours * per);
  for (let j = 0; j < values.length; j++) values[j] = Math.round(trace.at(fromStep + (j + 0.5) / per));
  return { startMs, stepSeconds: SERIES_STEP_S, values };
}

/**
 * The twin over the rig's compared window: the forecasts it replays are the operator's model's
 * on the trace's history (168 h window and 48 h of calibration warm-up before the window), both
 * policies start with the replicas the rig had at the window's start, and it returns each
 * policy's replicas per wall second of the window.
 */
export async function runTwin(
  forecaster: BatchForecaster,
  p: RigParams,
  o: { view: SliceView; policy: ScalingPolicy; leadSeconds: number; trace: Trace; compareStep: number; startMs: number; start: { operator: number; hpa: number }; perReplica: number },
): Promise<{ operator: Uint16Array; hpa: Uint16Array }> {
  const L = forecaster.historyLength ?? 168;
  const warmup = 48;
  const from = o.compareStep - L - warmup;
  const series = seriesOf(o.trace, from, L + warmup + p.hours + 1, o.startMs);
  const [prepared] = await prepare(forecaster, [{ name: o.view.name, view: o.view, series }], warmup, true);
  const forecasts = { ...prepared!.forecasts, hours: p.hours };
  const f = factorOf(p);
  const run = simulateSlice(
    {
      series,
      forecasts,
      quantile: o.view.scaling.quantile,
      operator: twinOperator(p, o.policy),
      hpa: twinHpa(p, o.perReplica, o.policy.minReplicas, o.policy.maxReplicas),
      decision: 'lead-time',
      leadSeconds: o.leadSeconds * f,
      startReplicas: o.start,
    },
    twinTiming(p),
    true,
  );
  return { operator: run.trace!.operatorReplicas, hpa: run.trace!.hpaReplicas };
}

/**
 * Agreement of the twin with the rig: each rig sample taken `x` wall seconds into the window is
 * compared with the twin's replicas at the last whole second before it (the twin's per-second
 * values are those at the end of each second).
 */
export function agreement(samples: RigSample[], windowStartMs: number, twin: { operator: ArrayLike<number>; hpa: ArrayLike<number> }): Agreement {
  let n = 0;
  const acc = { opOne: 0, hpaOne: 0, opExact: 0, hpaExact: 0, opMax: 0, hpaMax: 0 };
  for (const s of samples) {
    const i = Math.floor((s.wallMs - windowStartMs) / 1000) - 1;
    if (i < 0 || i >= twin.operator.length || i >= twin.hpa.length) continue;
    n++;
    const dOp = Math.abs(s.operator - twin.operator[i]!);
    const dHpa = Math.abs(s.hpa - twin.hpa[i]!);
    if (dOp <= 1) acc.opOne++;
    if (dHpa <= 1) acc.hpaOne++;
    if (dOp === 0) acc.opExact++;
    if (dHpa === 0) acc.hpaExact++;
    acc.opMax = Math.max(acc.opMax, dOp);
    acc.hpaMax = Math.max(acc.hpaMax, dHpa);
  }
  const share = (k: number) => (n ? k / n : 0);
  return { samples: n, operatorWithinOne: share(acc.opOne), hpaWithinOne: share(acc.hpaOne), operatorExact: share(acc.opExact), hpaExact: share(acc.hpaExact), operatorMaxDiff: acc.opMax, hpaMaxDiff: acc.hpaMax };
}
