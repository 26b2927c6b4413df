// Notifications delivered to real HTTP receivers on loopback: a webhook (signature verified the
// way a Flux receiver does), a Slack incoming webhook and a fake GitHub API. Tests wait for the
// dispatcher to be idle (every message delivered, failed or dropped), never for time to pass.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import type { DeliveryResult, DispatcherOptions } from '../../src/notify/dispatcher.js';
import { Notifier } from '../../src/notify/notifier.js';
import { buildSinks, type NotificationSpec } from '../../src/notify/notify-settings.js';
import { GITHUB_DESCRIPTION_LIMIT } from '../../src/notify/sinks/github.js';
import type { NotificationEvent } from '../../src/notify/types.js';
import { startReceiver, type Answer, type HttpReceiver, type RecordedRequest } from '../support/http-receiver.js';
import { planOf, reportOf, REVISION_A, REVISION_B } from './reports.js';

const HMAC_KEY = 'SENTINEL-HMAC-KEY-5d1e';
const GITHUB_TOKEN = 'SENTINEL-GITHUB-TOKEN-77c2';
const SLACK_PATH = '/services/T000/B000/SENTINEL-SLACK-PATH-3a9f';
const SENTINELS = [HMAC_KEY, GITHUB_TOKEN, 'SENTINEL-SLACK-PATH-3a9f'];

const receivers: HttpReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(respond?: (request: RecordedRequest, index: number) => Answer): Promise<HttpReceiver> {
  const started = await startReceiver(respond);
  receivers.push(started);
  return started;
}

interface Harness {
  notifier: Notifier;
  counts: Map<string, number>;
  logs: () => string;
}

/** A notifier for `specs` with fast retries, counting deliveries by `sink/result`, logs captured. */
function harness(specs: NotificationSpec[], env: NodeJS.ProcessEnv, dispatch: DispatcherOptions = {}, now = () => Date.parse('2026-12-01T10:00:00Z')): Harness {
  const built = buildSinks(specs, env);
  expect(built.problems).toEqual([]);
  const counts = new Map<string, number>();
  let logs = '';
  const logger = createLogger({ level: 'debug', format: 'json', destination: new Writable({ write: (chunk, _e, cb) => ((logs += String(chunk)), cb()) }) });
  const observe = (sink: string, result: DeliveryResult) => counts.set(`${sink}/${result}`, (counts.get(`${sink}/${result}`) ?? 0) + 1);
  const notifier = new Notifier({ sinks: built.sinks, repeatMs: 5 * 60_000, now, logger, dispatch: { minTimeoutMs: 5, maxTimeoutMs: 20, observe, ...dispatch } });
  return { notifier, counts, logs: () => logs };
}

function expectNoSentinel(text: string): void {
  for (const sentinel of SENTINELS) expect(text).not.toContain(sentinel);
}

const pass = (revision: string | null = REVISION_A) => ({ target: 'prod-us', revision });

