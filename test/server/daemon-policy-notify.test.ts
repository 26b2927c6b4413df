// The daemon in-process against the emulator over HTTP, with profiles in a git checkout, a deny
// policy and a webhook receiver on loopback: the denied profile is never written (the other one
// is), /status shows reason PolicyViolation and the last attempted and applied revisions, the
// metrics expose the revision and the notifications, and a no-op resync tells nobody anything.
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildSinks } from '../../src/notify/notify-settings.js';
import type { NotificationEvent } from '../../src/notify/types.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import { startReceiver } from '../support/http-receiver.js';
import { capturedLogger, startTestDaemon, startTestEmulator, testWorkDir } from '../support/in-process-daemon.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';
import { repositoryWithCommits } from '../revision/git-fixtures.js';

const SECRET = { apiKey: 'SENTINEL-SECRET-daemon-policy-api', applicationKey: 'SENTINEL-SECRET-daemon-policy-app' };

describe('daemon with policies, revision and notifications', () => {
  it('never writes the denied profile, reports PolicyViolation and the revisions, notifies once', async () => {
    const emu = await startTestEmulator({ seed: { secrets: [{ name: 'dp/dd', secretString: JSON.stringify(SECRET) }] } });
    const hook = await startReceiver();
    onTestFinished(() => hook.close());
    const work = await testWorkDir('daemon-policy-');
    const doc = (name: string) => JSON.stringify(datadogDocument(name, { secret: 'dp/dd' }));
    const [revision] = repositoryWithCommits(work, [{ 'profiles/prod-orders.json': doc('prod-orders'), 'profiles/dev-orders.json': doc('dev-orders') }]);
    const { policies, problems } = compilePolicies([
      { name: 'private-in-prod', expression: "!profile.connectorProfileName.startsWith('prod-') || profile.connectionMode == 'Private'", message: 'production profiles must use a Private connection', severity: 'deny' },
    ]);
    expect(problems).toEqual([]);
    const sinks = buildSinks([{ type: 'webhook', url: `${hook.url}/hook` }], {});

    const log = capturedLogger({ level: 'info' });
    const d = await startTestDaemon(emu, { profilesDir: join(work, 'profiles'), stateDir: join(work, 'state'), logger: log.logger, policies, notificationSinks: sinks.sinks });
    await waitFor(() => d.daemon.status().lastReconcile, 15_000);
    await d.daemon.whenIdle();
    // Events: applied dev-orders, policy violation prod-orders, the summary.
    await hook.requests(3);

    expect(emu.requestLog().filter((e) => e.operation === 'CreateConnectorProfile')).toHaveLength(1);
    const status = (await (await fetch(`${d.url}/status`)).json()) as { lastAttemptedRevision?: string; lastAppliedRevision?: string; profiles: { name: string; reason: string; message: string }[] };
    expect(status.lastAttemptedRevision).toBe(revision);
    // Not every profile converged (one was denied), so this revision is attempted, not applied.
    expect(status.lastAppliedRevision).toBeUndefined();
    expect(status.profiles.map((p) => [p.name, p.reason])).toEqual([
      ['dev-orders', 'Applied'],
      ['prod-orders', 'PolicyViolation'],
    ]);
    expect(status.profiles[1]!.message).toContain('policy private-in-prod (deny)');

    const events = hook.received.map((r) => JSON.parse(r.body) as NotificationEvent);
    expect(events.map((e) => [e.type, e.profile?.name ?? null])).toEqual([
      ['applied', 'dev-orders'],
      ['policy-violation', 'prod-orders'],
      ['summary', null],
    ]);
    expect(events.every((e) => e.revision === revision)).toBe(true);

    // A no-op resync at the same revision: the denial repeats, but nobody is told again.
    d.daemon.requestReconcile('resync');
    await d.daemon.whenIdle();
    // Counted once the receiver's answer is in (the receiver has had the requests since above).
    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${d.url}/metrics`)).text();
      return text.includes('appflow_gitops_notifications_total{sink="webhook",result="delivered"} 3') ? text : undefined;
    }, 10_000);
    expect(metrics).toMatch(new RegExp(`appflow_gitops_revision_info\\{target="[^"]+",state="attempted",revision="${revision}"\\} 1`));
    expect(metrics).not.toMatch(/revision_info\{[^}]*state="applied"/);
    expect(metrics).toContain('appflow_gitops_notifications_total{sink="webhook",result="delivered"} 3');
    expect(hook.received).toHaveLength(3);

    // Every log line of a pass carries the revision.
    const logs = log.text();
    const passLines = logs.split('\n').filter((line) => line.includes('"event":"reconcile.finished"'));
    expect(passLines.length).toBeGreaterThanOrEqual(2);
    for (const line of passLines) expect(JSON.parse(line)).toMatchObject({ revision });
    expect(logs + JSON.stringify(status) + metrics + JSON.stringify(events)).not.toContain('SENTINEL-SECRET');
  }, 60_000);
});
