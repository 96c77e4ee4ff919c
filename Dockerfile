# syntax=docker/dockerfile:1
#
# The gateway (and the standalone sandbox) as a container image, in two stages:
#   build:   every dependency, then `npm run build` (tsc to dist/);
#   runtime: production dependencies only, dist/ and the files read at run time, as user `node`.
# Start: `node dist/main.js` (the default) or `node dist/sandbox/main.js` (the standalone sandbox).
#
# test/production/built-artifact.test.ts parses this file and runs these very steps as plain
# commands in a temporary directory (no container runtime there), then starts the result: keep
# to the instructions it knows (FROM, WORKDIR, COPY, RUN, ENV, USER, EXPOSE, HEALTHCHECK, CMD).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# Read at run time, found one level up from dist/ as from src/: the SDL and Stripe's OpenAPI
# description (which the sandbox serves and validates against).
COPY schema ./schema
COPY stripe-spec/openapi-fc.json ./stripe-spec/
COPY --from=build /app/dist ./dist
# Files stay root's: the process can read its code but not change it.
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, no npm or shell in between: SIGTERM reaches node, which drains and exits 0.
CMD ["node", "dist/main.js"]
