// The `notifications:` section of appflow-gitops.yaml: where to tell what happened. The schema
// checks shapes; build() checks what each type needs (and refuses keys of another type) and the
// URLs, as located diagnostics. Secret values are never in the file, only the names of the
// environment variables holding them; those are read when a command starts (notify-settings.ts).
import { defineSection, deepFreeze, type JsonSchema } from '../config/config-section.js';
import { makeDiagnostic } from '../desired/diagnostics.js';
import { displayPath, keyLocation, valueLocation } from '../desired/node-positions.js';
import type { Diagnostic } from '../model/types.js';
import { checkUrl, type NotificationSpec } from './notify-settings.js';

const ENV_NAME = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$' };
const URL_TEXT = { type: 'string', minLength: 1, maxLength: 2048 };

export const notificationsSchema: JsonSchema = {
  type: 'array',
  maxItems: 20,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['type'],
    properties: {
      type: { type: 'string', enum: ['webhook', 'slack', 'github'] },
      url: URL_TEXT,
      secretEnv: ENV_NAME,
      urlEnv: ENV_NAME,
      repository: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$' },
      tokenEnv: ENV_NAME,
      apiUrl: URL_TEXT,
    },
  },
};

/** Per type: the keys it needs and the keys it may have. */
const KEYS: Record<NotificationSpec['type'], { required: string[]; optional: string[] }> = {
  webhook: { required: ['url'], optional: ['secretEnv'] },
  slack: { required: ['urlEnv'], optional: [] },
  github: { required: ['repository', 'tokenEnv'], optional: ['apiUrl'] },
};

export const notificationsSection = defineSection<readonly NotificationSpec[]>({
  key: 'notifications',
  schema: notificationsSchema,
  build(value, doc) {
    if (value === undefined) return { value: [], diagnostics: [] };
    const diagnostics: Diagnostic[] = [];
    const entries = value as Array<Record<string, string>>;
    const problem = (segments: (string | number)[], code: string, message: string, severity: 'error' | 'warning' = 'error', atKey = false) => {
      const path = segments.map(String);
      const location = !doc ? { file: '', line: 1, column: 1 } : atKey ? keyLocation(doc, path.slice(0, -1), path[path.length - 1]!) : valueLocation(doc, path);
      diagnostics.push(makeDiagnostic(location, code, message, displayPath(path), severity));
    };
    entries.forEach((entry, i) => {
      const type = entry.type as NotificationSpec['type'];
      const { required, optional } = KEYS[type];
      for (const key of required) {
        if (entry[key] === undefined) problem(['notifications', i], 'config.notification-missing', `a ${type} notification needs ${key}`);
      }
      for (const key of Object.keys(entry)) {
        if (key !== 'type' && !required.includes(key) && !optional.includes(key)) {
          problem(['notifications', i, key], 'config.notification-key', `${key} is not a ${type} setting (${type} takes ${[...required, ...optional].join(', ')})`, 'error', true);
        }
      }
      for (const key of ['url', 'apiUrl'] as const) {
        if (entry[key] === undefined || !(required.includes(key) || optional.includes(key))) continue;
        const verdict = checkUrl(entry[key]);
        if (verdict.error) problem(['notifications', i, key], 'config.notification-url', `${key} ${verdict.error}`);
        if (verdict.warning) problem(['notifications', i, key], 'config.notification-http', `${key} ${verdict.warning}`, 'warning');
      }
    });
    return { value: deepFreeze(entries.map((entry) => ({ ...entry }) as unknown as NotificationSpec)), diagnostics };
  },
});
