import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { validateRecipes } from '../src/index.js';

const root = join(mkdtempSync(join(tmpdir(), 'ccci-validate-')), 'recipes');
afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

it('a folder whose name is no recipe name: not ok, unknown_file, the files of an empty folder', () => {
  mkdirSync(join(root, 'Bad Name'), { recursive: true });
  mkdirSync(join(root, 'empty'), { recursive: true });
  const [bad, empty] = validateRecipes([root]).recipes;
  expect(bad).toMatchObject({ recipe: 'Bad Name', ok: false, hooks: null, previous: null });
  expect(bad?.problems.map((p) => p.code)).toEqual(['unknown_file']);
  expect(empty).toMatchObject({ recipe: 'empty', ok: true });
  expect(empty?.files.operatorDir).toBe(join(root, 'empty'));
  expect(bad?.files).toEqual({ ...empty?.files, operatorDir: join(root, 'Bad Name') });
  expect(bad?.files.metaFiles).toEqual([]);
});
