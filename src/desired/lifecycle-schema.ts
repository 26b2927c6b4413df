// The JSON Schema of a profile document's `lifecycle:` key. It is ours, not AppFlow's: the schema
// builder adds it next to the model's members, and the loader takes it out of the document before
// anything could send it to AWS.

/** Document paths `ignoreChanges` may name: the members an update can change or that force a replacement. */
export const IGNORABLE_PATH_PATTERN =
  '^(connectionMode|connectorLabel|kmsArn|connectorType|connectorProfileConfig\\.connectorProfileCredentials|connectorProfileConfig\\.connectorProfileProperties(\\.[^.]+)*)$';

export const LIFECYCLE_SCHEMA: Record<string, unknown> = {
  description:
    "How appflow-gitops treats this profile (never sent to AWS): suspend writes, protect it from deletion and replacement, keep it in the account when its document goes, ignore some fields, and whether updates resend credentials.",
  type: 'object',
  additionalProperties: false,
  properties: {
    suspend: { description: 'No writes for this profile while true; drift is still read and reported.', type: 'boolean' },
    preventDestroy: {
      description: "A plan that would delete or replace this profile is an error (Terraform's prevent_destroy). Remembered after the document is deleted: apply it without the flag first.",
      type: 'boolean',
    },
    deletionPolicy: {
      description: "Retain: when the document goes, the profile is forgotten from the inventory instead of deleted, even with --prune (CloudFormation's DeletionPolicy). Default Delete.",
      type: 'string',
      enum: ['Delete', 'Retain'],
    },
    ignoreChanges: {
      description: 'Document paths never diffed, e.g. connectorProfileConfig.connectorProfileProperties.Datadog.instanceUrl; an update sends the value found in the account.',
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', pattern: IGNORABLE_PATH_PATTERN },
    },
    credentialsOnUpdate: {
      description:
        'always (default): every update sends the declared credentials, as CloudFormation and Terraform do. changed: only when their fingerprint changed (e.g. an OAuth provider that rotates refresh tokens).',
      type: 'string',
      enum: ['always', 'changed'],
    },
  },
};
