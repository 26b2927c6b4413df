import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration and end-to-end tests start HTTP servers and child processes; on a 2-core
    // machine a generous timeout avoids flakes without hiding hangs.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file gets its own process so servers, timers and env changes never leak across files.
    pool: 'forks',
    // Builds dist/ once per run when a source is newer than its build (e2e tests spawn the CLI).
    globalSetup: ['test/support/build-once.ts'],
  },
});
