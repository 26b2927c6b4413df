// npm run check:generated — regenerates the schema, the types and the validator in memory and fails when the
// committed files differ (someone edited them by hand, or changed the model/generator without
// running `npm run gen`).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SCHEMA_FILE, TYPES_FILE, VALIDATOR_FILE, renderSchema, renderTypes, renderValidator } from './generated-artifacts.js';

function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) return `line ${i + 1}:\n  committed: ${left[i] ?? '(end of file)'}\n  generated: ${right[i] ?? '(end of file)'}`;
  }
  return 'no line differs (whitespace at end of file?)';
}

const schema = renderSchema();
const types = await renderTypes(schema);
let stale = 0;
for (const [file, fresh] of [[SCHEMA_FILE, schema], [TYPES_FILE, types], [VALIDATOR_FILE, renderValidator(schema)]] as const) {
  const path = join(ROOT, file);
  const committed = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (committed !== fresh) {
    stale++;
    process.stderr.write(`${file} is stale: it differs from what the generator produces, first at ${firstDifference(committed, fresh)}\n`);
  } else {
    process.stdout.write(`${file} is up to date\n`);
  }
}
if (stale > 0) {
  process.stderr.write('run `npm run gen` and commit the result\n');
  process.exitCode = 1;
}
