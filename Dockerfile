# veeam-chatops image. Stages: deps (all dependencies) → build (tsc to dist/) → runtime (node:20-slim, production
# dependencies only, non-root). The `sim` stage runs the EM simulator for compose.yaml's try-out; never deploy it.
# test/service/production-build.test.ts runs the runtime stage's steps outside a container.

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# The EM simulator runs from TypeScript via tsx, a dev dependency: this stage keeps them all.
FROM deps AS sim
COPY tsconfig.json ./
COPY src ./src
USER node
EXPOSE 9398
CMD ["npm", "run", "sim"]

FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No production dependency has an install script (only esbuild, a dev one), so none is run.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The watches and the incident monitor's memory survive restarts and image upgrades on this volume.
RUN mkdir -p /var/lib/veeam-chatops && chown node:node /var/lib/veeam-chatops
ENV VEEAM_STATE_FILE=/var/lib/veeam-chatops/state.json \
    PORT=3000 \
    HEALTH_PORT=3001
VOLUME ["/var/lib/veeam-chatops"]
USER node
# 3000: HTTP mode (/slack/events, /healthz, /readyz). 3001: Socket Mode's /healthz and /readyz.
EXPOSE 3000 3001
# node:20-slim has no curl; the script asks /healthz on PORT (HTTP mode) or HEALTH_PORT (Socket Mode).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "dist/health/healthcheck.js"]
# main.ts stops within 10 s of SIGTERM (state saved, EM logged out); give it that long (docker stop -t 15).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
