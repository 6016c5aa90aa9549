#!/usr/bin/env bash
# `npm test`: everything a fresh machine needs, then typecheck, lint, unit and e2e tests.
# The first run builds the control-plane binaries from the Go module proxy (see hack/bins/build.sh);
# later runs reuse ~/.cache/slice-operator. Set SLICE_OPERATOR_ASSETS to use prebuilt binaries.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash hack/setup.sh
# Node.js 24 LTS first on PATH for everything below (hack/setup.sh installed it if needed).
. hack/node.sh
echo "==> node $(node --version)"

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

echo "==> typecheck"; npx tsc -p tsconfig.json --noEmit
echo "==> lint"; npx eslint . --max-warnings=0
echo "==> CRD accepted by Kubernetes 1.31, 1.34 and 1.37 (each minor's own apiextensions validation)"
bash hack/crd-check/check.sh crds/*.yaml
echo "==> pipeline lints: helm lint --strict, kubeconform -strict (1.31, 1.34, 1.37), hadolint"
bash hack/lint/pipeline.sh

# The container image, when buildah is here (hack/setup.sh installs it on Debian): built once per
# change of its inputs, then run by test/e2e/image.test.ts. SLICE_SKIP_IMAGE=1 leaves it out.
if [[ -z "${SLICE_SKIP_IMAGE:-}" ]] && command -v buildah >/dev/null && command -v podman >/dev/null; then
  echo "==> container image (npm run image)"
  image_start=$(date +%s)
  bash hack/image/build.sh
  export SLICE_E2E_IMAGE=localhost/slice-operator:dev
  echo "    image step: $(( $(date +%s) - image_start ))s"
fi

# KEDA (operator and metrics API server), for the e2e test that validates the what-if twin against
# a real KEDA/HPA (test/e2e/twin-validation.test.ts): built once into the cache, like the control plane.
echo "==> KEDA (hack/keda/build.sh)"
keda_start=$(date +%s)
bash hack/keda/build.sh >/dev/null
echo "    KEDA step: $(( $(date +%s) - keda_start ))s"

jest() { node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"; }
status=0
echo "==> unit tests"
jest --selectProjects unit --json --outputFile="$results/unit.json" || status=$?
echo "==> e2e tests (real kube-apiserver, etcd, controller-manager, scheduler, kwok)"
jest --selectProjects e2e --runInBand --json --outputFile="$results/e2e.json" || status=$?

# One plain summary line over both runs, so CI can read what ran.
node -e '
  const fs = require("fs"); let p = 0, f = 0, s = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { f += 1; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    p += r.numPassedTests; f += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0); s += r.numPendingTests;
  }
  console.log(`tests: ${p} passed, ${f} failed, ${s} skipped`);
' "$results/unit.json" "$results/e2e.json"
exit "$status"
