import { Counter, Gauge, type Registry } from 'prom-client';
import type { SliceView } from '../controller/slice-view.js';
import type { SliceLoad } from './load-observer.js';

type SliceLabels = { namespace: string; slice: string };
/** Plain objects, made on first use: two Maps per slice cost more than the labels they held. */
interface SeriesLabels {
  slice: SliceLabels;
  cnf?: Record<string, SliceLabels & { cnf: string }>;
  quantile?: Record<string, SliceLabels & { quantile: string }>;
}

/**
 * Per-slice metrics of the operator. Cardinality is bounded by design: one series per slice per
 * metric (labels namespace, slice; plus quantile x3 or cnf for a few), removed when the slice
 * is deleted (forget), and decisions by a closed set of reasons. 10,000 slices ~ 150k series.
 */
export class SliceMetrics {
  private readonly observed: Gauge<'namespace' | 'slice'>;
  private readonly forecast: Gauge<'namespace' | 'slice' | 'quantile'>;
  private readonly capacity: Gauge<'namespace' | 'slice'>;
  private readonly desiredReplicas: Gauge<'namespace' | 'slice' | 'cnf'>;
  private readonly readyReplicas: Gauge<'namespace' | 'slice' | 'cnf'>;
  private readonly forecastError: Gauge<'namespace' | 'slice'>;
  private readonly coverage: Gauge<'namespace' | 'slice'>;
  private readonly calibration: Gauge<'namespace' | 'slice'>;
  private readonly degraded: Gauge<'namespace' | 'slice'>;
  private readonly decisions: Counter<'reason'>;
  /**
   * The label objects of each slice's series, made once. prom-client keeps the labels object it
   * was last given for a series: fresh objects on every observation held 10,000 slices' worth of
   * copies. They also list the CNFs and quantiles whose series exist, for forget().
   */
  private readonly seriesLabels = new Map<string, SeriesLabels>();
  private readonly lastForecast = new Map<string, number>();

  constructor(registry: Registry) {
    const registers = [registry];
    const sl = ['namespace', 'slice'] as const;
    this.observed = new Gauge({ name: 'slice_operator_observed_load', help: 'Observed slice load (PDU sessions)', labelNames: sl, registers });
    this.forecast = new Gauge({ name: 'slice_operator_forecast', help: 'Forecast slice load for the next step, by quantile', labelNames: [...sl, 'quantile'], registers });
    this.capacity = new Gauge({ name: 'slice_operator_provisioned_capacity', help: 'Capacity provisioned for the slice UPF (sessions)', labelNames: sl, registers });
    this.desiredReplicas = new Gauge({ name: 'slice_operator_desired_replicas', help: 'Replicas the operator wants per CNF', labelNames: [...sl, 'cnf'], registers });
    this.readyReplicas = new Gauge({ name: 'slice_operator_ready_replicas', help: 'Ready replicas per CNF', labelNames: [...sl, 'cnf'], registers });
    this.forecastError = new Gauge({ name: 'slice_operator_forecast_error', help: 'Last one-step forecast error (actual - forecast p50)', labelNames: sl, registers });
    this.coverage = new Gauge({ name: 'slice_operator_forecast_coverage', help: 'Share of intervals the provisioned quantile covered the actual load', labelNames: sl, registers });
    this.calibration = new Gauge({ name: 'slice_operator_calibration_factor', help: 'Multiplicative headroom from online calibration', labelNames: sl, registers });
    this.degraded = new Gauge({ name: 'slice_operator_slice_degraded', help: '1 when the slice has Degraded=True', labelNames: sl, registers });
    this.decisions = new Counter({ name: 'slice_operator_scaling_decisions_total', help: 'Scaling decisions that changed replicas, by reason', labelNames: ['reason'], registers });
  }

  private labelsOf(key: string): SeriesLabels {
    let labels = this.seriesLabels.get(key);
    if (!labels) {
      const [namespace = '', slice = ''] = key.split('/');
      labels = { slice: { namespace, slice } };
      this.seriesLabels.set(key, labels);
    }
    return labels;
  }

  /** The slice's labels plus one more (cnf or quantile), one object per value. */
  private labelsWith<N extends 'cnf' | 'quantile'>(key: string, name: N, value: string): SliceLabels & Record<N, string> {
    const labels = this.labelsOf(key);
    // A plain object, not Object.create(null): V8 makes prototype-less objects dictionaries (a hash
    // table each). Values are CNF names (DNS labels, checked by the CRD) and quantiles, never
    // '__proto__'; `Object.hasOwn` keeps inherited names such as 'constructor' out.
    const byValue = (labels[name] ??= {}) as Record<string, SliceLabels & Record<N, string>>;
    if (Object.hasOwn(byValue, value)) return byValue[value]!;
    // Written out key by key, not `{ ...labels.slice, [name]: value }`: V8 gave each object made
    // that way a hidden class of its own, with the transitions that led to it. That was 41,744
    // objects with a class each and 216,477 classes in all (11.8 MB, plus their descriptor
    // arrays) at 10,000 slices with telemetry (heap snapshot, bench/scale.ts --telemetry).
    const { namespace, slice } = labels.slice;
    const made = name === 'cnf' ? { namespace, slice, cnf: value } : { namespace, slice, quantile: value };
    return (byValue[value] = made as SliceLabels & Record<N, string>);
  }

  observe(key: string, view: SliceView, load: SliceLoad | undefined, replicas: Record<string, number>, ready: { cnf: string; ready: number }[], degraded: boolean): void {
    const l = this.labelsOf(key).slice;
    if (load?.current !== undefined) {
      this.observed.set(l, load.current);
      const prev = this.lastForecast.get(key);
      if (prev !== undefined) this.forecastError.set(l, load.current - prev);
    }
    if (load?.forecast) {
      for (const q of ['p50', 'p90', 'p99'] as const) {
        const v = load.forecast[q][0];
        if (v !== undefined && Number.isFinite(v)) this.forecast.set(this.labelsWith(key, 'quantile', q), v);
      }
      const p50 = load.forecast.p50[0];
      if (p50 !== undefined) this.lastForecast.set(key, p50);
      this.calibration.set(l, load.calibration);
      if (load.coverage !== undefined) this.coverage.set(l, load.coverage);
    }
    const upf = view.cnfs.find((c) => c.type === 'upf');
    if (upf) this.capacity.set(l, (replicas[upf.name] ?? 0) * upf.sessionsPerReplica);
    for (const [cnf, n] of Object.entries(replicas)) this.desiredReplicas.set(this.labelsWith(key, 'cnf', cnf), n);
    for (const r of ready) this.readyReplicas.set(this.labelsWith(key, 'cnf', r.cnf), r.ready);
    this.degraded.set(l, degraded ? 1 : 0);
  }

  decision(_key: string, reason: string): void {
    this.decisions.inc({ reason });
  }

  forget(key: string): void {
    this.lastForecast.delete(key);
    const labels = this.seriesLabels.get(key);
    if (!labels) return;
    for (const g of [this.observed, this.capacity, this.forecastError, this.coverage, this.calibration, this.degraded]) g.remove(labels.slice);
    for (const l of Object.values(labels.quantile ?? {})) this.forecast.remove(l);
    for (const l of Object.values(labels.cnf ?? {})) {
      this.desiredReplicas.remove(l);
      this.readyReplicas.remove(l);
    }
    this.seriesLabels.delete(key);
  }
}
