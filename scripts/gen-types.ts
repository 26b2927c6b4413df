// npm run gen:types — writes src/model/generated/connector-profile.ts from the committed schema.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TYPES_FILE, renderTypes } from './generated-artifacts.js';

writeFileSync(join(ROOT, TYPES_FILE), await renderTypes());
process.stdout.write(`wrote ${TYPES_FILE}\n`);
