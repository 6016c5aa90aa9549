# Shared settings of `npm run image` and the image e2e test: a private container storage under
# ~/.cache/slice-operator/containers (nothing in /var/lib/containers; `rm -rf` removes it all),
# runc (crun refuses these hosts' hybrid cgroups) and the host's hard rlimits (the sandbox refuses
# higher ones, which podman asks for by default). Source it.
SLICE_CONTAINERS="${XDG_CACHE_HOME:-$HOME/.cache}/slice-operator/containers"
mkdir -p "$SLICE_CONTAINERS/storage" "$SLICE_CONTAINERS/run"
cat > "$SLICE_CONTAINERS/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$SLICE_CONTAINERS/storage"
runroot = "$SLICE_CONTAINERS/run"
CONF
export CONTAINERS_STORAGE_CONF="$SLICE_CONTAINERS/storage.conf"
SLICE_NOFILE="$(ulimit -Hn)"
SLICE_CONTAINER_FLAGS=(--runtime runc --ulimit "nofile=$SLICE_NOFILE:$SLICE_NOFILE" --ulimit nproc=32768:32768)
SLICE_IMAGE="${SLICE_IMAGE:-localhost/slice-operator:dev}"
