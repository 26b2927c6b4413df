// npm run gen:validator — writes src/desired/generated/profile-validator.ts (ajv standalone code)
// from the committed schema.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, VALIDATOR_FILE, renderValidator } from './generated-artifacts.js';

const target = join(ROOT, VALIDATOR_FILE);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderValidator());
process.stdout.write(`wrote ${VALIDATOR_FILE}\n`);
