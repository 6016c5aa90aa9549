import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { networkSliceCrd } from '../../../src/api/crd.js';
import { crdFileTargets, renderCrdYaml } from '../../../tools/docs/crd-yaml.js';
import { crdVersion, renderApiReference, type Schema } from '../../../tools/docs/reference-doc.js';
import { LIMIT } from '../../../src/api/limits.js';
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

describe('SLA percentages and the UPF floor (zod)', () => {
  const embb = () => structuredClone(examples().find((e) => e.file === 'embb.yaml')!.manifest);

  it.each([
    ['availabilityPercent', 0.999],
    ['reliabilityPercent', 0.99999],
  ])('rejects %s written as a fraction (%s), naming the field and the mistake', (field, value) => {
    const m = embb();
    m.spec.sla[field] = value;
    expect(issuesText(m)).toBe(`spec.sla.${field}: must be at least 90: a percentage such as 99.9, not a fraction such as 0.999`);
  });

  it('accepts both percentages from 90 to 100', () => {
    for (const v of [LIMIT.slaPercentMin, 99.9, 99.999, 100]) {
      const m = embb();
      m.spec.sla.availabilityPercent = v;
      m.spec.sla.reliabilityPercent = v;
      expect(issuesText(m)).toBe('');
    }
  });

  it('rejects a static slice whose UPF has minReplicas 0, saying why', () => {
    const m = embb();
    m.spec.scaling.mode = 'static';
    m.spec.cnfs[0].minReplicas = 0;
    expect(issuesText(m)).toBe('spec.cnfs[0].minReplicas: minReplicas must be at least 1 for the upf CNF: a slice without a UPF carries no traffic (other CNF types may scale to 0)');
  });

  it('finds the UPF wherever it is in cnfs, and lets other CNFs scale to 0', () => {
    const m = embb();
    m.spec.cnfs.reverse();
    m.spec.cnfs[0].minReplicas = 0; // the SMF
    expect(issuesText(m)).toBe('');
    m.spec.cnfs[1].minReplicas = 0; // the UPF
    expect(issuesText(m)).toContain('spec.cnfs[1].minReplicas: minReplicas must be at least 1 for the upf CNF');
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
  it("committed crds/ YAML and the chart's CRD spec are what src/api/crd.ts generates (npm run gen:crds)", () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const targets = crdFileTargets(root);
    expect(targets.map(([t]) => t)).toEqual([
      'crds/networkslices.slicing.telco.dev.yaml',
      'charts/slice-operator/files/crds/networkslices.slicing.telco.dev.yaml',
      'crds/slicedecisions.slicing.telco.dev.yaml',
      'charts/slice-operator/files/crds/slicedecisions.slicing.telco.dev.yaml',
    ]);
    for (const [t, render] of targets) expect(readFileSync(`${root}/${t}`, 'utf8')).toBe(render());
    expect(parse(renderCrdYaml())).toEqual(networkSliceCrd());
    expect(parse(targets[1]![1]())).toEqual({ spec: networkSliceCrd().spec });
    expect(readFileSync(new URL('../../../docs/api-reference.md', import.meta.url), 'utf8')).toBe(renderApiReference());
  });

  it('describes every field of spec and status (kubectl explain)', () => {
    const undescribed: string[] = [];
    let fields = 0;
    const walk = (s: Schema, at: string): void => {
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        fields++;
        if (typeof v.description !== 'string' || v.description.trim() === '') undescribed.push(`${at}${k}`);
        walk(v, `${at}${k}.`);
        if (v.items) walk(v.items, `${at}${k}[].`);
        if (v.additionalProperties) walk(v.additionalProperties, `${at}${k}{}.`);
      }
    };
    const root = crdVersion().schema.openAPIV3Schema;
    walk({ properties: { spec: root.properties!.spec!, status: root.properties!.status! } }, '');
    expect(undescribed).toEqual([]);
    expect(fields).toBeGreaterThan(100);
  });

  it('bounds the SLA percentages and the UPF replicas as zod does', () => {
    const spec = crdVersion().schema.openAPIV3Schema.properties!.spec!;
    for (const f of ['availabilityPercent', 'reliabilityPercent']) {
      expect(spec.properties!.sla!.properties![f]).toMatchObject({ minimum: LIMIT.slaPercentMin, maximum: 100 });
      expect(spec.properties!.sla!.properties![f]!.description).toContain('0.999');
    }
    expect(spec.properties!.cnfs!.items!['x-kubernetes-validations']).toContainEqual({
      rule: "self.type != 'upf' || !has(self.minReplicas) || self.minReplicas >= 1",
      message: 'minReplicas must be at least 1 for the upf CNF: a slice without a UPF carries no traffic (other CNF types may scale to 0)',
      fieldPath: '.minReplicas',
    });
  });

  it('keeps the default columns and adds UPF ready, UPF sites, Ready reason, forecast source and load age for -o wide', () => {
    const cols = crdVersion().additionalPrinterColumns;
    expect(cols.filter((c) => !c.priority).map((c) => [c.name, c.jsonPath])).toEqual([
      ['SST', '.spec.snssai.sst'],
      ['SD', '.spec.snssai.sd'],
      ['Type', '.spec.serviceType'],
      ['Phase', '.status.phase'],
      ['UPF Replicas', '.status.upfReplicas'],
      ['Load', '.status.load'],
      ['Forecast', '.status.forecastValue'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
    expect(cols.filter((c) => c.priority === 1).map((c) => [c.name, c.jsonPath])).toEqual([
      ['UPF Ready', '.status.cnfs[?(@.type=="upf")].readyReplicas'],
      ['UPF Sites', '.status.placement.upfSites'],
      ['Reason', '.status.conditions[?(@.type=="Ready")].reason'],
      ['Forecast Source', '.status.forecast.source'],
      ['Load Age', '.status.currentLoad.observedAt'],
    ]);
    // Each wide column reads a field the status schema declares (else the API server prunes it).
    const status = crdVersion().schema.openAPIV3Schema.properties!.status!;
    expect(status.properties!.cnfs!.items!.properties!.type).toBeDefined();
    expect(status.properties!.placement!.properties!.upfSites).toBeDefined();
    expect(status.properties!.forecast!.properties!.source).toBeDefined();
    expect(status.properties!.currentLoad!.properties!.observedAt).toBeDefined();
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
