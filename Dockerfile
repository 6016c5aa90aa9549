# syntax=docker/dockerfile:1
# slice-operator: multi-stage build. The runtime image holds the compiled operator, production
# node_modules (onnxruntime-node's bundled CPU runtime for linux/x64) and the embedded model.

FROM node:20.19-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# .npmrc keeps onnxruntime-node-install=skip: no CUDA download, the CPU runtime is in the package.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# distroless nodejs: glibc and libstdc++ (onnxruntime-node needs both), no shell, uid 65532.
FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY models ./models
USER 65532:65532
EXPOSE 8080
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
