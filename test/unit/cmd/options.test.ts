/**
 * The operator's flags: parseFlags (src/cmd/options.ts) for each value a platform team may get
 * wrong, and the entry point (src/cmd/operator.ts) run as a process for what a user sees: `--help`
 * and `-h` print every flag with its default and exit 0, an invalid value exits 2 naming the flag
 * and the value. The packaged entry point (dist/cmd/operator.js) is checked the same way in
 * test/unit/packaging/dockerfile.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperatorFlags, parseFlags } from '../../../src/cmd/options.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const FLAGS = Object.keys(OperatorFlags.shape);

/** The error parseFlags throws for `argv`, or '' when it accepts them. */
const errorOf = (argv: string[]): string => {
  try {
    parseFlags(argv);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the operator's entry point (through tsx, as the e2e tests do) until it exits or `until` matches its stderr. */
function runOperator(args: string[], o: { until?: RegExp; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cmd/operator.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`operator ${args.join(' ')} still running after ${o.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
    }, o.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (o.until?.test(stderr)) child.kill('SIGKILL');
    });
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('parseFlags', () => {
  it('defaults: leader election on, hourly steps, info logs', () => {
    const f = parseFlags([]);
    expect(f).toMatchObject({
      'leader-elect': true,
      'step-seconds': 3600,
      'log-level': 'info',
      'max-concurrent-reconciles': 4,
      'prometheus-timeout-seconds': 20,
    });
    // Secure metrics on 8443 and plain probes on 8081, as controller-runtime's scaffold.
    expect(f['metrics-bind-address']).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(f['metrics-secure']).toBe(true);
    expect(f['metrics-cert-dir']).toBeUndefined();
    expect(f['health-probe-bind-address']).toEqual({ host: '0.0.0.0', port: 8081 });
    expect(f['prometheus-url']).toBeUndefined();
    expect(f['replay-clock']).toBeUndefined();
    expect(f['watch-namespaces']).toBeUndefined();
  });

  it('--watch-namespaces takes a comma-separated list, without duplicates', () => {
    expect(parseFlags(['--watch-namespaces=team-a, team-b,team-a'])['watch-namespaces']).toEqual(['team-a', 'team-b']);
  });

  it('takes --a=b, --a b and a bare boolean flag', () => {
    expect(parseFlags(['--leader-elect=false'])['leader-elect']).toBe(false);
    expect(parseFlags(['--leader-elect', 'false'])['leader-elect']).toBe(false);
    expect(parseFlags(['--leader-elect'])['leader-elect']).toBe(true);
    expect(parseFlags(['--log-level', 'debug', '--kubeconfig', '/tmp/kc'])).toMatchObject({ 'log-level': 'debug', kubeconfig: '/tmp/kc' });
  });

  it('requires an http or https scheme in --prometheus-url, naming the flag and the value', () => {
    expect(errorOf(['--prometheus-url=localhost:9091'])).toMatch(/^--prometheus-url=localhost:9091: .*http:\/\/ or https:\/\//);
    expect(errorOf(['--prometheus-url=prometheus:9090'])).toMatch(/^--prometheus-url=prometheus:9090: /);
    expect(errorOf(['--prometheus-url=ftp://prometheus:9090'])).toMatch(/^--prometheus-url=ftp:\/\/prometheus:9090: /);
    expect(errorOf(['--prometheus-url=not a url'])).toMatch(/^--prometheus-url="not a url": /);
    // The client appends /api/v1/... to the URL, and fetch refuses credentials in it.
    expect(errorOf(['--prometheus-url=http://prom:9090/?x=1'])).toMatch(/^--prometheus-url=http:\/\/prom:9090\/\?x=1: .*query/);
    expect(errorOf(['--prometheus-url=http://user:pw@prom:9090'])).toMatch(/credentials/);
    expect(parseFlags(['--prometheus-url=http://prometheus-operated.monitoring:9090'])['prometheus-url']).toBe(
      'http://prometheus-operated.monitoring:9090',
    );
    expect(parseFlags(['--prometheus-url=https://prom.example/prometheus'])['prometheus-url']).toBe('https://prom.example/prometheus');
  });

  it('has a warn log level, and names the levels when given another', () => {
    expect(parseFlags(['--log-level=warn'])['log-level']).toBe('warn');
    for (const level of ['debug', 'info', 'error']) expect(parseFlags([`--log-level=${level}`])['log-level']).toBe(level);
    expect(errorOf(['--log-level=verbose'])).toBe('--log-level=verbose: expected one of debug, info, warn, error');
  });

  it("accepts only the model's hourly step, unless a replay clock says the replay is accelerated", () => {
    expect(errorOf(['--step-seconds=900'])).toMatch(/^--step-seconds=900: the forecast model's step is 3600 s.*--replay-clock/);
    expect(errorOf(['--step-seconds=7200'])).toMatch(/^--step-seconds=7200: /);
    expect(parseFlags(['--step-seconds=3600'])['step-seconds']).toBe(3600);
    // How the demo, the e2e feedback tests and the telemetry benchmark run the operator.
    expect(parseFlags(['--step-seconds=3', '--cycle-seconds=1', '--replay-clock=1764000000000:1385852400000'])).toMatchObject({
      'step-seconds': 3,
      'cycle-seconds': 1,
      'replay-clock': { wallStartMs: 1764000000000, virtualStartMs: 1385852400000 },
    });
    expect(parseFlags(['--step-seconds=3600', '--replay-clock=1:2'])['step-seconds']).toBe(3600);
    // A replay runs faster than real time, never slower.
    expect(errorOf(['--step-seconds=7200', '--replay-clock=1:2'])).toMatch(/^--step-seconds=7200: a replay runs at most at real time/);
  });

  it('--metrics-secure is on unless turned off; --metrics-cert-dir needs it; probes and metrics on different ports', () => {
    expect(parseFlags(['--metrics-secure'])['metrics-secure']).toBe(true);
    expect(parseFlags(['--metrics-secure=false'])['metrics-secure']).toBe(false);
    expect(parseFlags(['--metrics-cert-dir=/certs'])['metrics-cert-dir']).toBe('/certs');
    expect(errorOf(['--metrics-secure=false', '--metrics-cert-dir=/certs'])).toBe('--metrics-cert-dir=/certs: needs --metrics-secure=true: plain-HTTP metrics use no certificate');
    expect(errorOf(['--metrics-secure=no'])).toBe('--metrics-secure=no: expected true or false');
    expect(errorOf(['--metrics-bind-address=0.0.0.0:8081'])).toBe(
      '--health-probe-bind-address (default 0.0.0.0:8081): must be another port than --metrics-bind-address (8081): probes and metrics are separate servers',
    );
    // Port 0 is any free port, a different one for each server.
    expect(parseFlags(['--metrics-bind-address=127.0.0.1:0', '--health-probe-bind-address=127.0.0.1:0'])['health-probe-bind-address']).toEqual({ host: '127.0.0.1', port: 0 });
    expect(errorOf(['--health-probe-bind-address=8081'])).toMatch(/^--health-probe-bind-address=8081: expected host:port/);
  });

  it('rejects a cycle longer than a step', () => {
    expect(errorOf(['--step-seconds=3', '--replay-clock=1:2', '--cycle-seconds=5'])).toMatch(
      /^--cycle-seconds=5: must be at most --step-seconds \(3\)/,
    );
    expect(parseFlags(['--cycle-seconds=2'])['cycle-seconds']).toBe(2);
  });

  it.each([
    ['--step-seconds=abc', /^--step-seconds=abc: expected a number$/],
    ['--step-seconds=0', /^--step-seconds=0: must be greater than 0$/],
    ['--step-seconds=-5', /^--step-seconds=-5: must be greater than 0$/],
    ['--step-seconds=', /^--step-seconds="": expected a number$/],
    ['--cycle-seconds=0', /^--cycle-seconds=0: must be greater than 0$/],
    ['--prometheus-timeout-seconds=never', /^--prometheus-timeout-seconds=never: expected a number$/],
    ['--prometheus-timeout-seconds=1e9', /^--prometheus-timeout-seconds=1e9: must be at most 86400$/],
    ['--max-concurrent-reconciles=0', /^--max-concurrent-reconciles=0: must be at least 1$/],
    ['--max-concurrent-reconciles=65', /^--max-concurrent-reconciles=65: must be at most 64$/],
    ['--max-concurrent-reconciles=2.5', /^--max-concurrent-reconciles=2.5: expected a whole number$/],
    ['--metrics-bind-address=8080', /^--metrics-bind-address=8080: expected host:port/],
    ['--metrics-bind-address=0.0.0.0:99999', /^--metrics-bind-address=0.0.0.0:99999: the port must be at most 65535$/],
    ['--leader-elect=yes', /^--leader-elect=yes: expected true or false$/],
    ['--lease-namespace=Slice_System', /^--lease-namespace=Slice_System: a namespace name is/],
    ['--lease-name=-operator', /^--lease-name=-operator: an object name is/],
    ['--watch-namespaces=a,B', /^--watch-namespaces=a,B: a namespace name is/],
    ['--watch-namespaces=a,,b', /^--watch-namespaces=a,,b: expected a namespace name, got an empty value$/],
    ['--replay-clock=now', /^--replay-clock=now: expected <wall-start-ms>:<calendar-start-ms>/],
    ['--kubeconfig=', /^--kubeconfig="": expected a file path, got an empty value$/],
    ['--model-path=', /^--model-path="": expected a file path, got an empty value$/],
  ])('rejects %s naming the flag and the value', (arg, message) => {
    expect(errorOf([arg])).toMatch(message);
  });

  it('asks for a value when a flag that takes one is given bare', () => {
    expect(errorOf(['--prometheus-url'])).toBe('--prometheus-url: needs a value (--prometheus-url=URL)');
    expect(errorOf(['--kubeconfig', '--log-level=info'])).toBe('--kubeconfig: needs a value (--kubeconfig=PATH)');
  });

  it('names every invalid flag at once, and unknown flags first', () => {
    expect(errorOf(['--step-seconds=abc', '--log-level=verbose'])).toBe(
      '--step-seconds=abc: expected a number; --log-level=verbose: expected one of debug, info, warn, error',
    );
    expect(errorOf(['--no-such-flag', '--log-level=verbose'])).toMatch(/^unknown flag\(s\): --no-such-flag/);
    expect(errorOf(['stray'])).toMatch(/^unexpected argument "stray"/);
  });

  it('accepts the arguments the Helm chart renders by default', () => {
    // charts/slice-operator/templates/deployment.yaml with values.yaml's defaults.
    expect(
      errorOf([
        '--leader-elect=true',
        '--lease-namespace=slice-operator-system',
        '--lease-name=slice-operator',
        '--metrics-bind-address=0.0.0.0:8443',
        '--metrics-secure=true',
        '--health-probe-bind-address=0.0.0.0:8081',
        '--step-seconds=3600',
        '--prometheus-timeout-seconds=20',
        '--max-concurrent-reconciles=4',
        '--max-concurrent-replacements=0',
        '--log-level=info',
      ]),
    ).toBe('');
  });
});

describe('the entry point', () => {
  it('--help and -h print every flag with its meaning and default, and exit 0', async () => {
    const [long, short] = await Promise.all([runOperator(['--help']), runOperator(['-h'])]);
    expect([long.status, long.stderr]).toEqual([0, '']);
    expect(short).toEqual(long);
    const help = long.stdout;
    expect(help).toMatch(/^Usage: /);
    for (const flag of FLAGS) expect([flag, help.includes(`--${flag}=`) || help.includes(`--${flag}[=`)]).toEqual([flag, true]);
    expect(help).toContain('-h, --help');
    // One entry a flag: its text runs until the next flag's; each has a meaning and a default.
    const entries = help.split(/\n(?= {2}-)/).slice(1);
    expect(entries).toHaveLength(FLAGS.length + 1);
    for (const entry of entries.slice(0, -1)) {
      expect([entry.split(/\s/)[2], /\(default: [^)]/.test(entry.replace(/\s+/g, ' '))]).toEqual([entry.split(/\s/)[2], true]);
    }
    expect(help).toMatch(/--log-level=debug\|info\|warn\|error/);
    expect(help.replace(/\s+/g, ' ')).toContain('(default: 3600)');
    // The defaults it prints, typed back as flags, are what the operator uses without them.
    const defaults = [...help.replace(/\n {3,}/g, ' ').matchAll(/ {2}--([a-z-]+)\[?=.*?\(default: ([^ )]+)\)$/gm)].map(
      (m) => [m[1]!, m[2]!] as const,
    );
    expect(defaults.map(([f]) => f).sort()).toEqual([
      'health-probe-bind-address',
      'leader-elect',
      'lease-name',
      'lease-namespace',
      'log-level',
      'max-concurrent-reconciles',
      'max-concurrent-replacements',
      'metrics-bind-address',
      'metrics-secure',
      'prometheus-timeout-seconds',
      'step-seconds',
    ]);
    for (const [flag, value] of defaults) expect(parseFlags([`--${flag}=${value}`])).toEqual(parseFlags([]));
  }, 120_000);

  it('exits 2 naming the flag and the value of an invalid flag', async () => {
    const r = await runOperator(['--prometheus-url=localhost:9091']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: --prometheus-url=localhost:9091: /);
  }, 60_000);

  it('exits 2 when --metrics-cert-dir holds no usable certificate, naming the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'operator-certs-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:9' } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' }));
    try {
      const r = await runOperator([`--kubeconfig=${kubeconfig}`, `--metrics-cert-dir=${dir}`, '--metrics-bind-address=127.0.0.1:0', '--health-probe-bind-address=127.0.0.1:0']);
      expect(r.status).toBe(2);
      const line = JSON.parse(r.stderr.split('\n').find((l) => l.includes('metrics serving certificate'))!);
      expect(line).toMatchObject({ level: 'error', msg: 'cannot load the metrics serving certificate', error: `${path.join(dir, 'tls.crt')}: cannot read: ENOENT` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('warns at start when leader election is off', async () => {
    // An API server that is not there: the warning comes before the operator talks to it.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'operator-flags-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:9' } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    try {
      const r = await runOperator([`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--metrics-bind-address=127.0.0.1:0', '--health-probe-bind-address=127.0.0.1:0'], {
        until: /leader election is off/,
      });
      const line = r.stderr.split('\n').find((l) => l.includes('leader election is off'));
      expect(line).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ level: 'warn', msg: expect.stringMatching(/one replica.*fight over the same slices/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
