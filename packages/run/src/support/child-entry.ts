import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Node's arguments to run one of this folder's child scripts (`hook-child`, `playwright-child`):
 * the built `.js`, or from source (dev, tests) the `.ts` through tsx.
 */
export function childScript(name: 'hook-child' | 'playwright-child'): string[] {
  const self = fileURLToPath(import.meta.url);
  const ext = extname(self);
  const child = join(self, '..', `${name}${ext}`);
  if (ext !== '.ts') return [child];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, child];
}
