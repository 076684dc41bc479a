# syntax=docker/dockerfile:1
# The Twinstream image: one image, every process; the entrypoint is the `twin` tool, so a workload passes its
# subcommand (`processor`, `projector`, `api`, `notifier`, `migrate`, `report`, `retention`, `train`) as args.
#   docker build -t twinstream .
#   docker run --rm twinstream --help

# --- build: compile TypeScript and the Kafka client (librdkafka) against Debian's libraries -------------------
FROM node:24-bookworm AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Dynamic linking against the system libraries above (as scripts/bootstrap.sh does); node-gyp uses this Node's
# own headers instead of downloading them.
RUN CKJS_LINKING=dynamic npm_config_nodedir=/usr/local npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY processors ./processors
COPY schemas ./schemas
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: only what `twin` reads when it runs ---------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends libssl3 zlib1g libzstd1 liblz4-1 libsasl2-2 tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
# Read at runtime, found by walking up from dist/: package.json + drizzle/ (src/db/migrate.ts, migrations) and
# schemas/*.avsc (schemas/schema-files.ts; tsc does not copy them). bin/twin.js loads dist/src/apps/cli.js.
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root drizzle ./drizzle
COPY --chown=root:root schemas/*.avsc ./schemas/
COPY --chown=root:root config ./config
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# Files stay root-owned and read-only to the process; it runs as an unprivileged user with no home to write.
USER 10001:10001
# As src/apps/node-flags.ts: a young generation big enough for a 50,000-message batch (less CPU in GC).
ENV NODE_OPTIONS="--max-semi-space-size=64"
ENTRYPOINT ["tini", "--", "node", "bin/twin.js"]
CMD ["--help"]
