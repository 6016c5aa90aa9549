#!/usr/bin/env bash
# Makes local stand-ins for the Dockerfile's two base images when no container registry is
# reachable, and prints the two --build-arg values for them. Each is made once (tagged with the
# Node.js version and this script's hash) and reused:
#   build:   Debian bookworm minbase (debootstrap from the machine's Debian mirror) + Node.js 24
#            + npm + the host's CA bundle, like node:24-bookworm-slim;
#   runtime: distroless-like: the Debian packages distroless nodejs is made of (libc, libstdc++,
#            libssl, tzdata, CA certificates...) unpacked with dpkg-deb, node at /nodejs/bin/node,
#            user and group 65532 (nonroot), no shell, no package manager.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/env.sh"
. "$here/../node.sh"
node_bin="$(command -v node)"
nv="$(node -p process.versions.node)"
key="$(cat "$here/bases.sh" | sha256sum | cut -c1-8)"
build_tag="localhost/slice-operator/build-base:node$nv-$key"
runtime_tag="localhost/slice-operator/runtime-base:node$nv-$key"
log() { echo "[image] $*" >&2; }
work="$(mktemp -d "$SLICE_CONTAINERS/rootfs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

mirror="$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
mirror="${mirror:-$(sed -n 's/^deb \(http[^ ]*debian\) bookworm .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)}"
mirror="${mirror:-http://deb.debian.org/debian}"

if ! podman image exists "$build_tag"; then
  log "making the build base stand-in $build_tag (debootstrap bookworm minbase from $mirror)"
  t0=$(date +%s)
  debootstrap --variant=minbase bookworm "$work/build" "$mirror" >/dev/null
  install -D -m 0755 "$node_bin" "$work/build/usr/local/bin/node"
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  mkdir -p "$work/build/usr/local/lib/node_modules" && cp -a "$npm_dir" "$work/build/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/build/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/build/usr/local/bin/npx"
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$work/build/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$work/build/var/cache/apt/archives"/*.deb "$work/build/var/lib/apt/lists"/*
  tar -C "$work/build" -c . | podman import --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]' - "$build_tag" >/dev/null
  log "build base in $(( $(date +%s) - t0 ))s"
fi

if ! podman image exists "$runtime_tag"; then
  log "making the runtime base stand-in $runtime_tag (Debian packages as distroless nodejs)"
  t0=$(date +%s)
  mkdir -p "$work/debs" "$work/rt"
  (cd "$work/debs" && apt-get download -qq base-files netbase tzdata ca-certificates libc6 libssl3 libgcc-s1 libgomp1 libstdc++6 >/dev/null)
  for d in "$work/debs"/*.deb; do dpkg-deb -x "$d" "$work/rt"; done
  rm -rf "$work/rt/usr/share/doc" "$work/rt/usr/share/man" "$work/rt/usr/share/lintian" "$work/rt/usr/share/locale"
  # ca-certificates builds its bundle in a maintainer script; do what it does.
  mkdir -p "$work/rt/etc/ssl/certs" && cat "$work/rt/usr/share/ca-certificates"/*/*.crt > "$work/rt/etc/ssl/certs/ca-certificates.crt"
  install -D -m 0755 "$node_bin" "$work/rt/nodejs/bin/node"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$work/rt/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$work/rt/etc/group"
  mkdir -p "$work/rt/home/nonroot" "$work/rt/tmp" && chown 65532:65532 "$work/rt/home/nonroot" && chmod 1777 "$work/rt/tmp"
  tar -C "$work/rt" -c . | podman import --change 'USER 65532:65532' --change 'WORKDIR /home/nonroot' \
    --change 'ENTRYPOINT ["/nodejs/bin/node"]' - "$runtime_tag" >/dev/null
  log "runtime base in $(( $(date +%s) - t0 ))s"
fi
echo "--build-arg BUILD_IMAGE=$build_tag --build-arg RUNTIME_IMAGE=$runtime_tag"
