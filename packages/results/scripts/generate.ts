// `pnpm --filter @ccci/results generate`: writes machine-docs/results.schema.json from the
// schema in src/schema.ts. test/schema.test.ts fails when the committed file drifts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resultsSchemaJson } from '../src/schema-json.js';

const target = fileURLToPath(new URL('../../../machine-docs/results.schema.json', import.meta.url));
writeFileSync(target, resultsSchemaJson());
console.log(`wrote ${target}`);
