// vitest globalSetup: end-to-end tests spawn the built CLI (dist/), so a test file run on its own
// must not exercise a stale build. Once per `vitest run`, every source under src/ is compared
// with its build output and `tsc` runs only when one is missing or older. After `npm test`'s
// pretest build this is a few hundred stat calls and no second build.
import { ensureBuilt } from './cli.js';

export default function setup(): void {
  ensureBuilt();
}
