#!/usr/bin/env bash
# `npm run test:matrix v1.NN.P`: the e2e suite on another Kubernetes release. Builds that
# release's kube-apiserver, kube-controller-manager, kube-scheduler and kubectl once from the Go
# module proxy (hack/bins/build.sh; v1.31.14 cold: 10m16s CPU, 45m49s wall at nice 19 beside
# other builds at load ~20; 52 s warm), then runs the e2e
# tests against them (v1.31.14: 67 passed, 4 skipped, in 8m23s; v1.37.2, built in 12m21s wall
# at nice 10 beside other work: 98 passed, 4 skipped, 1 fixed since, in 19m21s with the twin
# validation; the image tests run only under npm test, which builds the image). Supported
# minors: Chart.yaml's kubeVersion (1.31-1.37).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="${1:-}"
if [[ ! "$version" =~ ^v?1\.[0-9]+\.[0-9]+$ ]]; then
  echo "usage: npm run test:matrix VERSION   (a Kubernetes release such as v1.31.14 or v1.37.2)" >&2; exit 2
fi
version="v${version#v}"
bash hack/setup.sh
. hack/node.sh
bins="$(SLICE_OPERATOR_K8S_VERSION="$version" bash hack/bins/build.sh)"
shift
SLICE_OPERATOR_ASSETS="$bins" exec node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects e2e --runInBand "$@"
