# Node.js 24 LTS for the tests, the demo and CI. Source it (`. hack/node.sh`) to get it first on
# PATH, or run `bash hack/node.sh CMD...` to run CMD with it. When the machine's node is older,
# the official build is installed from the npm registry (package node-linux-<arch>, which holds
# the `node` binary only; the machine's npm runs on it through `#!/usr/bin/env node`) into
# ~/.cache/slice-operator/node/v$SLICE_NODE_VERSION, once, and used from there.
SLICE_NODE_VERSION=24.22.3
slice_node_ensure() {
  local have
  have="$(node -p 'process.versions.node' 2>/dev/null || echo 0)"
  if [[ "${have%%.*}" -ge 24 ]]; then return 0; fi
  local arch; case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) echo "error: no Node.js 24 package for $(uname -m)" >&2; return 2 ;; esac
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/slice-operator/node/v$SLICE_NODE_VERSION-linux-$arch"
  if [[ ! -x "$dir/bin/node" ]]; then
    echo "==> Node.js $SLICE_NODE_VERSION from the npm registry (node-linux-$arch; the machine has ${have})" >&2
    local tmp; tmp="$(mktemp -d)"
    # npm pack checks the tarball against the registry's integrity hash.
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$SLICE_NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp/x" && rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && mv "$tmp/x/package" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
}
slice_node_ensure || { echo "error: Node.js 24 is needed and could not be installed" >&2; exit 2; }
if [[ "${BASH_SOURCE[0]}" == "$0" && $# -gt 0 ]]; then exec "$@"; fi
