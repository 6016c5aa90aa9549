/**
 * The chart's Grafana dashboard: its load panel marks anomalies (an annotation query on
 * slice_operator_slice_anomalous limited to that panel, and the load drawn red while the slice
 * is anomalous), every query is PromQL that Prometheus's own parser (promtool) accepts, and every
 * metric it reads is one docs/metrics.md documents.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const root = fileURLToPath(new URL('../../..', import.meta.url));
interface Target {
  expr: string;
  legendFormat?: string;
}
interface Dashboard {
  annotations?: { list: { name: string; expr?: string; enable?: boolean; titleFormat?: string; filter?: { exclude: boolean; ids: number[] } }[] };
  templating: { list: { name: string; query?: string }[] };
  panels: { id: number; title: string; targets: Target[]; fieldConfig: { overrides: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[] } }[];
}
const dashboard = JSON.parse(readFileSync(path.join(root, 'charts', 'slice-operator', 'dashboards', 'slice-operator.json'), 'utf8')) as Dashboard;

/** Every query of the dashboard, with where it is. */
const queries = (): { where: string; expr: string }[] => [
  ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel ${p.title}`, expr: t.expr }))),
  ...(dashboard.annotations?.list ?? []).filter((a) => a.expr).map((a) => ({ where: `annotation ${a.name}`, expr: a.expr! })),
  // label_values(metric{...}, label) is Grafana's; its selector is PromQL.
  ...dashboard.templating.list.filter((v) => v.query?.startsWith('label_values(')).map((v) => ({ where: `variable ${v.name}`, expr: v.query!.replace(/^label_values\((.*), *\w+\)$/, '$1') })),
];
/** Grafana's variables, replaced by values so the expression is plain PromQL. */
const plain = (expr: string) => expr.replaceAll('$namespace', 'ns').replaceAll('$slice', 's').replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m');
const RESERVED = new Set(['sum', 'max', 'min', 'avg', 'count', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'rate', 'increase', 'and', 'or', 'unless', 'label_values']);

describe('Grafana dashboard', () => {
  const load = dashboard.panels.find((p) => p.title.startsWith('Load:'))!;

  it('marks anomalies on the load panel: an annotation query on the anomaly gauge, limited to that panel', () => {
    const a = dashboard.annotations?.list.find((x) => x.expr?.includes('slice_operator_slice_anomalous'));
    expect(a).toMatchObject({ enable: true, titleFormat: 'Anomalous: {{kind}}', filter: { exclude: false, ids: [load.id] } });
    expect(a!.expr).toContain('slice="$slice"');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws the load red while the slice is anomalous, named by the kind', () => {
    const t = load.targets.find((x) => x.expr.includes('slice_operator_slice_anomalous'))!;
    expect(t.expr).toMatch(/^slice_operator_observed_load\{.*\} \* on \(namespace, slice\) group_left \(kind\) slice_operator_slice_anomalous\{/);
    expect(t.legendFormat).toBe('anomalous: {{kind}}');
    const o = load.fieldConfig.overrides.find((x) => x.matcher.id === 'byRegexp' && new RegExp(x.matcher.options).test('anomalous: Surge'));
    expect(o?.properties).toContainEqual({ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } });
  });

  it('legends name labels as Grafana reads them ({{label}})', () => {
    for (const p of dashboard.panels) for (const t of p.targets) expect([p.title, t.legendFormat ?? '']).not.toEqual([p.title, expect.stringContaining('{{{')]);
  });

  it('reads only metrics docs/metrics.md documents', () => {
    const doc = readFileSync(path.join(root, 'docs', 'metrics.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/`([a-z_:]+)(?:\{[^`]*\})?`/g)].map((m) => m[1]!));
    const used = new Set(queries().flatMap((q) => [...plain(q.expr).replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '').matchAll(/[a-z_:][a-z0-9_:]*/g)].map((m) => m[0])).filter((n) => !RESERVED.has(n) && n.includes('_')));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((n) => !documented.has(n))).toEqual([]);
  });

  it('every query is PromQL that promtool accepts', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slice-dashboard-'));
    try {
      // Recording rules are the shape promtool parses standalone expressions in.
      const rules = queries().map((q, i) => ({ record: `dashboard:query_${i}`, expr: plain(q.expr) }));
      writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
      const r = spawnSync('promtool', ['check', 'rules', path.join(dir, 'rules.yaml')], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
      // And promtool refuses what is not PromQL, so the check above can fail.
      writeFileSync(path.join(dir, 'bad.yaml'), stringify({ groups: [{ name: 'bad', rules: [{ record: 'x:y', expr: 'slice_operator_slice_anomalous{kind=' }] }] }));
      expect(spawnSync('promtool', ['check', 'rules', path.join(dir, 'bad.yaml')], { encoding: 'utf8' }).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
