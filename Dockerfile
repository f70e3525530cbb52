# syntax=docker/dockerfile:1
# 合规助手 (Compliance Assistant). Build: docker build -t compliance-assistant .
# Run:   docker run -d --env-file .env -v compliance-data:/data -p 3000:3000 compliance-assistant
# See docs/operations.md.

# ---- build: compilers for the native modules, dev dependencies for tsc ----
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# better-sqlite3 and hnswlib-node are compiled here from source, against this image's Node and
# glibc, never downloaded as prebuilt binaries.
ENV npm_config_build_from_source=true
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/copy-build-assets.mjs ./scripts/
# `npm ci` installs and, through the `prepare` script, compiles src/ to dist/.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: no compilers, no dev dependencies, not root ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY knowledge ./knowledge
COPY prompts ./prompts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# 503 from /healthz (a configured platform, the database or the index is down) marks the
# container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exit code 2 = configuration error (named on stderr): use --restart on-failure, and read `docker logs`.
CMD ["node", "dist/main.js"]
