// Small helper for run-container-test.sh: asks the emulator what the containerised daemon did,
// through the real AWS SDK (DescribeConnectorProfiles) and the emulator's admin request log.
// Prints one JSON document on stdout; never prints secret values (it asks for none).
//
//   node emulator-query.mjs expected-names PROFILES_DIR
//   node emulator-query.mjs edit-one PROFILES_DIR      (changes one instanceUrl in place)
//   node emulator-query.mjs profiles ENDPOINT
//   node emulator-query.mjs writes ENDPOINT
//   node emulator-query.mjs count ENDPOINT OPERATION   (requests of that operation so far)
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppflowClient, DescribeConnectorProfilesCommand } from '@aws-sdk/client-appflow';
import { parseAllDocuments } from 'yaml';

const [command, arg] = process.argv.slice(2);

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Every connectorProfileName declared in the profile files (JSON is YAML, so one parser). */
function expectedNames(dir) {
  const names = [];
  for (const file of listFiles(dir).filter((f) => /\.(ya?ml|json)$/.test(f))) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS();
      if (value && typeof value.connectorProfileName === 'string') names.push(value.connectorProfileName);
    }
  }
  return names.sort();
}

/**
 * Edits one profile the way a git pull would: the first single-document JSON profile with an
 * `instanceUrl` property gets a path appended (still a valid URL), written atomically (temp file
 * + rename, like git-sync's checkout). Returns the profile name and the new value to wait for.
 */
function editOne(dir) {
  for (const file of listFiles(dir).filter((f) => f.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const properties = doc?.connectorProfileConfig?.connectorProfileProperties ?? {};
    for (const props of Object.values(properties)) {
      if (props && typeof props.instanceUrl === 'string') {
        props.instanceUrl = `${props.instanceUrl.replace(/\/+$/, '')}/edited-by-container-test`;
        writeFileSync(`${file}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
        renameSync(`${file}.tmp`, file);
        return { name: doc.connectorProfileName, file, instanceUrl: props.instanceUrl };
      }
    }
  }
  throw new Error(`no JSON profile with an instanceUrl under ${dir}`);
}

async function describedProfiles(endpoint) {
  const client = new AppflowClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const profiles = [];
  let nextToken;
  do {
    const page = await client.send(new DescribeConnectorProfilesCommand({ nextToken, maxResults: 100 }));
    for (const p of page.connectorProfileDetails ?? []) {
      profiles.push({
        name: p.connectorProfileName,
        type: p.connectorType,
        properties: p.connectorProfileProperties,
      });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return profiles.sort((a, b) => a.name.localeCompare(b.name));
}

async function writes(endpoint) {
  const response = await fetch(`${endpoint}/__emulator/requests`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET /__emulator/requests answered ${response.status}`);
  const { requests } = await response.json();
  return requests
    .filter((r) => /^(Create|Update|Delete)ConnectorProfile$/.test(r.operation))
    .map((r) => ({ operation: r.operation, profileName: r.profileName, status: r.status, errorCode: r.errorCode }));
}

async function count(endpoint, operation) {
  const response = await fetch(`${endpoint}/__emulator/requests`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET /__emulator/requests answered ${response.status}`);
  const { requests } = await response.json();
  return requests.filter((r) => r.operation === operation).length;
}

try {
  let result;
  if (command === 'expected-names') result = expectedNames(arg);
  else if (command === 'edit-one') result = editOne(arg);
  else if (command === 'profiles') result = await describedProfiles(arg);
  else if (command === 'writes') result = await writes(arg);
  else if (command === 'count') result = await count(arg, process.argv[4]);
  else throw new Error(`unknown command ${command}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  process.stderr.write(`emulator-query ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
