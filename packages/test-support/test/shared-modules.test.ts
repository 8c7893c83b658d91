// The short test files share their worker's modules (vitest.config.ts, record 147): a hook a
// helper module registers at its top level belongs to the first file that loads it, and the
// files after it silently go without (two such helpers once leaked 103 temp folders a run).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const HOOK = /^(?:beforeAll|afterAll|beforeEach|afterEach)\(/m;

/** The helper modules of the tests: `.ts` files under a package's test/ that are not tests. */
function helperModules(): string[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group)).flatMap((name) => {
      const dir = join(root, group, name, 'test');
      let files: string[];
      try {
        files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
      } catch {
        return [];
      }
      return files
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('fixtures'))
        .map((f) => join(dir, f));
    }),
  );
}

describe('test helper modules', () => {
  it('the check sees a top-level hook, and not one inside a function', () => {
    expect(HOOK.test("import { afterEach } from 'vitest';\nafterEach(() => {});\n")).toBe(true);
    expect(HOOK.test('export function f() {\n  afterEach(() => {});\n}\n')).toBe(false);
  });

  it('register no hook at their top level (they tie cleanup to the calling test or file)', () => {
    const modules = helperModules();
    expect(modules.length).toBeGreaterThan(5);
    const offenders = modules
      .filter((f) => HOOK.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});
