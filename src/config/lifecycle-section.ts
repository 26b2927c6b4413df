// The `lifecycle:` section of appflow-gitops.yaml: defaults for the per-profile `lifecycle:` keys
// that make sense fleet-wide. Today only credentialsOnUpdate (a profile's own setting wins, and
// the --credentials-on-update flag wins over this file).
import type { CredentialsOnUpdate } from '../model/types.js';
import { deepFreeze, defineSection, type JsonSchema } from './config-section.js';

export interface LifecycleDefaults {
  credentialsOnUpdate?: CredentialsOnUpdate;
}

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: "Defaults for every profile's lifecycle: key (a profile's own setting wins).",
  properties: {
    credentialsOnUpdate: {
      type: 'string',
      enum: ['always', 'changed'],
      description: 'always (default): updates send the declared credentials; changed: only when their fingerprint changed.',
    },
  },
};

export const lifecycleSection = defineSection<LifecycleDefaults | undefined>({
  key: 'lifecycle',
  schema,
  build(value) {
    return { value: value === undefined ? undefined : deepFreeze({ ...(value as LifecycleDefaults) }), diagnostics: [] };
  },
});
