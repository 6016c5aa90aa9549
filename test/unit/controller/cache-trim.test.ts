import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { trimmer, TRIMMED } from '../../../src/controller/cache-trim.js';
import { desired } from '../../../src/controller/desired.js';
import { isSubset } from '../../../src/controller/subset.js';
import { toSliceView } from '../../../src/controller/view-from-api.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.yaml'));

describe('cache trims', () => {
  it.each(examples)('never drop a field desired() sets (%s): a trimmed live copy still matches', (file) => {
    const m = parse(readFileSync(path.join('examples', file), 'utf8'));
    const parsed = toSliceView({ ...m, metadata: { ...m.metadata, namespace: 'ns', uid: 'u1', generation: 1 } });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const replicas = Object.fromEntries(parsed.view.cnfs.map((c) => [c.name, c.maxReplicas]));
    // Two sites: the spread constraint and multi-site affinity are in the object too.
    const objs = desired(parsed.view, { replicas, upfSites: ['edge-a', 'edge-b'] });
    for (const o of objs) {
      if (!(o.kind in TRIMMED)) continue;
      const live = trimmer(o.kind as keyof typeof TRIMMED)(structuredClone(o));
      expect(isSubset(o, live)).toBe(true);
    }
  });

  it('drops what the operator never reads from a live Deployment', () => {
    const live = {
      metadata: { name: 'd', namespace: 'ns', labels: { a: 'b' }, annotations: { 'deployment.kubernetes.io/revision': '3' }, creationTimestamp: '2026-11-24T00:00:00Z', resourceVersion: '7' },
      spec: { replicas: 2, strategy: { type: 'RollingUpdate' }, template: { spec: { dnsPolicy: 'ClusterFirst', containers: [{ name: 'upf', imagePullPolicy: 'IfNotPresent' }] } } },
      status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, conditions: [{ type: 'Available', status: 'True', message: 'Deployment has minimum availability.' }] },
    };
    expect(trimmer('Deployment')(live)).toEqual({
      metadata: { name: 'd', namespace: 'ns', labels: { a: 'b' }, resourceVersion: '7' },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'upf' }] } } },
      status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2 },
    });
  });
});
