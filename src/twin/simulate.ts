/**
 * One slice's what-if replay at real-world time scales: the load (history.ts), the operator's
 * capacity decision every telemetry cycle (the controller's decideTarget with its stabilisation
 * and step limits, on the scraped load and the hour's forecast and factor), the KEDA/HPA model's
 * sync every period (hpa-model.ts), and each policy's pods becoming Ready after the start-up
 * delay (pods.ts). Capacity is Ready pods x the load one replica serves; a sample is under
 * capacity when the load exceeds it, and an SLA interval is violated when any of its samples is.
 */
import { decideTarget, scalingLoad, type Recommendation, type ScaleEvent, type ScalingPolicy } from '../controller/scaling.js';
import { remember } from '../controller/slice-memory.js';
import { leadTimeLoad, type HourPath } from '../forecast/lead-time.js';
import { hourly, loadAt, type LoadSeries } from './history.js';
import { hpaSync, metricAt, newHpaState, type HpaConfig } from './hpa-model.js';
import type { HourlyForecasts } from './operator-forecasts.js';
import type { Quantile } from '../telemetry/slice-load.js';
import { Pods, prng, type ReadinessDelay } from './pods.js';

export interface TwinTiming {
  /** Seconds between samples of load and capacity (and the finest step of the replay). */
  sampleSeconds: number;
  /** The operator's telemetry cycle (its --cycle-seconds; 60 s by default). */
  operatorCycleSeconds: number;
  /** Prometheus' scrape interval: both policies read the load as of the last scrape. */
  scrapeIntervalSeconds: number;
  /** Length of an SLA interval. */
  slaIntervalSeconds: number;
  readiness: ReadinessDelay;
  seed: number;
}

export const DEFAULT_TIMING: TwinTiming = {
  sampleSeconds: 15,
  operatorCycleSeconds: 60,
  scrapeIntervalSeconds: 15,
  slaIntervalSeconds: 600,
  readiness: { delaySeconds: 60, jitterSeconds: 30 },
  seed: 1,
};

export interface PolicyResult {
  /** Hours of pods that exist (Ready or starting): what the policy pays for. */
  replicaHours: number;
  readyReplicaHours: number;
  scaleActions: number;
  underSamples: number;
  samples: number;
  violatingIntervals: number;
  intervals: number;
  /** Start offsets (s) of the violating SLA intervals. */
  violating: number[];
}

export interface SliceTrace {
  /** Per SLA interval: the highest load, and each policy's lowest capacity. */
  load: Float32Array;
  operator: Float32Array;
  hpa: Float32Array;
  /** Per SLA interval: each policy's replicas (desired, Ready or not) at its end. */
  operatorReplicas: Uint16Array;
  hpaReplicas: Uint16Array;
}

export interface SliceRun {
  operator: PolicyResult;
  hpa: PolicyResult;
  /** Seconds simulated (from the first simulated hour). */
  seconds: number;
  trace?: SliceTrace;
}

export interface SliceInput {
  series: LoadSeries;
  forecasts: HourlyForecasts;
  /** The quantile the operator provisions at (the slice's spec.scaling.quantile). */
  quantile: Quantile;
  operator: ScalingPolicy;
  hpa: HpaConfig;
  /**
   * The operator's capacity decision: 'hourly-peak' scales on the peak of the hourly forecast
   * over the slice's horizon with its calibration (the operator as it runs today);
   * 'lead-time' on the load forecast for now + leadSeconds (forecast/lead-time.ts).
   */
  decision?: 'hourly-peak' | 'lead-time';
  leadSeconds?: number;
  /** Replay one policy only (a sweep varies one at a time); the other's result stays empty. */
  only?: 'operator' | 'hpa';
  /** Replicas each policy starts with, all Ready (default: what the load at the start needs, within bounds). */
  startReplicas?: { operator: number; hpa: number };
}

const emptyResult = (intervals: number): PolicyResult => ({ replicaHours: 0, readyReplicaHours: 0, scaleActions: 0, underSamples: 0, samples: 0, violatingIntervals: 0, intervals, violating: [] });

/** Replicas the load at the start needs, within bounds: both policies start there, Ready. */
function startReplicas(load: number, perReplica: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.ceil(load / perReplica)));
}

interface PolicySim {
  pods: Pods;
  res: PolicyResult;
  replicas: number;
  intervalUnder: boolean;
  minCap: number;
}

function newSim(replicas: number, timing: TwinTiming, seed: number, intervals: number): PolicySim {
  return { pods: new Pods(timing.readiness, prng(seed), replicas), res: emptyResult(intervals), replicas, intervalUnder: false, minCap: Infinity };
}

function setReplicas(p: PolicySim, n: number, t: number): void {
  if (n === p.replicas) return;
  p.pods.scaleTo(n, t);
  p.replicas = n;
  p.res.scaleActions++;
}

/** Counts one sample of a policy. */
function sample(p: PolicySim, load: number, perReplica: number, t: number, dtHours: number): void {
  const ready = p.pods.readyCount(t);
  const cap = ready * perReplica;
  p.res.samples++;
  p.res.replicaHours += p.replicas * dtHours;
  p.res.readyReplicaHours += ready * dtHours;
  if (load > cap + 1e-9) {
    p.res.underSamples++;
    p.intervalUnder = true;
  }
  if (cap < p.minCap) p.minCap = cap;
}

function closeInterval(p: PolicySim, start: number): number {
  if (p.intervalUnder) {
    p.res.violatingIntervals++;
    p.res.violating.push(start);
  }
  const cap = p.minCap;
  p.intervalUnder = false;
  p.minCap = Infinity;
  return cap;
}

