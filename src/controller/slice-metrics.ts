import { Counter, Gauge, type Registry } from 'prom-client';
import type { SliceView } from './slice-view.js';
import { LIMIT, QUANTILES } from '../api/limits.js';
import { Rows } from '../runtime/rows.js';
import type { SliceLoad } from '../telemetry/slice-load.js';

type SliceLabels = { namespace: string; slice: string };
type Value<L extends string> = { value: number; labels: Partial<Record<L, string>> };

/** Columns of a slice's row; NaN is "no such series". CNF pairs (desired, ready) follow CNF0. */
const OBSERVED = 0;
const FORECAST_ERROR = 1;
const FORECAST = { p50: 2, p90: 3, p99: 4 } as const;
const CALIBRATION = 5;
const COVERAGE = 6;
const CAPACITY = 7;
const DEGRADED = 8;
/** The last p50 forecast, for the next forecast error; not exported. */
const LAST_FORECAST = 9;
/** 1 + the index in ANOMALY_KINDS of the slice's active anomaly; 0 when none. */
const ANOMALY = 10;
const CNF0 = 11;

/** Kinds of the Anomalous condition (the anomaly label's closed set of values). */
export const ANOMALY_KINDS = ['Surge', 'Drop', 'Outage', 'LevelShift', 'TelemetryMissing', 'CNFFailing', 'SiteUnhealthy'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

interface SliceSeries {
  labels: SliceLabels;
  row: number;
  /** CNF names in column order: CNF i's desired replicas at CNF0 + 2i, ready at CNF0 + 2i + 1. */
  cnfs: string[];
}

/**
 * A gauge whose series are read from the slices' rows when scraped, not kept as prom-client
 * series: prom-client holds a hash key, a value object and a labels object per series, about
 * 135 bytes of V8 heap each (130,000 series for 10,000 slices with two CNFs each); the rows hold
 * the same numbers in 16 bytes a series outside the heap.
 */
class RowGauge<L extends string> extends Gauge<L> {
  constructor(
    cfg: { name: string; help: string; labelNames: readonly L[]; registers: Registry[] },
    private readonly read: (out: Value<L>[]) => void,
  ) {
    super(cfg);
  }

  override async get(): ReturnType<Gauge<L>['get']> {
    const base = await super.get();
    const values: Value<L>[] = [];
    this.read(values);
    return { ...base, values };
  }
}

/**
 * Per-slice metrics of the operator. Cardinality is bounded by design: one series per slice per
 * metric (labels namespace, slice; plus quantile x3 or cnf for a few), removed when the slice
 * is deleted (forget), and decisions by a closed set of reasons. 10,000 slices ~ 150k series.
 */
export class SliceMetrics {
  private readonly decisions: Counter<'reason'>;
  private readonly anomalies: Counter<'kind'>;
  private readonly series = new Map<string, SliceSeries>();
  private readonly rows = new Rows(CNF0 + 2 * LIMIT.cnfsMax, Float64Array);

  constructor(registry: Registry) {
    const registers = [registry];
    const sl = ['namespace', 'slice'] as const;
    const column = (col: number) => (out: Value<'namespace' | 'slice'>[]) => {
      for (const s of this.series.values()) {
        const value = this.rows.get(s.row, col);
        if (!Number.isNaN(value)) out.push({ value, labels: s.labels });
      }
    };
    const cnfColumn = (offset: 0 | 1) => (out: Value<'namespace' | 'slice' | 'cnf'>[]) => {
      for (const s of this.series.values()) {
        for (let i = 0; i < s.cnfs.length; i++) {
          const value = this.rows.get(s.row, CNF0 + 2 * i + offset);
          if (!Number.isNaN(value)) out.push({ value, labels: { namespace: s.labels.namespace, slice: s.labels.slice, cnf: s.cnfs[i]! } });
        }
      }
    };
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], read: (out: Value<L>[]) => void) => new RowGauge({ name, help, labelNames, registers }, read);
    gauge('slice_operator_observed_load', 'Observed slice load (PDU sessions)', sl, column(OBSERVED));
    gauge('slice_operator_forecast', 'Forecast slice load for the next step, by quantile', [...sl, 'quantile'], (out) => {
      for (const s of this.series.values()) {
        for (const q of QUANTILES) {
          const value = this.rows.get(s.row, FORECAST[q]);
          if (!Number.isNaN(value)) out.push({ value, labels: { namespace: s.labels.namespace, slice: s.labels.slice, quantile: q } });
        }
      }
    });
    gauge('slice_operator_provisioned_capacity', 'Capacity provisioned for the slice UPF (sessions)', sl, column(CAPACITY));
    gauge('slice_operator_desired_replicas', 'Replicas the operator wants per CNF', [...sl, 'cnf'], cnfColumn(0));
    gauge('slice_operator_ready_replicas', 'Ready replicas per CNF', [...sl, 'cnf'], cnfColumn(1));
    gauge('slice_operator_forecast_error', 'Last one-step forecast error (actual - forecast p50)', sl, column(FORECAST_ERROR));
    gauge('slice_operator_forecast_coverage', 'Share of intervals the provisioned quantile covered the actual load', sl, column(COVERAGE));
    gauge('slice_operator_calibration_factor', 'Multiplicative headroom from online calibration', sl, column(CALIBRATION));
    gauge('slice_operator_slice_degraded', '1 when the slice has Degraded=True', sl, column(DEGRADED));
    // One series per anomalous slice, with its kind; none for a slice without an anomaly.
    gauge('slice_operator_slice_anomalous', '1 while the slice has Anomalous=True, with the kind', [...sl, 'kind'], (out) => {
      for (const s of this.series.values()) {
        const k = this.rows.get(s.row, ANOMALY);
        if (k >= 1) out.push({ value: 1, labels: { ...s.labels, kind: ANOMALY_KINDS[k - 1]! } });
      }
    });
    this.anomalies = new Counter({ name: 'slice_operator_anomalies_total', help: 'Anomalies detected, by kind', labelNames: ['kind'], registers });
    this.decisions = new Counter({ name: 'slice_operator_scaling_decisions_total', help: 'Scaling decisions that changed replicas, by reason', labelNames: ['reason'], registers });
  }

  private seriesOf(key: string): SliceSeries {
    let s = this.series.get(key);
    if (!s) {
      const [namespace = '', slice = ''] = key.split('/');
      s = { labels: { namespace, slice }, row: this.rows.alloc(), cnfs: [] };
      this.series.set(key, s);
    }
    return s;
  }

  /** The column pair of a CNF, made on first use; undefined past the CRD's bound on CNFs. */
  private cnfColumn(s: SliceSeries, cnf: string): number | undefined {
    let i = s.cnfs.indexOf(cnf);
    if (i < 0) {
      if (s.cnfs.length === LIMIT.cnfsMax) return undefined;
      i = s.cnfs.push(cnf) - 1;
    }
    return CNF0 + 2 * i;
  }

  observe(key: string, view: SliceView, load: SliceLoad | undefined, replicas: Record<string, number>, ready: { cnf: string; ready: number }[], degraded: boolean): void {
    const s = this.seriesOf(key);
    const set = (col: number, v: number) => this.rows.set(s.row, col, v);
    if (load?.current !== undefined) {
      set(OBSERVED, load.current);
      const prev = this.rows.get(s.row, LAST_FORECAST);
      if (!Number.isNaN(prev)) set(FORECAST_ERROR, load.current - prev);
    }
    if (load?.forecast) {
      for (const q of QUANTILES) {
        const v = load.forecast[q];
        if (Number.isFinite(v)) set(FORECAST[q], v);
      }
      if (Number.isFinite(load.forecast.p50)) set(LAST_FORECAST, load.forecast.p50);
      set(CALIBRATION, load.calibration);
      if (load.coverage !== undefined) set(COVERAGE, load.coverage);
    }
    const upf = view.cnfs.find((c) => c.type === 'upf');
    if (upf) set(CAPACITY, (replicas[upf.name] ?? 0) * upf.sessionsPerReplica);
    for (const [cnf, n] of Object.entries(replicas)) {
      const col = this.cnfColumn(s, cnf);
      if (col !== undefined) set(col, n);
    }
    for (const r of ready) {
      const col = this.cnfColumn(s, r.cnf);
      if (col !== undefined) set(col + 1, r.ready);
    }
    set(DEGRADED, degraded ? 1 : 0);
  }

  /** A slice that is not provisioned (invalid, or a duplicate S-NSSAI): only its Degraded series, so alerts fire for it. */
  rejected(key: string): void {
    const s = this.seriesOf(key);
    this.rows.set(s.row, DEGRADED, 1);
  }

  /** The slice's active anomaly (undefined: none); a new one, or a new kind, is counted. */
  anomaly(key: string, kind: AnomalyKind | undefined): void {
    const s = this.seriesOf(key);
    const code = kind ? ANOMALY_KINDS.indexOf(kind) + 1 : 0;
    const before = this.rows.get(s.row, ANOMALY);
    if (kind && before !== code) this.anomalies.inc({ kind });
    this.rows.set(s.row, ANOMALY, code);
  }

  decision(_key: string, reason: string): void {
    this.decisions.inc({ reason });
  }

  forget(key: string): void {
    const s = this.series.get(key);
    if (!s) return;
    this.rows.release(s.row);
    this.series.delete(key);
  }
}
