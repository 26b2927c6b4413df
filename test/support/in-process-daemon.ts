// A full daemon in-process (src/runtime/run-daemon.ts) against an emulator over HTTP, as the
// daemon tests start it: a loopback port of its own, an hour between resyncs (a test triggers
// its passes and waits on `whenIdle`, never on the clock), nothing destructive allowed unless
// the test says so; with the emulator and a work directory it needs, each stopped or removed when
// the test finishes (daemon first). And a logger whose lines the test can read back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { onTestFinished } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { createLogger, type Logger, type LoggerOptions } from '../../src/logging/logger.js';
import { startDaemon, type RunDaemonConfig, type RunningDaemon } from '../../src/runtime/run-daemon.js';
import { emulatorAwsSettings } from './emulator-harness.js';

export interface TestDaemonSettings extends Partial<RunDaemonConfig> {
  profilesDir: string;
  stateDir: string;
  logger: Logger;
}

/** Started for the current test and stopped when it finishes (before what was set up earlier: teardown runs in reverse). */
export async function startTestDaemon(emulator: Pick<RunningEmulator, 'endpoint'>, settings: TestDaemonSettings): Promise<RunningDaemon> {
  const daemon = await startDaemon({
    resyncIntervalMs: 3_600_000,
    listen: { host: '127.0.0.1', port: 0 },
    prune: false,
    allowReplace: false,
    maxDeletes: 5,
    allowEmpty: false,
    allowPlaintextCredentials: false,
    embeddedEmulator: false,
    aws: emulatorAwsSettings(emulator),
    ...settings,
  });
  onTestFinished(() => daemon.stop());
  return daemon;
}

/** An emulator on a free loopback port for the current test, closed when it finishes. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({ port: 0, ...options });
  onTestFinished(() => emulator.close());
  return emulator;
}

/** A fresh directory for the current test, removed when it finishes. */
export async function testWorkDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface CapturedLogger {
  logger: Logger;
  /** Every line logged so far (JSON lines unless the format says otherwise). */
  text(): string;
}

/** A logger writing into memory (JSON lines by default). */
export function capturedLogger(options: Omit<LoggerOptions, 'destination'> = {}): CapturedLogger {
  let text = '';
  const destination = new Writable({
    write: (chunk, _encoding, done) => {
      text += String(chunk);
      done();
    },
  });
  return { logger: createLogger({ format: 'json', ...options, destination }), text: () => text };
}
