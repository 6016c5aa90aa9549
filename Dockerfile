# syntax=docker/dockerfile:1
# slice-operator: multi-stage build. The runtime image holds the compiled operator, production
# node_modules (onnxruntime-node's CPU runtime for the target platform only) and the embedded model.
#
# Base images are pinned by digest (Node.js 24 LTS). `npm run image` builds without a registry by
# passing locally made stand-ins as BUILD_IMAGE / RUNTIME_IMAGE (hack/image/README.md).
ARG BUILD_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot@sha256:14d42e2511532589a7c7e01a753667a74fcc96266e137e8125006b87b0c32d0a

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# onnxruntime-node's install script would download CUDA binaries; the CPU runtime is in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# onnxruntime-node ships its native runtime for darwin, win32 and linux on x64 and arm64 (about
# 290 MB); keep the build platform's only (napi-v6/<platform>/<arch>).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
 && keep="$(node -p 'process.platform + "/" + process.arch')" \
 && find node_modules/onnxruntime-node/bin/napi-v6 -mindepth 2 -maxdepth 2 -type d ! -path "*/napi-v6/$keep" -exec rm -rf {} + \
 && test -d "node_modules/onnxruntime-node/bin/napi-v6/$keep"

# distroless nodejs: glibc and libstdc++ (onnxruntime-node needs both), no shell, uid 65532.
FROM ${RUNTIME_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY models ./models
USER 65532:65532
# /metrics (HTTPS by default, --metrics-secure) and the probes /healthz, /readyz (plain HTTP).
EXPOSE 8443 8081
# Memory settings, for a process that holds every slice in its caches (figures at 10,000 slices
# in docs/benchmarks.md). Node.js sizes V8's heap from the container's memory limit by itself.
# --optimize-for-size: V8 favours memory over speed (a smaller heap, possibly for some CPU).
# MALLOC_ARENA_MAX=2: glibc keeps fewer per-thread malloc arenas, so less memory sits idle in them.
# MALLOC_MMAP_THRESHOLD_=131072: glibc maps each allocation of 128 KiB or more on its own and
# unmaps it on free, instead of raising the threshold and keeping such blocks in its heap; the
# batched inference's tensors and Prometheus's answers are such blocks, once a cycle.
# The scale benchmark reads the ENTRYPOINT's flags and the ENV lines below and runs the operator with them.
ENV MALLOC_ARENA_MAX=2
ENV MALLOC_MMAP_THRESHOLD_=131072
ENTRYPOINT ["/nodejs/bin/node", "--optimize-for-size", "dist/cmd/operator.js"]
