// GitHub commit status on the revision being applied: `pending` when a target first starts on a
// commit, then `success` or `failure` with context `appflow-gitops/<target>`. A status identical
// to the last one posted for that commit and context is not posted again (each post counts
// against the API rate limit, and Flux users hit it with duplicates). Works with GitHub
// Enterprise through `apiUrl` (e.g. https://ghe.example.com/api/v3).
import type { Delivery, NotificationEvent, NotificationSink, PassEvents, PassStart } from '../types.js';
import { shortRevision } from './slack.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** GitHub's limit on a status description. */
export const GITHUB_DESCRIPTION_LIMIT = 140;

/** Commits whose last status is remembered; older ones are forgotten first. */
const REMEMBERED_STATUSES = 1_000;

export interface GithubSinkSettings {
  /** owner/name */
  repository: string;
  /** The value of the `tokenEnv` variable. */
  token: string;
  apiUrl?: string;
}

type StatusState = 'pending' | 'success' | 'failure';

interface Status {
  state: StatusState;
  description: string;
}

export function createGithubSink(settings: GithubSinkSettings): NotificationSink {
  const apiUrl = (settings.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  /** `${sha} ${context}` → the status last posted (or being posted: see `post`). */
  const posted = new Map<string, Status>();

  const post = (sha: string, target: string, status: Status): Delivery[] => {
    const context = `appflow-gitops/${target}`;
    const key = `${sha} ${context}`;
    const last = posted.get(key);
    if (last && last.state === status.state && last.description === status.description) return [];
    // Recorded when queued, not when delivered: a pass that comes before the delivery must not
    // queue the same status twice. A delivery that fails for good forgets it, so it is tried again.
    posted.delete(key);
    posted.set(key, status);
    while (posted.size > REMEMBERED_STATUSES) posted.delete(posted.keys().next().value!);
    return [
      {
        sink: 'github',
        url: `${apiUrl}/repos/${settings.repository}/statuses/${sha}`,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${settings.token}`,
          'content-type': 'application/json',
          'x-github-api-version': '2022-11-28',
        },
        body: JSON.stringify({ state: status.state, context, description: status.description }),
        onFailed: () => {
          if (posted.get(key) === status) posted.delete(key);
        },
      },
    ];
  };

  return {
    type: 'github',
    passStarted(start: PassStart) {
      if (start.revision === null || !isCommitHash(start.revision)) return [];
      // Only the first pass on a commit: a resync of an applied commit must not flip it back to pending.
      if (posted.has(`${start.revision} appflow-gitops/${start.target}`)) return [];
      return post(start.revision, start.target, { state: 'pending', description: truncate(`applying ${shortRevision(start.revision)} to ${start.target}`) });
    },
    passFinished(pass: PassEvents) {
      if (pass.revision === null || !isCommitHash(pass.revision)) return [];
      return post(pass.revision, pass.target, finalStatus(pass));
    },
  };
}

function isCommitHash(revision: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(revision);
}

/** What the pass came to, from ALL its events (a repeated failure is still a failure). */
export function finalStatus(pass: PassEvents): Status {
  if (pass.ok) return { state: 'success', description: truncate(`${pass.target}: every profile is in sync with this commit`) };
  const failed = pass.allEvents.filter((event) => event.severity === 'error' && event.type !== 'summary');
  const passError = failed.find((event) => event.profile === null);
  if (passError) return { state: 'failure', description: truncate(`${pass.target}: ${passError.message}`) };
  const names = [...new Set(failed.map(describeFailure))];
  return { state: 'failure', description: truncate(`${pass.target}: ${names.length} not applied: ${names.join(', ')}`) };
}

function describeFailure(event: NotificationEvent): string {
  return `${event.profile?.name ?? '?'} (${event.type === 'policy-violation' ? 'PolicyViolation' : event.reason})`;
}

export function truncate(text: string, limit = GITHUB_DESCRIPTION_LIMIT): string {
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}
