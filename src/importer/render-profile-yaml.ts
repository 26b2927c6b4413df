// Renders one imported profile as YAML with comments that explain what could not be read back.
// Uses the `yaml` Document API so comments sit on the nodes they are about. Deterministic (no
// timestamps), so re-importing an unchanged profile gives a byte-identical file.
import { Document, isMap, isPair, isScalar, type Pair, type YAMLMap } from 'yaml';
import type { ImportedProfile } from './import-profiles.js';

export function renderProfileYaml(profile: ImportedProfile): string {
  const doc = new Document(profile.document);
  doc.commentBefore = headerComment(profile).map((line) => ` ${line}`.trimEnd()).join('\n');

  const config = mapAt(doc.contents, ['connectorProfileConfig']);
  const credentialsPair = config ? pairAt(config, 'connectorProfileCredentials') : undefined;
  if (credentialsPair && isScalar(credentialsPair.key) && profile.secret) {
    credentialsPair.key.commentBefore = [
      ` AppFlow never returns credentials: these reference the secret ${profile.secret.name}.`,
      ` Create it with the JSON keys: ${profile.secret.keys.join(', ')}.`,
    ].join('\n');
  }
  // A short trailing comment on each assumed mechanism member (the header has the details).
  const credentialMember = credentialsPair && isMap(credentialsPair.value) ? (credentialsPair.value.items[0]?.value ?? undefined) : undefined;
  for (const plain of profile.plainMembers) {
    const node = mapAt(credentialMember, plain.path.slice(0, -1));
    const pair = node ? pairAt(node, plain.path[plain.path.length - 1]!) : undefined;
    if (pair && isScalar(pair.value)) pair.value.comment = ' assumed: cannot be read back from AppFlow';
  }
  return doc.toString({ lineWidth: 0 });
}

function headerComment(profile: ImportedProfile): string[] {
  const lines = [
    `Imported from Amazon AppFlow by \`appflow-gitops import\` (profile ${profile.name}).`,
    'Credential values and kmsArn cannot be read back from AppFlow: DescribeConnectorProfiles never returns them.',
    'kmsArn is left out, so AppFlow keeps the key the profile already uses (updates cannot change it).',
  ];
  if (profile.secret) {
    lines.push(
      `Before plan/apply, create the secret ${profile.secret.name} with the JSON keys: ${profile.secret.keys.join(', ')}`,
      '(`appflow-gitops import` prints an `aws secretsmanager create-secret` example).',
    );
  }
  if (profile.notes.length > 0) {
    lines.push('', 'Assumptions:');
    for (const note of profile.notes) lines.push(`- ${note}`);
  }
  if (profile.omitted.length > 0) {
    lines.push('', 'Left out (returned by AppFlow but not accepted in a profile file):');
    for (const field of profile.omitted) lines.push(`- ${field.path}: ${field.reason}`);
  }
  return lines;
}

function mapAt(node: unknown, path: string[]): YAMLMap | undefined {
  let current = node;
  for (const key of path) {
    if (!isMap(current)) return undefined;
    current = pairAt(current, key)?.value;
  }
  return isMap(current) ? current : undefined;
}

function pairAt(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((item): item is Pair => isPair(item) && isScalar(item.key) && item.key.value === key);
}
