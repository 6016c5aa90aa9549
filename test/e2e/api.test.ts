/**
 * The NetworkSlice API against the real kube-apiserver: the CRD installs and is served, every
 * example applies, the server's defaults equal zod's, and every invalid manifest of the corpus is
 * rejected by the CRD schema / CEL rules at create time with a message naming the field.
 */
import path from 'node:path';
import { parseNetworkSlice } from '../../src/api/networkslice.js';
import fc from 'fast-check';
import { ApiError } from '../../src/runtime/errors.js';
import { KubeClient } from '../../src/runtime/kube-client.js';
import { examples, INVALID, manifestOf, VALID_VARIANTS } from '../fixtures/api/corpus.js';
import { extremeSlice, mutatedSlice } from '../fixtures/api/fuzz.js';
import { createNamespace, installCrd, kubeConfig, kubectl, repoRoot as root } from './support.js';

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

  it(`rejects each of the ${INVALID.length} invalid manifests, naming the field`, async () => {
    const accepted: string[] = [];
    const unnamed: string[] = [];
    for (const [i, c] of INVALID.entries()) {
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
      if ((server === undefined) !== ours.ok) {
        disagreements.push(`${JSON.stringify(c.mutations)}: server ${server ?? 'accepted'}; zod ${ours.ok ? 'accepted' : JSON.stringify(ours.issues)}`);
      }
    }
    process.stderr.write(`[api] fuzz agreement: ${cases.length} manifests, ${rejected} rejected by the API server, ${disagreements.length} disagreements\n`);
    expect(disagreements).toEqual([]);
    expect(rejected).toBeGreaterThan(100);
  });
});
