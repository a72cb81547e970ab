# syntax=docker/dockerfile:1
# Longshore's image: compiled JavaScript on Node 24, production dependencies only, non-root.
# No container engine runs on the project's machines; CI runs the build stage's commands and
# starts the result as this image would (see README, "The image").

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
# The dashboard's page (Preact, bundled by esbuild, a development dependency): dist/ui.
COPY ui ./ui
RUN npm run build:ui

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production LONGSHORE_LISTEN_ADDRESS=0.0.0.0
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY crds ./crds
# The image's unprivileged user (uid 1000); the Deployment also sets runAsNonRoot.
USER 1000:1000
EXPOSE 8080 8081
# A young generation of 2 MiB semi-spaces instead of V8's default (up to 16 MiB): a much smaller
# resident set for a little more CPU while stacks are created; --expose-gc lets the process
# collect a burst's garbage once it is quiet (src/main/idle-gc.ts). bench/README.md, "Memory".
CMD ["node", "--max-semi-space-size=2", "--expose-gc", "dist/main/index.js"]
