import { GROUP, LIMIT, VERSION } from './limits.js';
import { arr, condition, d, enm, explanation, integerField, namespacedCrd, obj, stringField, timeField, type Schema } from './openapi.js';
import { DECISION_ACTIONS, DECISION_KIND, DECISION_PLURAL } from './slicedecision.js';

/**
 * The SliceDecision CustomResourceDefinition (see slicedecision.ts). Its spec is immutable: a
 * person approves the change as proposed. In status, Approved and Denied exclude each other and
 * are final once True, as cert-manager's CertificateRequest approval: the API server enforces it
 * with the CEL rules below, whoever writes.
 */
const answered = (s: string, t: string): string => `${s}.exists(c, c.type == '${t}' && c.status == 'True')`;

const specSchema: Schema = obj(
  {
    slice: stringField('The NetworkSlice the decision is for (its owner).'),
    cnf: stringField('The CNF it changes (spec.cnfs[].name of the slice).'),
    action: enm(DECISION_ACTIONS, d('Scale: change the replicas. Replace: move the UPF to other sites. Rollback: run the CNF on its last healthy image.')),
    fromReplicas: integerField('Replicas when proposed.'),
    toReplicas: integerField('Replicas proposed.'),
    fromSites: arr(stringField('A site.'), LIMIT.sitesMax, d('UPF sites when proposed.')),
    toSites: arr(stringField('A site.'), LIMIT.sitesMax, d('UPF sites proposed.')),
    fromImage: stringField('Rollback: the image that fails.'),
    toImage: stringField('Rollback: the last image all the CNF\'s pods ran ready on.'),
    anomaly: obj({ kind: stringField('The Anomalous reason, e.g. CNFFailing.'), message: stringField('The evidence.') }, { required: ['kind', 'message'], ...d('The anomaly a repair answers, with its evidence.') }),
    reason: stringField('Reason of the scaling decision, e.g. ForecastScaleUp.'),
    needsApproval: arr(stringField('A rule of spec.automation.policy.'), 8, d('Which rules of the slice\'s automation policy the change is outside of.')),
    explanation: explanation('Why the change, with the numbers.'),
    proposedAt: timeField('When the operator proposed it.'),
    expiresAt: timeField('After this time it is never applied, approved or not.'),
  },
  {
    required: ['slice', 'cnf', 'action', 'fromReplicas', 'toReplicas', 'reason', 'needsApproval', 'explanation', 'proposedAt', 'expiresAt'],
    'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'spec is immutable: a decision is approved or denied as proposed' }],
    ...d('The proposed change (written by the operator).'),
  },
);

const statusSchema: Schema = obj(
  {
    conditions: arr(condition, 8, {
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
      ...d('Approved or Denied (set by an approver through the status subresource); Applied or Expired (set by the operator).'),
    }),
  },
  {
    'x-kubernetes-validations': [
      { rule: `!has(self.conditions) || !(${answered('self.conditions', 'Approved')} && ${answered('self.conditions', 'Denied')})`, message: 'a decision cannot be both Approved and Denied' },
      {
        rule: `!has(oldSelf.conditions) || ['Approved', 'Denied'].all(t, !oldSelf.conditions.exists(c, c.type == t && c.status == 'True') || (has(self.conditions) && self.conditions.exists(c, c.type == t && c.status == 'True')))`,
        message: 'an approval or denial is final',
      },
    ],
    ...d('The answer and the outcome.'),
  },
);

const printerColumns = [
  { name: 'Slice', type: 'string', jsonPath: '.spec.slice', description: 'The slice.' },
  { name: 'CNF', type: 'string', jsonPath: '.spec.cnf', description: 'The CNF.' },
  { name: 'Action', type: 'string', jsonPath: '.spec.action', description: 'Scale, Replace or Rollback.' },
  { name: 'From', type: 'integer', jsonPath: '.spec.fromReplicas', description: 'Replicas when proposed.' },
  { name: 'To', type: 'integer', jsonPath: '.spec.toReplicas', description: 'Replicas proposed.' },
  { name: 'Approved', type: 'string', jsonPath: '.status.conditions[?(@.type=="Approved")].status', description: 'True when approved.' },
  { name: 'Denied', type: 'string', jsonPath: '.status.conditions[?(@.type=="Denied")].status', description: 'True when denied.' },
  { name: 'Applied', type: 'string', jsonPath: '.status.conditions[?(@.type=="Applied")].status', description: 'True once the operator applied it.' },
  { name: 'Expires', type: 'date', jsonPath: '.spec.expiresAt', description: 'When it expires unapplied.' },
  { name: 'Reason', type: 'string', jsonPath: '.spec.reason', priority: 1, description: 'Reason of the scaling decision.' },
];

export function sliceDecisionCrd(): Record<string, unknown> {
  const root = d('A change the operator proposes for a NetworkSlice, waiting for a person to approve or deny it.');
  return namespacedCrd({ group: GROUP, version: VERSION, kind: DECISION_KIND, plural: DECISION_PLURAL, singular: 'slicedecision', shortNames: ['sdec'], printerColumns, spec: specSchema, status: statusSchema, root });
}
