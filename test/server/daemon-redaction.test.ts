// In-process daemon against the emulator over HTTP (real SDK clients): a terminal AWS rejection
// whose message echoes a secret (the worst case) must not leak the value into logs, /status,
// /metrics or state files; editing the file releases the terminal hold and the profile converges.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturedLogger, startTestDaemon, startTestEmulator, testWorkDir } from '../support/in-process-daemon.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';

const API_KEY = 'SENTINEL-SECRET-api-key-d41e';
const APP_KEY = 'SENTINEL-SECRET-app-key-88a0';

function profile(instanceUrl: string): string {
  return JSON.stringify(datadogDocument('leaky', { secret: 'redaction/datadog', instanceUrl }));
}

describe('daemon redaction and terminal failures (in-process, emulator over HTTP)', () => {
  it('keeps secrets out of every channel when AWS echoes one in an error, and retries after the file changes', async () => {
    const emu = await startTestEmulator({ seed: { secrets: [{ name: 'redaction/datadog', secretString: JSON.stringify({ apiKey: API_KEY, applicationKey: APP_KEY }) }] } });
    const work = await testWorkDir('redaction-');
    const profiles = join(work, 'profiles');
    const state = join(work, 'state');
    await mkdir(profiles);
    await writeFile(join(profiles, 'leaky.json'), profile('https://api.datadoghq.com'));
    emu.faults.failNext('CreateConnectorProfile', 1, { status: 400, code: 'ValidationException', message: `apiKey ${API_KEY} is not valid` });

    const log = capturedLogger({ level: 'debug' });
    const d = await startTestDaemon(emu, { profilesDir: profiles, stateDir: state, logger: log.logger });
    await waitFor(() => d.daemon.status().lastReconcile, 10_000);
    await d.daemon.whenIdle();

    const status = await (await fetch(`${d.url}/status`)).text();
    const parsed = JSON.parse(status) as { profiles: { name: string; condition: string; reason: string; lastError?: { code: string; terminal: boolean }; backoff?: { waitingForInputChange: boolean } }[] };
    expect(parsed.profiles[0]).toMatchObject({
      name: 'leaky',
      condition: 'Failed',
      reason: 'WriteFailed',
      lastError: { code: 'ValidationException', terminal: true },
      backoff: { waitingForInputChange: true },
    });
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toContain('appflow_gitops_aws_calls_total{service="appflow",operation="CreateConnectorProfile",code="ValidationException",target="default"} 1');

    // A resync does not resend the rejected request (nothing changed).
    const createsBefore = emu.requestLog().filter((e) => e.operation === 'CreateConnectorProfile').length;
    d.daemon.requestReconcile('resync');
    await d.daemon.whenIdle();
    expect(emu.requestLog().filter((e) => e.operation === 'CreateConnectorProfile')).toHaveLength(createsBefore);

    // The file changes: released at once, created, Ready.
    await writeFile(join(profiles, 'leaky.json'), profile('https://api.datadoghq.eu'));
    await waitFor(() => (d.daemon.status().profiles[0]?.condition === 'Ready' ? true : undefined), 5000);
    expect(emu.requestLog().filter((e) => e.operation === 'CreateConnectorProfile' && e.status === 200)).toHaveLength(1);

    let stateText = '';
    for (const f of await readdir(state)) stateText += await readFile(join(state, f), 'utf8').catch(() => '');
    const finalStatus = await (await fetch(`${d.url}/status`)).text();
    const logs = log.text();
    for (const sentinel of [API_KEY, APP_KEY]) {
      expect(logs).not.toContain(sentinel);
      expect(status).not.toContain(sentinel);
      expect(finalStatus).not.toContain(sentinel);
      expect(metrics).not.toContain(sentinel);
      expect(stateText).not.toContain(sentinel);
    }
    expect(logs).toContain('ValidationException');

    // AWS goes away: the next pass fails as a whole and /readyz turns 503 until it is back.
    expect((await fetch(`${d.url}/readyz`)).status).toBe(200);
    await emu.close();
    d.daemon.requestReconcile('http');
    await d.daemon.whenIdle();
    const notReady = await fetch(`${d.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, checks: { firstReconcileDone: true, awsReachable: false } });
    expect(d.daemon.status().lastReconcile?.result).toBe('error');
  });
});
