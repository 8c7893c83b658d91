import { type Dirent, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { APPROVAL_FILE, readApprovalList } from './approval.js';
import { COMPOSE_OVERLAY, emptyFolder, HOOKS_FILE, INSTALL_STEPS, META_FILE } from './discover.js';
import { defaultMeta, type LoadedRecipe, loadRecipeMeta, mergeFiles } from './load.js';
import { MetaError, type MetaProblem } from './problems.js';

export interface ValidationReport {
  /** True when every recipe (and the approval file) has no error. */
  ok: boolean;
  recipes: LoadedRecipe[];
  /** Problems outside any one recipe (the approval file). */
  problems: MetaProblem[];
}

/** A path given to `validateRecipes` does not exist or is not a folder. */
export class PathNotFoundError extends MetaError {
  readonly path: string;
  constructor(path: string) {
    super('META_PATH_NOT_FOUND', `${path} is not a folder`);
    this.path = path;
  }
}

const RECIPE_ENTRIES = new Set([
  META_FILE,
  HOOKS_FILE,
  COMPOSE_OVERLAY,
  INSTALL_STEPS,
  'tests',
  'previous',
]);

/**
 * A folder named `recipes` or holding the approval file is a recipes folder. Else a folder is one
 * recipe when it holds any recipe file, or has no sub-folder at all (an empty
 * enrolment runs on defaults); otherwise it is a recipes folder and each sub-folder is a recipe.
 */
function classify(dir: string, entries: readonly Dirent[]): 'recipe' | 'recipes' {
  if (basename(dir) === 'recipes' || entries.some((e) => e.name === APPROVAL_FILE))
    return 'recipes';
  if (entries.some((e) => RECIPE_ENTRIES.has(e.name))) return 'recipe';
  return entries.some((e) => e.isDirectory() && !e.name.startsWith('.')) ? 'recipes' : 'recipe';
}

/**
 * Validates recipes: each path is a recipes folder (every sub-folder is validated, and its
 * approval file) or one recipe folder. Throws PathNotFoundError for a missing path.
 */
export function validateRecipes(paths: readonly string[]): ValidationReport {
  const recipes: LoadedRecipe[] = [];
  const problems: MetaProblem[] = [];
  for (const p of paths) {
    const dir = resolve(p);
    let isDirectory = false;
    try {
      isDirectory = statSync(dir).isDirectory();
    } catch {}
    if (!isDirectory) throw new PathNotFoundError(p);
    const base = p.replace(/\/+$/, '') || p;
    const entries = readdirSync(dir, { withFileTypes: true }); // once: classify and list
    if (classify(dir, entries) === 'recipes') {
      problems.push(...readApprovalList(join(base, APPROVAL_FILE)).problems);
      const names = entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
        .map((e) => e.name)
        .sort();
      for (const recipe of names) recipes.push(loadOne(base, recipe));
    } else {
      recipes.push(loadOne(dirname(base), basename(dir)));
    }
  }
  return {
    ok: recipes.every((r) => r.ok) && !problems.some((p) => p.severity === 'error'),
    recipes,
    problems,
  };
}

function loadOne(recipesDir: string, recipe: string): LoadedRecipe {
  try {
    return loadRecipeMeta({ recipesDir, recipe });
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    // A folder whose name is not a recipe name.
    return {
      recipe,
      ok: false,
      meta: defaultMeta(),
      set: [],
      privateKeys: [],
      hooks: null,
      files: mergeFiles(emptyFolder(join(recipesDir, recipe)), null, false, null, null),
      previous: null,
      problems: [
        {
          code: 'unknown_file',
          severity: 'error',
          file: join(recipesDir, recipe),
          line: null,
          column: null,
          key: null,
          message: `${recipe} is not a recipe name ([a-z0-9-])`,
          hint: 'name the folder exactly as the recipe; start it with _ to keep other material',
        },
      ],
    };
  }
}
