import { LIMIT } from './limits.js';

/**
 * Builders of the OpenAPI v3 schemas the CRDs are made of (crd.ts, slicedecision-crd.ts), and the
 * pieces both CRDs share: the condition and the explanation of a decision.
 */
export type Schema = Record<string, unknown>;

export const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });
export const str = (extra: Schema = {}): Schema => ({ type: 'string', maxLength: LIMIT.stringMax, ...extra });
export const int = (minimum: number, maximum: number, extra: Schema = {}): Schema => ({ type: 'integer', minimum, maximum, ...extra });
export const num = (minimum: number, maximum: number, extra: Schema = {}): Schema => ({ type: 'number', minimum, maximum, ...extra });
export const enm = (values: readonly string[], extra: Schema = {}): Schema => ({ type: 'string', enum: [...values], ...extra });
export const arr = (items: Schema, maxItems: number, extra: Schema = {}): Schema => ({ type: 'array', items, maxItems, ...extra });
export const d = (description: string): Schema => ({ description });

/** Fields the operator writes: typed and described, without bounds. */
export const numberField = (description: string): Schema => ({ type: 'number', ...d(description) });
export const integerField = (description: string): Schema => ({ type: 'integer', ...d(description) });
export const stringField = (description: string): Schema => ({ type: 'string', ...d(description) });
export const timeField = (description: string): Schema => ({ type: 'string', format: 'date-time', ...d(description) });

export const condition: Schema = obj(
  {
    type: str(d('Condition type, such as Ready, Progressing or Degraded.')),
    status: enm(['True', 'False', 'Unknown'], d('True, False or Unknown.')),
    reason: str({ maxLength: 1024, ...d('CamelCase reason of the last transition, e.g. Provisioned, InvalidSpec, NoSiteMeetsLatency.') }),
    message: { type: 'string', maxLength: 32768, ...d('Human-readable detail: what holds, or what is wrong and with which field or site.') },
    lastTransitionTime: { type: 'string', format: 'date-time', ...d('When status last changed.') },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0, ...d('metadata.generation of the spec the condition was computed for.') },
  },
  { required: ['type', 'status', 'lastTransitionTime'] },
);

/** Why a scaling or placement decision is what it is, with the numbers (src/controller/explain.ts). */
export const explanation = (description: string): Schema =>
  obj(
    {
      text: stringField('The explanation in one readable paragraph.'),
      loadNow: numberField('Observed load, sessions.'),
      forecast: obj(
        {
          quantile: stringField('Quantile provisioned for.'),
          horizonSteps: integerField('Steps ahead the forecast covers.'),
          p50: numberField('Median forecast of the next step.'),
          p90: numberField('90th-percentile forecast of the next step.'),
          p99: numberField('99th-percentile forecast of the next step.'),
          peak: numberField('Peak over the horizon at the quantile: what is provisioned for.'),
          source: stringField('onnx, or the fallback used.'),
        },
        d('The forecast at the horizon used.'),
      ),
      leadTime: obj(
        {
          seconds: numberField('Lead: the CNF\'s startupSeconds plus one telemetry cycle.'),
          load: numberField('Load forecast for now + the lead: what is provisioned for, without calibration.'),
        },
        d('For a LeadTime slice (spec.scaling.capacityBasis): the load when a replica started now would be Ready.'),
      ),
      calibration: numberField('Conformal calibration factor the forecast was multiplied by (1 for a LeadTime decision).'),
      coverage: numberField('Share of observed hours the calibrated capacity covered (0 to 1).'),
      headroomPercent: numberField('Headroom on top of the calibrated forecast, percent.'),
      perReplicaCapacity: numberField('Sessions one replica carries.'),
      provisionedLoad: numberField('Load provisioned for: forecast x calibration x (1 + headroom).'),
      rawReplicas: integerField('Replicas the provisioned load needs, before any bound.'),
      chosenReplicas: integerField('Replicas decided.'),
      bound: stringField('What changed the raw number: None, MinReplicas, MaxReplicas, MaxStep, Stabilization, Approval, Denied, Budget, Pause, RecommendOnly or NoTelemetry.'),
      reactiveReplicas: integerField('What a reactive HPA at the same SLA (observed load x headroom, same bounds) would choose.'),
      placement: obj(
        {
          chosen: arr(stringField('A site.'), LIMIT.sitesMax, d('Sites the UPF runs on.')),
          skipped: arr(obj({ site: stringField('A site.'), reason: stringField('Why not there.') }), LIMIT.sitesMax, d('Each other site, and why not.')),
        },
        d('For the UPF: the chosen sites and why each other site was skipped.'),
      ),
      attribution: arr(
        obj({ factor: stringField('An input group of the model, e.g. "same hour yesterday".'), percent: numberField('Change of the forecast when the group is occluded, percent of the forecast.') }),
        3,
        d('The forecast\'s top three drivers, by occlusion of the model\'s input groups.'),
      ),
    },
    d(description),
  );

/** A namespaced CRD of the group, one served and stored version with a status subresource. */
export function namespacedCrd(o: {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  printerColumns: Schema[];
  spec: Schema;
  status: Schema;
  /** The object's description and any rules on the whole object. */
  root: Schema;
}): Record<string, unknown> {
  const openAPIV3Schema = obj(
    {
      apiVersion: stringField(`Versioned schema of this object: ${o.group}/${o.version}.`),
      kind: stringField(`${o.kind}.`),
      // The API server allows nothing but the type on metadata; kubectl explain shows ObjectMeta's docs.
      metadata: { type: 'object' },
      spec: o.spec,
      status: o.status,
    },
    { required: ['spec'], ...o.root },
  );
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${o.plural}.${o.group}`, labels: { 'app.kubernetes.io/name': 'slice-operator', 'app.kubernetes.io/part-of': 'slice-operator' } },
    spec: {
      group: o.group,
      names: { kind: o.kind, listKind: `${o.kind}List`, plural: o.plural, singular: o.singular, shortNames: o.shortNames, categories: ['telco'] },
      scope: 'Namespaced',
      versions: [{ name: o.version, served: true, storage: true, subresources: { status: {} }, additionalPrinterColumns: o.printerColumns, schema: { openAPIV3Schema } }],
    },
  };
}
