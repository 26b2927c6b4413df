# syntax=docker/dockerfile:1
#
# appflow-gitops: the reconciliation daemon in a container, next to a checkout of the config repo.
#
#   docker build -t appflow-gitops .
#   docker run --read-only -v appflow-state:/var/lib/appflow-gitops \
#     -v "$PWD/profiles:/config/profiles:ro" -p 8080:8080 appflow-gitops
#
# Two stages: `build` compiles TypeScript with the dev dependencies; `runtime` installs the
# production dependencies only and copies the compiled output, so no compiler, test runner or
# source map tooling ships in the image.
#
# The base image is a build argument so the same file builds against a mirrored or pinned image
# (e.g. `--build-arg NODE_IMAGE=registry.example.com/node:22-bookworm-slim@sha256:...`). The app
# requires Node >= 20.19; the default is the current Node LTS on Debian bookworm (slim).
ARG NODE_IMAGE=node:22-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Manifests first: the dependency layer is reused until package*.json change.
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` script would build before the sources are copied.
# The npm cache is a build cache mount: downloaded once, shared with the runtime stage's install,
# and never part of an image layer.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.mjs scripts/bundle-builtins.mjs scripts/bundle-options.mjs ./scripts/
COPY src ./src
# tsc's dist/src, then the CLI's bundle in dist/bundle (what bin/appflow-gitops.js loads).
RUN npm run build

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="appflow-gitops" \
      org.opencontainers.image.description="GitOps reconciliation daemon for Amazon AppFlow connector profiles" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; no lifecycle scripts run (none of them are needed at runtime).
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY models ./models
COPY schema ./schema
# A numeric, non-root user (no login shell, home = the state directory). Numeric so Kubernetes'
# runAsNonRoot can verify it without reading /etc/passwd. The passwd entry exists only so tools
# that look the user up (id, os.userInfo) work. The state directory is the only writable path:
# the container runs with a read-only root filesystem.
RUN ln -s /app/bin/appflow-gitops.js /usr/local/bin/appflow-gitops \
 && echo 'appflow:x:10001:10001:appflow-gitops:/var/lib/appflow-gitops:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'appflow:x:10001:' >> /etc/group \
 && mkdir -p /config/profiles /var/lib/appflow-gitops \
 && chown 10001:10001 /var/lib/appflow-gitops \
 && chmod 0750 /var/lib/appflow-gitops
USER 10001:10001
# State (inventory, fingerprints, pending write intents with their idempotency tokens) must
# survive restarts: mount a named volume or a PersistentVolumeClaim here.
VOLUME ["/var/lib/appflow-gitops"]
# /healthz, /readyz, /metrics, /status, POST /reconcile.
EXPOSE 8080
# Docker-format images only: OCI images (buildah's default, Kubernetes) ignore HEALTHCHECK, so
# deploy/kubernetes declares liveness/readiness probes on the same endpoints instead.
# No curl/wget in the slim image: Node's fetch does the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and the daemon installs its own SIGTERM/SIGINT/SIGHUP handlers (a process that
# is PID 1 gets no default signal actions from the kernel, so the handlers are what make `docker
# stop` work; the container test proves it). The daemon spawns no child processes, so there are
# no zombies to reap and no init (tini) is needed; `docker run --init` remains harmless.
STOPSIGNAL SIGTERM
ENTRYPOINT ["appflow-gitops"]
CMD ["run", "--profiles", "/config/profiles", "--state", "/var/lib/appflow-gitops", "--listen", "0.0.0.0:8080"]
