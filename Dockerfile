# syntax=docker/dockerfile:1
# batch-load: load tester for OpenAI-compatible inference services.
#
#   docker build -t batch-load:0.1.0 .
#   docker run --rm batch-load:0.1.0 --preset smoke --run-time 30s          # embedded mock
#   docker run --rm --read-only --tmpfs /tmp -v "$PWD/results:/results" \
#     batch-load:0.1.0 --host http://host.docker.internal:3001 --json /results/report.json
#
# test/docker/replay.test.ts replays the RUN/COPY steps below in a temporary directory
# (no Docker engine needed); keep RUN steps to npm, ln, mkdir, chmod, chown and rm.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile TypeScript (src -> dist) --------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile before src/ is here; the build runs explicitly below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies only, non-root, read-only root filesystem -----------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOME=/tmp \
    npm_config_cache=/tmp/.npm \
    npm_config_update_notifier=false
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no `prepare` (there is no TypeScript here) and no install scripts.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf /tmp/.npm
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY test_data ./test_data
# `batch-load` on PATH without npm link; /results is the only place the tester writes besides /tmp.
RUN chmod 0755 /app/bin/batch-load.js && ln -s /app/bin/batch-load.js /usr/local/bin/batch-load && mkdir -p /results && chown 1000:1000 /results
# uid/gid 1000 is the image's `node` user; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
VOLUME ["/results"]
ENTRYPOINT ["batch-load"]
CMD ["--help"]
