import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

const dir = new URL('golden/', import.meta.url);

/**
 * Compares `actual` with test/golden/<name>. `UPDATE_GOLDEN=1 pnpm vitest run --project results`
 * rewrites the files; review the diff before committing.
 */
export function expectGolden(name: string, actual: string): void {
  const file = new URL(name, dir);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(
      `golden file test/golden/${name} is missing; run with UPDATE_GOLDEN=1 to create it`,
    );
  }
  expect(actual, `differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(file, 'utf8'),
  );
}
