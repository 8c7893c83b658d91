import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { type LoadedRecipe, loadRecipeMeta } from '../src/index.js';

/**
 * A real temp folder holding `files` (path → content); removed when the calling test ends.
 * (The removal is the test's own, not a file-level hook: the unit files share their workers'
 * modules, so a hook this module registered would belong to the first file that loaded it.)
 */
export function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'recipe-meta-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Loads recipe `r` from a temp recipes folder holding `files` under `recipes/`. */
export function loadWith(files: Record<string, string>, recipe = 'r'): LoadedRecipe {
  const root = tempTree(files);
  return loadRecipeMeta({ recipesDir: join(root, 'recipes'), recipe });
}

/** Loads `recipe_meta.yml` text for a recipe named r. */
export function loadMeta(yaml: string): LoadedRecipe {
  return loadWith({ 'recipes/r/recipe_meta.yml': yaml });
}

/** The error problems of `recipe_meta.yml` text that must not load. */
export function metaErrors(yaml: string): LoadedRecipe['problems'] {
  const loaded = loadMeta(yaml);
  expect(loaded.ok).toBe(false);
  return loaded.problems.filter((p) => p.severity === 'error');
}
