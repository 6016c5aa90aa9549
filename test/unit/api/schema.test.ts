import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { networkSliceCrd } from '../../../src/api/crd.js';
import { crdFileTargets, renderCrdYaml } from '../../../tools/docs/crd-yaml.js';
import { renderApiReference } from '../../../tools/docs/reference-doc.js';
import { parseNetworkSlice } from '../../../src/api/networkslice.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';
import { examples, INVALID, manifestOf, VALID_VARIANTS } from '../../fixtures/api/corpus.js';

const issuesText = (m: unknown): string => {
  const r = parseNetworkSlice(m);
  return r.ok ? '' : r.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
};

describe('NetworkSlice zod schema', () => {
  it.each(examples().map((e) => [e.file, e.manifest]))('accepts example %s', (_f, m) => {
    expect(issuesText(m)).toBe('');
  });

  it.each(VALID_VARIANTS.map((c, i) => [c.name, i]))('accepts valid variant: %s', (_n, i) => {
    expect(issuesText(manifestOf(VALID_VARIANTS[i as number]!, i as number, 'valid'))).toBe('');
  });

  it('has at least 40 distinct invalid cases', () => {
    expect(new Set(INVALID.map((c) => c.name)).size).toBe(INVALID.length);
    expect(INVALID.length).toBeGreaterThanOrEqual(40);
  });

  it.each(INVALID.map((c, i) => [c.name, i]))('rejects %s, naming the field', (_n, i) => {
    const c = INVALID[i as number]!;
    const text = issuesText(manifestOf(c, i as number, 'invalid'));
    expect(text).not.toBe('');
    expect(text).toContain(c.field);
  });
});

describe('controller view', () => {
  it('renders Open5GS label formats and defaults', () => {
    const r = toSliceView({ ...examples().find((e) => e.file === 'embb.yaml')!.manifest, metadata: { name: 'embb-video', namespace: 'ns', uid: 'u1', generation: 2 } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.view.snssaiLabel).toBe('1-000001');
    expect(r.view.plmnId).toBe('00101');
    expect(r.view.loadQuery).toBe('sum(fivegs_smffunction_sm_sessionnbr{snssai="1-000001",plmnid="00101"})');
    expect(r.view.defaultLoadQuery).toBe(true);
    expect(r.view.qos.flows.map((f) => f.resourceType)).toEqual(['GBR', 'NonGBR']);
    expect(r.view.qos.flows[1]!.arp).toEqual(r.view.qos.defaultArp); // flow ARP defaults to the slice's
    expect(r.view.latencyBudgetMs).toBe(50);
  });

  it('reports an invalid stored object with field paths instead of throwing', () => {
    const r = toSliceView({ apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'NetworkSlice', metadata: { name: 'x' }, spec: { snssai: { sst: 1 } } } as never);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['spec.plmn', 'spec.serviceType', 'spec.cnfs']));
  });
});

describe('CRD', () => {
  it('committed crds/ and chart crds/ YAML are what src/api/crd.ts generates (npm run gen:crds)', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const targets = crdFileTargets(root);
    expect(targets).toEqual(['crds/networkslices.slicing.telco.dev.yaml', 'charts/slice-operator/crds/networkslices.slicing.telco.dev.yaml']);
    for (const t of targets) expect(readFileSync(`${root}/${t}`, 'utf8')).toBe(renderCrdYaml());
    expect(parse(renderCrdYaml())).toEqual(networkSliceCrd());
    expect(readFileSync(new URL('../../../docs/api-reference.md', import.meta.url), 'utf8')).toBe(renderApiReference());
  });

  it('bounds every list and string that a CEL rule iterates (API server cost budget)', () => {
    const walk = (s: Record<string, unknown>, at: string, out: string[]): void => {
      if (s.type === 'array' && s.maxItems === undefined) out.push(at);
      for (const [k, v] of Object.entries((s.properties as Record<string, Record<string, unknown>>) ?? {})) walk(v, `${at}.${k}`, out);
      if (s.items) walk(s.items as Record<string, unknown>, `${at}[]`, out);
    };
    const unbounded: string[] = [];
    const crd = networkSliceCrd() as { spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] } };
    walk(crd.spec.versions[0]!.schema.openAPIV3Schema, '', unbounded);
    expect(unbounded).toEqual([]);
  });
});
