// Runs the container proof (run-container-test.sh: buildah build of the real Dockerfile, podman
// run read-only as uid 10001 against the emulator, SIGTERM) from vitest, when asked to.
//
// It takes minutes (two `npm ci` runs inside the build), so `npm test` skips it unless
// APPFLOW_GITOPS_CONTAINER_TEST=1; CI runs the script directly from .ci/run instead.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./run-container-test.sh', import.meta.url));

function missingTools(): string[] {
  return ['buildah', 'podman', 'runc', 'slirp4netns', 'busybox'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
  );
}

function skipReason(): string | undefined {
  if (process.env.APPFLOW_GITOPS_CONTAINER_TEST !== '1') {
    return 'set APPFLOW_GITOPS_CONTAINER_TEST=1 to build and run the image (several minutes; CI runs test/container/run-container-test.sh directly)';
  }
  if (process.getuid?.() !== 0) return 'needs root (rootful podman)';
  const missing = missingTools();
  if (missing.length > 0) return `missing tools: ${missing.join(', ')} (apt-get install buildah podman runc slirp4netns busybox-static)`;
  return undefined;
}

const reason = skipReason();
if (reason) console.warn(`[container] image test skipped: ${reason}`);

describe('container image', () => {
  it.skipIf(reason !== undefined)(
    'builds from the Dockerfile, runs read-only as non-root, reconciles the profiles, reacts to SIGHUP and stops cleanly on SIGTERM',
    () => {
      const run = spawnSync('bash', [script], { encoding: 'utf8', timeout: 20 * 60_000 });
      if (run.status !== 0) console.error(run.stdout, run.stderr);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('container-test PASSED');
      expect(run.stdout).toMatch(/SIGHUP ok: it triggered a reconcile/);
      expect(run.stdout).toMatch(/SIGTERM ok: exit code 0/);
    },
    21 * 60_000,
  );
});
