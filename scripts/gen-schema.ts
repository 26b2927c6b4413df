// npm run gen:schema — writes schema/connector-profile.schema.json from the vendored AppFlow model.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, SCHEMA_FILE, renderSchema } from './generated-artifacts.js';

const target = join(ROOT, SCHEMA_FILE);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderSchema());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
