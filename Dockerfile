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
# No V8 flags: Node.js sizes V8's heap from the container's memory limit (the chart's 512Mi gives a
# 259 MB heap limit). --max-semi-space-size=2 was tried here: under that limit it changed nothing
# measurable (251 vs 249 MB RSS at 10,000 slices, docs/benchmarks.md). The scale benchmark reads
# the flags from this line and runs the operator with them.
ENTRYPOINT ["/nodejs/bin/node", "dist/cmd/operator.js"]