/** Replays one slice through both policies. */
export function simulateSlice(input: SliceInput, timing: TwinTiming = DEFAULT_TIMING, withTrace = false): SliceRun {
  const { series, forecasts: fc, operator: pol, hpa } = input;
  const perReplica = pol.perReplicaCapacity;
  const t0 = fc.firstHour * 3600;
  const hours = fc.hours;
  const qf = fc.q[input.quantile];
  const seconds = hours * 3600;
  const dt = timing.sampleSeconds;
  const perInterval = Math.round(timing.slaIntervalSeconds / dt);
  const intervals = Math.floor(seconds / timing.slaIntervalSeconds);
  const load = (t: number): number => loadAt(series, t0 + t);
  const scrapeEvery = Math.max(1, Math.round(timing.scrapeIntervalSeconds / dt));
  let scrapedLoad = 0;
  const start = input.startReplicas?.operator ?? startReplicas(load(0), perReplica, pol.minReplicas, pol.maxReplicas);
  const op = newSim(start, timing, timing.seed * 2 + 1, intervals);
  const hp = newSim(input.startReplicas?.hpa ?? startReplicas(load(0), perReplica, hpa.minReplicas, hpa.maxReplicas), timing, timing.seed * 2 + 2, intervals);
  const state = newHpaState(hp.replicas);
  let recs: Recommendation[] = [];
  let events: ScaleEvent[] = [];
  let steady: { load: number | undefined; calib: number | undefined; replicas: number; recommended: number } | undefined;
  const trace = withTrace
    ? { load: new Float32Array(intervals), operator: new Float32Array(intervals), hpa: new Float32Array(intervals), operatorReplicas: new Uint16Array(intervals), hpaReplicas: new Uint16Array(intervals) }
    : undefined;
  const syncEvery = Math.max(1, Math.round(hpa.syncPeriodSeconds / dt));
  const cycleEvery = Math.max(1, Math.round(timing.operatorCycleSeconds / dt));
  const dtHours = dt / 3600;
  let maxLoad = 0;
  const steps = intervals * perInterval;
  const runOp = input.only !== 'hpa';
  const leadTime = input.decision === 'lead-time';
  const lead = input.leadSeconds ?? timing.readiness.delaySeconds + timing.readiness.jitterSeconds + timing.operatorCycleSeconds + timing.scrapeIntervalSeconds;
  const p50 = fc.q.p50;
  const hourlyValues = leadTime ? hourly(series) : undefined;
  const pathOf = (h: number): HourPath => ({
    hourStartMs: series.startMs + (t0 + h * 3600) * 1000,
    previous: hourlyValues![fc.firstHour + h - 1]!,
    p50: [p50.next[h]!, p50.second[h]!],
    upper: [qf.next[h]!, qf.second[h]!],
  });
  const runHpa = input.only !== 'operator';
  for (let k = 0; k < steps; k++) {
    const t = k * dt;
    const l = load(t);
    if (k % scrapeEvery === 0) scrapedLoad = l;
    if (runOp && k % cycleEvery === 0) {
      const h = Math.floor(t / 3600);
      const now = series.startMs + (t0 + t) * 1000;
      // As the operator does (controller/capacity-basis.ts): lead time leaves the calibration out.
      const obs = leadTime
        ? { current: scrapedLoad, forecastPeak: leadTimeLoad(scrapedLoad, now, lead, pathOf(h)), calibration: 1, leadSeconds: lead }
        : { current: scrapedLoad, forecastPeak: qf.peak[h], calibration: qf.calib[h] };
      const basis = scalingLoad(pol, obs);
      // A decision that kept the count and recommended it, on the same load, factor and count,
      // decides the same again (step bounds always admit the current count; no scale-down to
      // stabilise): only its recommendation is remembered anew. Exact, and most cycles.
      const same = steady && basis === steady.load && obs.calibration === steady.calib && op.replicas === steady.replicas;
      const d = same ? steady! : decideTarget(pol, op.replicas, obs, recs, now, events);
      steady = d.replicas === op.replicas && d.recommended === op.replicas ? { load: basis, calib: obs.calibration, replicas: d.replicas, recommended: d.recommended } : undefined;
      recs = remember(recs, d.recommended, now, now - pol.scaleDownStabilizationMs);
      if (d.replicas !== op.replicas) {
        events = events.filter((e) => e.at > now - pol.stepPeriodMs).concat([{ at: now, from: op.replicas, to: d.replicas }]);
        setReplicas(op, d.replicas, t);
      }
    }
    if (runHpa && k % syncEvery === 0) setReplicas(hp, hpaSync(hpa, state, t, hpa.useCachedMetrics ? metricAt(hpa, timing.scrapeIntervalSeconds, t, load) : scrapedLoad), t);
    if (runOp) sample(op, l, perReplica, t, dtHours);
    if (runHpa) sample(hp, l, perReplica, t, dtHours);
    if (l > maxLoad) maxLoad = l;
    if ((k + 1) % perInterval === 0) {
      const i = (k + 1) / perInterval - 1;
      const istart = i * timing.slaIntervalSeconds;
      const oc = closeInterval(op, istart);
      const hc = closeInterval(hp, istart);
      if (trace) {
        trace.load[i] = maxLoad;
        trace.operator[i] = oc;
        trace.hpa[i] = hc;
        trace.operatorReplicas[i] = op.replicas;
        trace.hpaReplicas[i] = hp.replicas;
      }
      maxLoad = 0;
    }
  }
  return { operator: op.res, hpa: hp.res, seconds, ...(trace ? { trace } : {}) };
}
