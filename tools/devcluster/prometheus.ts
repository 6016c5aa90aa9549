import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ComponentStartError, MissingBinariesError } from './errors.js';
import { probe, waitFor } from './http.js';
import { freePort } from './ports.js';
import { startSupervised, type SupervisedProcess } from './process.js';

export interface ScrapeTarget {
  job: string;
  /** host:port on loopback. */
  target: string;
  /** HTTPS with a bearer token read from this file each scrape, certificate not verified (the operator's secure metrics with a self-signed certificate). */
  https?: { bearerTokenFile: string };
}

export interface PrometheusOptions {
  dir: string;
  targets: ScrapeTarget[];
  scrapeIntervalSeconds?: number;
  /** OpenMetrics text to import as history before start (promtool tsdb create-blocks-from). */
  backfill?: string;
  port?: number;
  /** How long Prometheus keeps samples (default 2d); backfilled history older than this is dropped. */
  retention?: string;
}

function binary(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new MissingBinariesError(`${name} not found: install Debian's prometheus package (apt-get install prometheus), or run hack/setup.sh`);
  return found;
}

/**
 * A real Prometheus server (Debian's package) on 127.0.0.1 scraping the given loopback targets,
 * optionally seeded with history. Stop and start again keep the same port and data directory, so
 * a test can take it away mid-run and bring it back.
 */
export class LocalPrometheus {
  private proc?: SupervisedProcess;
  port = 0;

  constructor(private readonly o: PrometheusOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<string> {
    const prom = binary('prometheus');
    const data = path.join(this.o.dir, 'data');
    mkdirSync(data, { recursive: true });
    if (!this.port) {
      this.port = this.o.port ?? (await freePort());
      if (this.o.backfill) {
        const file = path.join(this.o.dir, 'backfill.om');
        writeFileSync(file, this.o.backfill);
        execFileSync(binary('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', file, data], { stdio: ['ignore', 'ignore', 'pipe'] });
      }
    }
    const interval = `${this.o.scrapeIntervalSeconds ?? 1}s`;
    const config = [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      ...this.o.targets.flatMap((t) => [
        `  - job_name: ${JSON.stringify(t.job)}`,
        ...(t.https
          ? ['    scheme: https', '    authorization:', `      credentials_file: ${JSON.stringify(t.https.bearerTokenFile)}`, '    tls_config:', '      insecure_skip_verify: true']
          : []),
        `    static_configs:`,
        `      - targets: [${JSON.stringify(t.target)}]`,
      ]),
    ].join('\n');
    const cfgFile = path.join(this.o.dir, 'prometheus.yml');
    writeFileSync(cfgFile, config + '\n');
    this.proc = startSupervised(
      'prometheus',
      prom,
      [`--config.file=${cfgFile}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${this.port}`, `--storage.tsdb.retention.time=${this.o.retention ?? '2d'}`, '--log.level=warn'],
      path.join(this.o.dir, 'prometheus.log'),
    );
    await waitFor('prometheus /-/ready', async () => (await probe(`${this.url}/-/ready`)).status === 200, 60_000, (w) => new ComponentStartError('prometheus', `${w} timed out`, path.join(this.o.dir, 'prometheus.log')));
    return this.url;
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
    this.proc = undefined;
  }
}
