// The CEL environment policies are checked and evaluated in: one typed variable per input, so a
// misspelt top-level field (`profile.kmsArm`) is an error when the configuration loads, not a
// surprise at 3 a.m. Library: @marcbachmann/cel-js (pinned; zero dependencies, Node >= 20.19,
// a type checker; see docs/design.md).
import { Environment } from '@marcbachmann/cel-js';

/** Bounds on one expression's size (checked at parse): a policy is a rule, not a program. */
const LIMITS = { maxAstNodes: 2_000, maxDepth: 64, maxListElements: 256, maxMapEntries: 256, maxCallArguments: 16 };

/**
 * The variables and their types. `profile` has the document's top-level fields typed (deeper
 * levels vary by connector and are `dyn`); `observed` is `dyn` because it may be null, which a
 * typed object cannot be in this library.
 */
export function createPolicyEnvironment(): Environment {
  return new Environment({ limits: LIMITS })
    .registerVariable({
      name: 'profile',
      description: 'the desired document (credentials are Secrets Manager references, never values); for a delete, the profile as AppFlow describes it',
      schema: {
        connectorProfileName: 'string',
        connectorType: 'string',
        connectorLabel: 'string',
        connectionMode: 'string',
        kmsArn: 'string',
        connectorProfileConfig: 'map<string, dyn>',
      },
    })
    .registerVariable({ name: 'observed', type: 'dyn', description: 'the profile in AppFlow (document shape, no credentials), or null when it does not exist' })
    .registerVariable({ name: 'change', schema: { action: 'string', paths: 'list<string>' } })
    .registerVariable({ name: 'target', schema: { name: 'string', accountId: 'string', region: 'string' } })
    .registerVariable({ name: 'now', type: 'google.protobuf.Timestamp', description: 'the time the plan was made' });
}