describe('webhook', () => {
  it('POSTs each event as the JSON envelope, signed as Flux signs it', async () => {
    const hook = await receiver();
    const { notifier, counts, logs } = harness([{ type: 'webhook', url: `${hook.url}/appflow`, secretEnv: 'HOOK_HMAC_KEY' }], { HOOK_HMAC_KEY: HMAC_KEY });
    notifier.passFinished(reportOf(planOf({ created: ['orders'], updated: ['billing'] })), pass());
    await notifier.idle();

    expect(hook.received.map((r) => [r.method, r.path, r.headers['content-type']])).toEqual(Array(3).fill(['POST', '/appflow', 'application/json']));
    const events = hook.received.map((r) => JSON.parse(r.body) as NotificationEvent);
    expect(events.map((e) => [e.type, e.profile?.name ?? null, e.revision, e.target])).toEqual([
      ['applied', 'billing', REVISION_A, 'prod-us'],
      ['applied', 'orders', REVISION_A, 'prod-us'],
      ['summary', null, REVISION_A, 'prod-us'],
    ]);
    for (const request of hook.received) {
      // What a Flux receiver does: HMAC-SHA256 of the raw body with the shared key, hex, compared in constant time.
      const header = String(request.headers['x-signature']);
      expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
      const expected = createHmac('sha256', HMAC_KEY).update(request.body).digest();
      expect(timingSafeEqual(Buffer.from(header.slice('sha256='.length), 'hex'), expected)).toBe(true);
      expectNoSentinel(request.body);
      expectNoSentinel(JSON.stringify(request.headers).replace(String(request.headers['x-signature']), ''));
    }
    expect(counts.get('webhook/delivered')).toBe(3);
    expectNoSentinel(logs());
  });

  it('sends no signature without secretEnv, and nothing for a quiet pass or a repeated failure', async () => {
    const hook = await receiver();
    const { notifier } = harness([{ type: 'webhook', url: hook.url }], {});
    const failing = reportOf(planOf({ created: ['orders'] }), { orders: { result: 'failed', code: 'ThrottlingException', message: 'Rate exceeded' } });
    notifier.passFinished(failing, pass());
    notifier.passFinished(reportOf(planOf({})), pass());
    notifier.passFinished(failing, pass());
    await notifier.idle();
    expect(hook.received.map((r) => (JSON.parse(r.body) as NotificationEvent).type)).toEqual(['failed', 'summary']);
    expect(hook.received[0]!.headers['x-signature']).toBeUndefined();
  });

  it('tells a profile re-created at the same revision as drift corrected', async () => {
    const hook = await receiver();
    const { notifier } = harness([{ type: 'webhook', url: hook.url }], {});
    notifier.passFinished(reportOf(planOf({ created: ['orders'] })), pass());
    notifier.passFinished(reportOf(planOf({ created: ['orders'] })), pass());
    await notifier.idle();
    expect(hook.received.map((r) => (JSON.parse(r.body) as NotificationEvent).reason)).toEqual(['Applied', 'ReconciliationSucceeded', 'DriftCorrected', 'ReconciliationSucceeded']);
  });

  it('retries a 5xx with backoff and delivers, keeping the event id', async () => {
    const hook = await receiver((_request, index) => ({ status: index < 2 ? 503 : 200 }));
    const { notifier, counts } = harness([{ type: 'webhook', url: hook.url }], {});
    notifier.passFinished(reportOf(planOf({ created: ['orders'] }), { orders: { result: 'failed', code: 'ValidationException', message: 'bad' } }), pass());
    await notifier.idle();
    const ids = hook.received.map((r) => (JSON.parse(r.body) as NotificationEvent).id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(counts.get('webhook/delivered')).toBe(2);
  });

  it('does not retry a 4xx, counts it failed and logs it without the URL', async () => {
    const hook = await receiver(() => ({ status: 403, body: '{"error":"forbidden"}' }));
    const { notifier, counts, logs } = harness([{ type: 'webhook', url: `${hook.url}/SENTINEL-SLACK-PATH-3a9f` }], {});
    notifier.passFinished(reportOf(planOf({ created: ['orders'] })), pass());
    await notifier.idle();
    expect(hook.received).toHaveLength(2);
    expect(counts.get('webhook/failed')).toBe(2);
    expect(logs()).toContain('HTTP 403');
    expectNoSentinel(logs());
  });

  it('never follows a redirect (a signature or token would go wherever it points)', async () => {
    const elsewhere = await receiver();
    const hook = await receiver(() => ({ status: 307, headers: { location: `${elsewhere.url}/steal` } }));
    const { notifier, counts } = harness([{ type: 'webhook', url: hook.url, secretEnv: 'K' }], { K: HMAC_KEY });
    notifier.passFinished(reportOf(planOf({ created: ['orders'] })), pass());
    await notifier.idle();
    expect(elsewhere.received).toEqual([]);
    expect(counts.get('webhook/failed')).toBe(2);
  });
});

describe('Slack', () => {
  it('sends one message per pass that changed something or failed, coloured by severity', async () => {
    const slack = await receiver();
    const { notifier, counts, logs } = harness([{ type: 'slack', urlEnv: 'SLACK_WEBHOOK_URL' }], { SLACK_WEBHOOK_URL: `${slack.url}${SLACK_PATH}` });
    const failing = reportOf(planOf({ created: ['d'] }), { d: { result: 'failed', code: 'ValidationException', message: 'x <y> & z' } });
    notifier.passFinished(reportOf(planOf({ created: ['a', 'b', 'c'] })), pass());
    notifier.passFinished(reportOf(planOf({})), pass());
    notifier.passFinished(failing, pass(REVISION_B));
    notifier.passFinished(failing, pass(REVISION_B));
    await notifier.idle();

    expect(slack.received).toHaveLength(2);
    expect(slack.received.every((r) => r.path === SLACK_PATH)).toBe(true);
    const [first, second] = slack.received.map((r) => JSON.parse(r.body) as { text: string; attachments: Array<{ color: string; text: string }> });
    expect(first!.text).toBe(`appflow-gitops prod-us @ ${REVISION_A.slice(0, 12)}: 3 applied`);
    expect(first!.attachments[0]).toMatchObject({ color: 'good', text: '• create a\n• create b\n• create c' });
    expect(second!.attachments[0]).toMatchObject({ color: 'danger', text: '• create d failed: ValidationException: x &lt;y&gt; &amp; z' });
    expect(counts.get('slack/delivered')).toBe(2);
    for (const request of slack.received) expectNoSentinel(request.body);
    expectNoSentinel(logs());
  });
});

describe('GitHub commit status', () => {
  it('posts pending then success on the revision, once, with context appflow-gitops/<target>', async () => {
    const github = await receiver(() => ({ status: 201 }));
    const { notifier } = harness([{ type: 'github', repository: 'acme/data-config', tokenEnv: 'GITHUB_TOKEN', apiUrl: `${github.url}/api/v3/` }], { GITHUB_TOKEN: GITHUB_TOKEN });
    const report = reportOf(planOf({ created: ['orders'] }));
    notifier.passStarted(pass());
    notifier.passFinished(report, pass());
    // A resync at the same revision: neither pending again nor a second identical success.
    notifier.passStarted(pass());
    notifier.passFinished(reportOf(planOf({})), pass());
    await notifier.idle();

    expect(github.received.map((r) => [r.path, JSON.parse(r.body)])).toEqual([
      [`/api/v3/repos/acme/data-config/statuses/${REVISION_A}`, { state: 'pending', context: 'appflow-gitops/prod-us', description: `applying ${REVISION_A.slice(0, 12)} to prod-us` }],
      [`/api/v3/repos/acme/data-config/statuses/${REVISION_A}`, { state: 'success', context: 'appflow-gitops/prod-us', description: 'prod-us: every profile is in sync with this commit' }],
    ]);
    for (const request of github.received) {
      expect(request.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`);
      expect(request.headers.accept).toBe('application/vnd.github+json');
      expectNoSentinel(request.body);
    }
  });

  it('posts failure with a description within 140 characters, and again only when it changes', async () => {
    const github = await receiver(() => ({ status: 201 }));
    const { notifier } = harness([{ type: 'github', repository: 'acme/data-config', tokenEnv: 'T', apiUrl: github.url }], { T: GITHUB_TOKEN });
    const names = Array.from({ length: 30 }, (_, i) => `profile-with-a-long-name-${i}`);
    const failing = reportOf(planOf({ created: names }), Object.fromEntries(names.map((n) => [n, { result: 'failed' as const, code: 'ValidationException', message: 'bad' }])));
    notifier.passFinished(failing, pass());
    notifier.passFinished(failing, pass());
    notifier.passFinished(reportOf(planOf({ created: names })), pass());
    await notifier.idle();
    const statuses = github.received.map((r) => JSON.parse(r.body) as { state: string; description: string });
    expect(statuses.map((s) => s.state)).toEqual(['failure', 'success']);
    expect([...statuses[0]!.description].length).toBeLessThanOrEqual(GITHUB_DESCRIPTION_LIMIT);
    expect(statuses[0]!.description).toMatch(/^prod-us: 30 not applied: profile-with-a-long-name-0 \(ApplyFailed\), .*…$/);
  });

  it('posts nothing for a revision that is not a commit hash (--revision v1.2.3)', async () => {
    const github = await receiver(() => ({ status: 201 }));
    const { notifier } = harness([{ type: 'github', repository: 'acme/data-config', tokenEnv: 'T', apiUrl: github.url }], { T: GITHUB_TOKEN });
    notifier.passStarted(pass('v1.2.3'));
    notifier.passFinished(reportOf(planOf({ created: ['a'] })), pass('v1.2.3'));
    await notifier.idle();
    expect(github.received).toEqual([]);
  });

  it('posts a status again after a delivery that failed for good', async () => {
    const github = await receiver((_r, index) => ({ status: index === 0 ? 422 : 201 }));
    const { notifier } = harness([{ type: 'github', repository: 'acme/data-config', tokenEnv: 'T', apiUrl: github.url }], { T: GITHUB_TOKEN });
    notifier.passFinished(reportOf(planOf({})), pass());
    await notifier.idle();
    notifier.passFinished(reportOf(planOf({})), pass());
    await notifier.idle();
    expect(github.received.map((r) => (JSON.parse(r.body) as { state: string }).state)).toEqual(['success', 'success']);
  });
});

describe('delivery never blocks and is bounded', () => {
  it('keeps at most maxQueue waiting messages per destination, dropping the oldest', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sent: string[] = [];
    const send = async (delivery: { body: string }) => {
      await gate;
      sent.push((JSON.parse(delivery.body) as NotificationEvent).profile?.name ?? 'summary');
    };
    const { notifier, counts } = harness([{ type: 'webhook', url: 'http://127.0.0.1:9/unused' }], {}, { maxQueue: 2, send });
    // 'a' goes in flight (held by the gate) and its summary waits; then b, c and a second summary
    // arrive: four waiting in a queue of two, so the two oldest (the first summary, b) are dropped.
    notifier.passFinished(reportOf(planOf({ created: ['a'] })), pass());
    notifier.passFinished(reportOf(planOf({ created: ['b', 'c'] })), pass());
    expect(counts.get('webhook/dropped')).toBe(2);
    release();
    await notifier.idle();
    expect(sent).toEqual(['a', 'c', 'summary']);
    expect(counts.get('webhook/delivered')).toBe(3);
  });

  it('on close, waits a grace period, then drops what cannot be delivered (retries included)', async () => {
    const down = await receiver();
    const url = down.url;
    await down.close();
    receivers.splice(receivers.indexOf(down), 1);
    const { notifier, counts } = harness([{ type: 'webhook', url }], {}, { minTimeoutMs: 60_000, maxTimeoutMs: 60_000 });
    notifier.passFinished(reportOf(planOf({ created: ['a'] })), pass());
    await notifier.close(0);
    expect(counts.get('webhook/dropped')).toBe(2);
    notifier.passFinished(reportOf(planOf({ created: ['b'] })), pass());
    expect(counts.get('webhook/dropped')).toBe(4);
  });
});

describe('settings', () => {
  it('reads secrets from the environment and names a missing variable, never a value', () => {
    const built = buildSinks(
      [
        { type: 'webhook', url: 'https://hooks.example.com/appflow', secretEnv: 'MISSING_KEY' },
        { type: 'slack', urlEnv: 'SLACK_WEBHOOK_URL' },
        { type: 'github', repository: 'acme/data-config', tokenEnv: 'GITHUB_TOKEN' },
      ],
      { SLACK_WEBHOOK_URL: `ftp://example.com${SLACK_PATH}`, GITHUB_TOKEN },
    );
    expect(built.problems).toEqual([
      'notifications[0] (webhook): secretEnv names MISSING_KEY, which is not set',
      'notifications[1] (slack): the URL in SLACK_WEBHOOK_URL must be https:// (or http://), not ftp://',
    ]);
    expect(built.sinks.map((s) => s.type)).toEqual(['github']);
    expectNoSentinel(JSON.stringify(built.problems));
  });

  it('allows http:// with a warning unless the host is loopback', () => {
    const built = buildSinks(
      [
        { type: 'webhook', url: 'http://hooks.internal:8080/x' },
        { type: 'webhook', url: 'http://127.0.0.1:8080/x' },
        { type: 'webhook', url: 'http://[::1]:8080/x' },
        { type: 'webhook', url: 'http://localhost/x' },
      ],
      {},
    );
    expect(built.problems).toEqual([]);
    expect(built.sinks).toHaveLength(4);
    expect(built.warnings).toEqual(['notifications[0] (webhook): url uses plain http:// to hooks.internal: notifications (and any signature or token) travel unencrypted']);
  });
});
