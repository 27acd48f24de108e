# The service image: one build, two processes (api; background = Temporal worker + task bridge + outbox relay),
# or the background roles apart (temporal-worker, task-bridge, outbox-relay), chosen by the command, plus `provision` for migrations, queues, bucket and search index.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json && cp -r migrations dist/migrations \
 && node dist/ops/scripts/bundle-workflows.js dist/workflow-bundle.js \
 && npx tsx ops/scripts/build-console.ts && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
CMD ["node", "--max-old-space-size=384", "--max-semi-space-size=8", "dist/api/server.js"]
