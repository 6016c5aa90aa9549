import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trace } from './trace.js';

/** One slice's exported series: the labels Open5GS puts on its per-slice metrics. */
export interface ReplayedSlice {
  /** Open5GS snssai label: `<sst>-<sd as 6 hex>` or `<sst>`. */
  snssai: string;
  /** MCC+MNC, e.g. 00101. */
  plmnid: string;
  /** PDU sessions over time. */
  trace: Trace;
}

export interface ReplayClock {
  /** Wall-clock ms at which the replay is at `startStep`. */
  wallStartMs: number;
  startStep: number;
  /** Wall seconds per trace step (3600 = real time; 5 = 720x acceleration). */
  stepSeconds: number;
}

export const stepAt = (clock: ReplayClock, wallMs: number): number => clock.startStep + (wallMs - clock.wallStartMs) / 1000 / clock.stepSeconds;

function format(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v)) : '0';
}

/**
 * The metrics text an Open5GS SMF/AMF/PCF would expose for these slices at this replay time:
 * real metric names, real label formats (snssai "1-000001", plmnid "00101").
 */
export function open5gsMetrics(slices: ReplayedSlice[], step: number): string {
  const lines: string[] = [];
  const family = (name: string, help: string, value: (s: ReplayedSlice, sessions: number) => number): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const s of slices) lines.push(`${name}{plmnid="${s.plmnid}",snssai="${s.snssai}"} ${format(value(s, s.trace.at(step)))}`);
  };
  family('fivegs_smffunction_sm_sessionnbr', 'Active Sessions', (_s, n) => n);
  family('fivegs_amffunction_rm_registeredsubnbr', 'Number of registered state subscribers per AMF', (_s, n) => n * 1.15);
  family('fivegs_pcffunction_pa_sessionnbr', 'Active PCF sessions', (_s, n) => n);
  lines.push('# HELP replayer_trace_step Current fractional step of the replayed trace', '# TYPE replayer_trace_step gauge', `replayer_trace_step ${step.toFixed(4)}`);
  return lines.join('\n') + '\n';
}

/**
 * OpenMetrics text of the replay's past, one sample per step up to `untilWallMs`, for
 * `promtool tsdb create-blocks-from openmetrics`: gives Prometheus the history an operator would
 * find in a cluster that has been running for a while.
 */
export function openMetricsHistory(slices: ReplayedSlice[], clock: ReplayClock, steps: number, untilWallMs: number, target?: { job: string; instance: string }): string {
  // With the scrape's job/instance labels the history and the live scrapes are one series;
  // without them a sum over the metric would count the backfilled series twice until it goes stale.
  const extra = target ? `,job="${target.job}",instance="${target.instance}"` : '';
  const out: string[] = ['# HELP fivegs_smffunction_sm_sessionnbr Active Sessions', '# TYPE fivegs_smffunction_sm_sessionnbr gauge'];
  const stepMs = clock.stepSeconds * 1000;
  for (const s of slices) {
    for (let k = steps; k >= 1; k--) {
      const wall = untilWallMs - k * stepMs;
      out.push(`fivegs_smffunction_sm_sessionnbr{plmnid="${s.plmnid}",snssai="${s.snssai}"${extra}} ${format(s.trace.at(stepAt(clock, wall)))} ${(wall / 1000).toFixed(3)}`);
    }
  }
  out.push('# EOF');
  return out.join('\n') + '\n';
}

/** HTTP exporter on loopback serving open5gsMetrics() at the replay's current step. */
export class ReplayerServer {
  private server?: http.Server;
  scrapes = 0;

  constructor(
    private slices: ReplayedSlice[],
    readonly clock: ReplayClock,
  ) {}

  setSlices(slices: ReplayedSlice[]): void {
    this.slices = slices;
  }

  currentStep(now = Date.now()): number {
    return stepAt(this.clock, now);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    this.server = http.createServer((req, res) => {
      if ((req.url ?? '').startsWith('/metrics')) {
        this.scrapes++;
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(open5gsMetrics(this.slices, this.currentStep()));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
