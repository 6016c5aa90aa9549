/**
 * kwok Stages for pods, in place of kwok's default "fast" set (kwok v0.7.0
 * kustomize/stage/pod/fast: pod-ready, pod-complete, pod-delete), with one change: a CNF pod
 * (label app.kubernetes.io/component=cnf, as the operator's Deployments and a what-if twin's
 * carry) becomes Running and Ready only after a start-up delay drawn uniformly from
 * [delayMs, delayMs + jitterMs] (kwok draws from [durationMilliseconds,
 * jitterDurationMilliseconds]): a UPF pulls its image, starts and associates with the SMF over
 * PFCP before it carries sessions. Until then it is Pending, counted in the Deployment's
 * status.replicas but not readyReplicas. Other pods are Ready at once, as with the defaults.
 * kwok uses given Pod stages instead of its defaults, and keeps its default Node stages.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

export interface CnfReadiness {
  delayMs: number;
  jitterMs: number;
}

/** About a minute for a UPF, with jitter: the rig's default when a delay is asked for. */
export const UPF_READINESS: CnfReadiness = { delayMs: 60_000, jitterMs: 30_000 };

export const CNF_SELECTOR_LABEL = 'app.kubernetes.io/component';

interface Stage {
  metadata: { name: string };
  spec: { selector: { matchExpressions: { key: string; operator: string; values?: string[] }[] }; delay?: { durationMilliseconds: number; jitterDurationMilliseconds: number } };
}

/** kwok's fast pod stages, as kwok-pod-stages.yaml holds them (verbatim from kwok v0.7.0). */
function fastPodStages(): Stage[] {
  const text = readFileSync(fileURLToPath(new URL('./kwok-pod-stages.yaml', import.meta.url)), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS() as Stage);
}

/** kwok's pod-ready stage for pods with (In) or without (NotIn) the CNF label, with a delay if given. */
function podReady(base: Stage, name: string, cnf: 'In' | 'NotIn', delay?: CnfReadiness): Stage {
  const s = structuredClone(base);
  s.metadata.name = name;
  s.spec.selector.matchExpressions.push({ key: `.metadata.labels["${CNF_SELECTOR_LABEL}"]`, operator: cnf, values: ['cnf'] });
  if (delay) s.spec.delay = { durationMilliseconds: Math.round(delay.delayMs), jitterDurationMilliseconds: Math.round(delay.delayMs + delay.jitterMs) };
  return s;
}

/** The kwok --config file's content: the pod stages with the CNF start-up delay. */
export function kwokStageConfig(delay: CnfReadiness): string {
  if (!(delay.delayMs >= 0 && delay.jitterMs >= 0)) throw new RangeError(`CNF readiness delay must be >= 0 ms, got ${JSON.stringify(delay)}`);
  const stages = fastPodStages();
  const ready = stages.find((s) => s.metadata.name === 'pod-ready')!;
  const rest = stages.filter((s) => s !== ready);
  return [podReady(ready, 'pod-ready', 'NotIn'), podReady(ready, 'pod-ready-cnf', 'In', delay), ...rest].map((s) => stringify(s, { lineWidth: 0 })).join('---\n');
}
