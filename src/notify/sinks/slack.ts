// Slack incoming webhook: ONE message per pass that changed something or failed (never one per
// profile: a push touching forty profiles is one message, not forty), coloured by the pass's
// worst severity. The webhook URL is the secret, so it is read from an environment variable.
import type { EventSeverity, NotificationSink, PassEvents } from '../types.js';

/** Lines listed in one message; the rest are counted ("and 12 more"). */
export const SLACK_MAX_LINES = 20;

const COLOURS: Record<EventSeverity, string> = { info: 'good', warning: 'warning', error: 'danger' };

export function createSlackSink(settings: { url: string }): NotificationSink {
  return {
    type: 'slack',
    passStarted: () => [],
    passFinished(pass: PassEvents) {
      if (pass.events.length === 0) return [];
      return [{ sink: 'slack', url: settings.url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(slackMessage(pass)) }];
    },
  };
}

export function slackMessage(pass: PassEvents): Record<string, unknown> {
  const summary = pass.events.find((event) => event.type === 'summary');
  const details = pass.events.filter((event) => event.type !== 'summary');
  const severity = summary?.severity ?? worst(details.map((event) => event.severity));
  const revision = pass.revision === null ? 'unknown revision' : shortRevision(pass.revision);
  const title = `appflow-gitops ${pass.target} @ ${revision}: ${summary?.message ?? `${details.length} events`}`;
  const lines = details.slice(0, SLACK_MAX_LINES).map((event) => `• ${event.message}`);
  if (details.length > SLACK_MAX_LINES) lines.push(`… and ${details.length - SLACK_MAX_LINES} more`);
  return {
    text: escapeSlack(title),
    attachments: [{ color: COLOURS[severity], fallback: escapeSlack(title), text: escapeSlack(lines.join('\n')), footer: 'appflow-gitops' }],
  };
}

function worst(severities: readonly EventSeverity[]): EventSeverity {
  if (severities.includes('error')) return 'error';
  return severities.includes('warning') ? 'warning' : 'info';
}

/** A commit hash as people read it; anything else (a --revision text) as given. */
export function shortRevision(revision: string): string {
  return /^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 12) : revision;
}

/** Slack's three control characters in message text (its documented escaping). */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
