// Spawning the built CLI against an emulator (end-to-end tests).
import { runBuiltCli, type CliResult } from '../support/cli.js';

export { ensureBuilt, type CliResult } from '../support/cli.js';

export function runCli(args: string[], options: { cwd: string; endpoint: string; env?: Record<string, string> }): Promise<CliResult> {
  return runBuiltCli(args, {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: options.cwd,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: options.endpoint,
      AWS_MAX_ATTEMPTS: '1',
      NO_COLOR: '1',
      ...options.env,
    },
  });
}
