/**
 * The NetworkSlice API against the real kube-apiserver: the CRD installs and is served, every
 * example applies, the server's defaults equal zod's, and every invalid manifest of the corpus is
 * rejected by the CRD schema / CEL rules at create time with a message naming the field. Also
 * what kubectl shows of the CRD: `kubectl explain` for every field, and the `-o wide` columns
 * over a status written through the status subresource.
 */
import path from 'node:path';
import { parseNetworkSlice } from '../../src/api/networkslice.js';
import fc from 'fast-check';
import { ZOD_ONLY_MESSAGES } from '../../src/api/rules.js';
import { ApiError } from '../../src/runtime/errors.js';
import { KubeClient } from '../../src/runtime/kube-client.js';
import { crdVersion, type Schema } from '../../tools/docs/reference-doc.js';
import { examples, INVALID, manifestOf, VALID_VARIANTS } from '../fixtures/api/corpus.js';
import { extremeSlice, mutatedSlice } from '../fixtures/api/fuzz.js';
import { createNamespace, eventually, installCrd, kubeConfig, kubectl, repoRoot as root } from './support.js';

let ns: string;

beforeAll(async () => {
  await installCrd();
  ns = await createNamespace('api');
});

describe('NetworkSlice CRD on the real API server', () => {
  it.each(examples().map((e) => [e.file]))('applies example %s, and the server defaults it as zod does', async (file) => {
    const r = await kubectl(['apply', '-n', ns, '-f', path.join(root, 'examples', file)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const manifest = examples().find((e) => e.file === file)!.manifest;
    const live = JSON.parse((await kubectl(['get', '-n', ns, 'networkslice', manifest.metadata.name, '-o', 'json'])).stdout);
    const fromServer = parseNetworkSlice(live);
    const fromZod = parseNetworkSlice(manifest);
    if (!fromServer.ok || !fromZod.ok) throw new Error('example does not parse');
    expect(fromServer.slice.spec).toEqual(fromZod.slice.spec);
  });

  it.each(VALID_VARIANTS.map((c, i) => [c.name, i]))('accepts valid variant: %s', async (_n, i) => {
    const m = manifestOf(VALID_VARIANTS[i as number]!, i as number, 'valid');
    const r = await kubectl(['create', '-n', ns, '-f', '-'], JSON.stringify(m));
    expect(r.stderr).toBe('');
    const live = JSON.parse((await kubectl(['get', '-n', ns, 'networkslice', m.metadata.name, '-o', 'json'])).stdout);
    const a = parseNetworkSlice(live);
    const b = parseNetworkSlice(m);
    expect(a.ok && b.ok && a.slice.spec).toEqual(b.ok && b.slice.spec);
  });

  it('prints the slice columns', async () => {
    const r = await kubectl(['get', '-n', ns, 'slice', 'urllc-factory']);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+SST\s+SD\s+TYPE\s+PHASE\s+UPF REPLICAS\s+LOAD\s+FORECAST\s+AGE/);
    expect(r.stdout).toMatch(/urllc-factory\s+2\s+000002\s+URLLC/);
  });

  it(`rejects each of the ${INVALID.filter((c) => !c.zodOnly).length} invalid manifests the CRD checks, naming the field`, async () => {
    const accepted: string[] = [];
    const unnamed: string[] = [];
    for (const [i, c] of INVALID.entries()) {
      if (c.zodOnly) continue;
      const m = manifestOf(c, i, 'invalid');
      const r = await kubectl(['create', '-n', ns, '-f', '-'], JSON.stringify(m));
      if (r.code === 0) accepted.push(c.name);
      else if (!r.stderr.includes(c.field)) unnamed.push(`${c.name}: expected "${c.field}" in: ${r.stderr.trim()}`);
    }
    expect(accepted).toEqual([]);
    expect(unnamed).toEqual([]);
    // Nothing slipped into storage.
    const list = JSON.parse((await kubectl(['get', '-n', ns, 'networkslices', '-o', 'json'])).stdout);
    expect(list.items.filter((s: { metadata: { name: string } }) => s.metadata.name.startsWith('invalid-') || s.metadata.name.startsWith('xxx'))).toEqual([]);
  });

  it('stores the invalid manifests only zod checks (the operator reports them InvalidSpec)', async () => {
    const only = [...INVALID.entries()].filter(([, c]) => c.zodOnly);
    expect(only.length).toBeGreaterThan(0);
    for (const [i, c] of only) {
      const m = manifestOf(c, i, 'invalid');
      expect((await kubectl(['create', '-n', ns, '-f', '-'], JSON.stringify(m))).stderr).toBe('');
      const r = parseNetworkSlice(m);
      expect(r.ok ? [] : r.issues.map((x) => x.message)).toEqual(ZOD_ONLY_MESSAGES);
    }
  });

  it('agrees with zod on 300 fuzzed manifests (server-side dry run: accepted by both or rejected by both)', async () => {
    const client = new KubeClient(kubeConfig());
    const cases = fc.sample(fc.oneof({ weight: 3, arbitrary: mutatedSlice('fuzz') }, { weight: 1, arbitrary: extremeSlice('fuzz') }), { numRuns: 300, seed: 424242 });
    const disagreements: string[] = [];
    let rejected = 0;
    for (const c of cases) {
      let server: string | undefined;
      try {
        await client.request('POST', `/apis/slicing.telco.dev/v1alpha1/namespaces/${ns}/networkslices`, { body: c.manifest, query: { dryRun: 'All', fieldValidation: 'Strict' } });
      } catch (e) {
        if (!(e instanceof ApiError) || (e.status !== 422 && e.status !== 400)) throw e;
        server = e.message;
      }
      const ours = parseNetworkSlice(c.manifest);
      if (server !== undefined) rejected++;
      // A slice failing only rules without CEL is stored by the server and refused by the operator.
      const zodOnly = !ours.ok && ours.issues.every((x) => ZOD_ONLY_MESSAGES.includes(x.message));
      if (server === undefined && zodOnly) continue;
      if ((server === undefined) !== ours.ok) {
        disagreements.push(`${JSON.stringify(c.mutations)}: server ${server ?? 'accepted'}; zod ${ours.ok ? 'accepted' : JSON.stringify(ours.issues)}`);
      }
    }
    process.stderr.write(`[api] fuzz agreement: ${cases.length} manifests, ${rejected} rejected by the API server, ${disagreements.length} disagreements\n`);
    expect(disagreements).toEqual([]);
    expect(rejected).toBeGreaterThan(100);
  });
});

describe('SLA percentages and the UPF floor on the real API server', () => {
  const embb = (name: string) => {
    const m = structuredClone(examples().find((e) => e.file === 'embb.yaml')!.manifest);
    m.metadata = { name };
    return m;
  };
  const create = (m: unknown) => kubectl(['create', '-n', ns, '-f', '-'], JSON.stringify(m));

  it.each([
    ['availabilityPercent', 0.999],
    ['reliabilityPercent', 0.99999],
    ['availabilityPercent', 89.9],
  ])('rejects %s %s, naming the field and the floor of 90', async (field, value) => {
    const m = embb(`sla-${field.toLowerCase().slice(0, 5)}-${String(value).replace('.', '-')}`);
    m.spec.sla[field] = value;
    const r = await create(m);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`spec.sla.${field}: Invalid value: ${value}: spec.sla.${field} in body should be greater than or equal to 90`);
    expect(parseNetworkSlice(m).ok).toBe(false);
  });

  it('accepts SLA percentages of 90 and 99.999', async () => {
    const m = embb('sla-floor');
    m.spec.sla.availabilityPercent = 90;
    m.spec.sla.reliabilityPercent = 99.999;
    const r = await create(m);
    expect(r.stderr).toBe('');
    expect(parseNetworkSlice(m).ok).toBe(true);
  });

  it('rejects a static slice whose UPF has minReplicas 0, saying why', async () => {
    const m = embb('static-upf-zero');
    m.spec.scaling = { mode: 'static' };
    m.spec.cnfs[0].minReplicas = 0;
    const r = await create(m);
    expect(r.code).not.toBe(0);
    // kube-apiserver 1.34 names the value's type ("object") here; 1.37 leaves it out.
    expect(r.stderr).toMatch(/spec\.cnfs\[0\]\.minReplicas: Invalid value: ("object": )?minReplicas must be at least 1 for the upf CNF: a slice without a UPF carries no traffic/);
  });

  it('finds the UPF wherever it is in cnfs, and lets other CNFs scale to 0', async () => {
    const m = embb('smf-zero');
    m.spec.cnfs.reverse();
    m.spec.cnfs[0].minReplicas = 0; // the SMF
    expect((await create(m)).stderr).toBe('');
    const bad = embb('upf-second-zero');
    bad.spec.cnfs.reverse();
    bad.spec.cnfs[1].minReplicas = 0; // the UPF
    const r = await create(bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.cnfs[1].minReplicas');
    expect(r.stderr).toContain('a slice without a UPF carries no traffic');
  });
});

describe('what kubectl shows of a NetworkSlice', () => {
  /** Every field of spec and status as kubectl explain names it, with its description. */
  const explainable = (s: Schema, at: string, out: [string, string][]): [string, string][] => {
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      out.push([`${at}.${k}`, v.description ?? '']);
      explainable(v, `${at}.${k}`, out);
      if (v.items) explainable(v.items, `${at}.${k}`, out);
    }
    return out;
  };
  /** kubectl explain wraps and indents the description: compare words. */
  const words = (t: string): string => t.split(/\s+/).filter(Boolean).join(' ');

  it('kubectl explain describes every field of spec and status', async () => {
    const root = crdVersion().schema.openAPIV3Schema;
    const fields = explainable({ properties: { spec: root.properties!.spec!, status: root.properties!.status! } }, 'networkslice', []);
    expect(fields.map(([f]) => f)).toEqual(expect.arrayContaining(['networkslice.spec.cnfs.minReplicas', 'networkslice.spec.cnfs.maxReplicas', 'networkslice.spec.cnfs.env', 'networkslice.spec.cnfs.args', 'networkslice.spec.qos.defaultArp.preemptionCapability', 'networkslice.status.forecast.source']));
    // The API server publishes a changed CRD's OpenAPI a moment after it is established.
    await eventually('explain serves the new descriptions', async () => words((await kubectl(['explain', 'networkslice.spec.cnfs.minReplicas'])).stdout).includes(words(fields.find(([f]) => f === 'networkslice.spec.cnfs.minReplicas')![1])), 30_000);
    const wrong: string[] = [];
    for (let i = 0; i < fields.length; i += 8) {
      await Promise.all(
        fields.slice(i, i + 8).map(async ([field, description]) => {
          const r = await kubectl(['explain', field]);
          const out = words(r.stdout);
          if (r.code !== 0 || !out.includes('DESCRIPTION:') || out.includes('<empty>') || !out.includes(words(description))) wrong.push(`${field}: ${r.stderr || r.stdout}`);
        }),
      );
    }
    expect(wrong).toEqual([]);
  });

  it('-o wide adds UPF ready, UPF sites, the Ready reason, the forecast source and the load age to the default columns', async () => {
    const m = structuredClone(examples().find((e) => e.file === 'embb.yaml')!.manifest);
    m.metadata = { name: 'wide-columns' };
    // The SMF first: the UPF READY column must find the UPF by type, not by position.
    m.spec.cnfs.reverse();
    expect((await kubectl(['create', '-n', ns, '-f', '-'], JSON.stringify(m))).stderr).toBe('');
    const status = {
      observedGeneration: 1,
      phase: 'Degraded',
      conditions: [
        { type: 'Progressing', status: 'False', reason: 'Reconciled', message: 'all CNF replicas are ready', lastTransitionTime: '2026-12-01T00:00:00Z' },
        { type: 'Ready', status: 'False', reason: 'NoSiteMeetsLatency', message: 'no site within 5 ms', lastTransitionTime: '2026-12-01T00:00:00Z' },
      ],
      upfReplicas: 6,
      load: 64,
      currentLoad: { sessions: 64, observedAt: '2026-12-01T00:00:00Z' },
      forecastValue: 89,
      forecast: { value: 89, p50: 60, p90: 75, p99: 89, quantile: 'p99', horizonSteps: 1, model: 'same-hour-last-week', source: 'seasonal-naive', calibration: 1 },
      cnfs: [
        { name: 'smf', type: 'smf', desiredReplicas: 1, readyReplicas: 1 },
        { name: 'upf', type: 'upf', desiredReplicas: 6, readyReplicas: 4 },
      ],
      placement: { upfSites: ['edge-a', 'edge-b'] },
    };
    const patched = await kubectl(['patch', '-n', ns, 'networkslice', 'wide-columns', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    expect(patched.stderr).toBe('');

    const plain = (await kubectl(['get', '-n', ns, 'nsl', 'wide-columns'])).stdout.split('\n');
    expect(plain[0]).toMatch(/^NAME\s+SST\s+SD\s+TYPE\s+PHASE\s+UPF REPLICAS\s+LOAD\s+FORECAST\s+AGE\s*$/);
    expect(plain[1]).toMatch(/^wide-columns\s+1\s+000001\s+eMBB\s+Degraded\s+6\s+64\s+89\s+\S+\s*$/);

    const wide = (await kubectl(['get', '-n', ns, 'nsl', 'wide-columns', '-o', 'wide'])).stdout.split('\n');
    expect(wide[0]).toMatch(/^NAME\s+SST\s+SD\s+TYPE\s+PHASE\s+UPF REPLICAS\s+LOAD\s+FORECAST\s+AGE\s+UPF READY\s+UPF SITES\s+REASON\s+FORECAST SOURCE\s+LOAD AGE\s*$/);
    expect(wide[1]).toMatch(/^wide-columns\s+1\s+000001\s+eMBB\s+Degraded\s+6\s+64\s+89\s+\S+\s+4\s+\["edge-a","edge-b"\]\s+NoSiteMeetsLatency\s+seasonal-naive\s+\S+\s*$/);
  });
});
