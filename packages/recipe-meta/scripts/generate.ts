// Writes every file generated from the registry (types, docs table, JSON Schema).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from '../src/generate.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
for (const f of generatedFiles()) {
  writeFileSync(join(repoRoot, f.path), f.content);
  console.log(`wrote ${f.path}`);
}
