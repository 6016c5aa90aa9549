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

export interface CnfReadiness {
  delayMs: number;
  jitterMs: number;
}

/** About a minute for a UPF, with jitter: the rig's default when a delay is asked for. */
export const UPF_READINESS: CnfReadiness = { delayMs: 60_000, jitterMs: 30_000 };

export const CNF_SELECTOR_LABEL = 'app.kubernetes.io/component';

const READY_TEMPLATE = `    statusTemplate: |
      {{ $now := Now }}

      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Initialized
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Ready
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: ContainersReady
      {{ range .spec.readinessGates }}
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: {{ .conditionType | Quote }}
      {{ end }}

      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}

      initContainerStatuses:
      {{ range .spec.initContainers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        {{ if eq .restartPolicy "Always" }}
        started: true
        state:
          running:
            startedAt: {{ $now | Quote }}
        {{ else }}
        state:
          terminated:
            exitCode: 0
            finishedAt: {{ $now | Quote }}
            reason: Completed
            startedAt: {{ $now | Quote }}
        {{ end }}
      {{ end }}

      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Running
      startTime: {{ $now | Quote }}
`;

function podReady(name: string, cnf: 'In' | 'NotIn', delay?: CnfReadiness): string {
  return `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ${name}
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.podIP'
      operator: 'DoesNotExist'
    - key: '.metadata.labels["${CNF_SELECTOR_LABEL}"]'
      operator: '${cnf}'
      values:
      - 'cnf'
${delay ? `  delay:\n    durationMilliseconds: ${Math.round(delay.delayMs)}\n    jitterDurationMilliseconds: ${Math.round(delay.delayMs + delay.jitterMs)}\n` : ''}  next:
${READY_TEMPLATE}`;
}

const POD_COMPLETE = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-complete
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values:
      - 'Running'
    - key: '.metadata.ownerReferences.[].kind'
      operator: 'In'
      values:
      - 'Job'
  next:
    statusTemplate: |
      {{ $now := Now }}
      {{ $root := . }}
      containerStatuses:
      {{ range $index, $item := .spec.containers }}
      {{ $origin := index $root.status.containerStatuses $index }}
      - image: {{ $item.image | Quote }}
        name: {{ $item.name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: 0
            finishedAt: {{ $now | Quote }}
            reason: Completed
            startedAt: {{ $now | Quote }}
      {{ end }}
      phase: Succeeded
`;

const POD_DELETE = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-delete
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'Exists'
  next:
    finalizers:
      empty: true
    delete: true
`;

/** The kwok --config file's content: the pod stages with the CNF start-up delay. */
export function kwokStageConfig(delay: CnfReadiness): string {
  if (!(delay.delayMs >= 0 && delay.jitterMs >= 0)) throw new RangeError(`CNF readiness delay must be >= 0 ms, got ${JSON.stringify(delay)}`);
  return [podReady('pod-ready', 'NotIn'), podReady('pod-ready-cnf', 'In', delay), POD_COMPLETE, POD_DELETE].join('---\n');
}
