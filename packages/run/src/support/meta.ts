import { join } from 'node:path';
import {
  buildManifest,
  type CustomizationManifest,
  defaultMeta,
  type LoadedRecipe,
  loadRecipeMeta,
  type RecipeMeta,
  renderManifest,
  renderProblem,
} from '@ccci/recipe-meta';
import { RefusedError } from '../errors.js';

/** The recipe settings the engine reads: @ccci/recipe-meta's, every default applied. */
export type RunMeta = RecipeMeta;
export type { ReadyProbe } from '@ccci/recipe-meta';

export const DEFAULT_META: RunMeta = defaultMeta();

export interface LoadedMeta {
  meta: RunMeta;
  /** What @ccci/recipe-meta loaded (hooks are imported from it at run time). */
  recipe: LoadedRecipe;
  /** The customization manifest, rendered one line per entry. */
  manifest: string[];
  /** The same as data (secrets masked), for results.json. */
  manifestData: CustomizationManifest;
  /** The operator enrolment folder, when the recipe has one. */
  dir: string | undefined;
  /** `compose.ccci.yml`, when there is one. */
  overlay: string | undefined;
}

/**
 * Loads the recipe's settings through @ccci/recipe-meta (the one loader): operator
 * enrolment `recipes/<recipe>/`, plus the recipe's own `.ccci/` when approved. Any
 * error-severity problem refuses the run before any deploy, each problem with file and line.
 */
export function loadMeta(enrolmentDir: string, recipe: string, repoDir?: string): LoadedMeta {
  const loaded = loadRecipeMeta({
    recipesDir: enrolmentDir,
    recipe,
    approvalFile: join(enrolmentDir, 'approved-code.txt'),
    ...(repoDir ? { repoDir } : {}),
  });
  if (!loaded.ok) {
    const problems = loaded.problems
      .filter((p) => p.severity === 'error')
      .map((p) => renderProblem(p));
    throw new RefusedError(
      `the CI settings of ${recipe} are invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`,
      problems,
    );
  }
  const manifestData = buildManifest(loaded, { cwd: join(enrolmentDir, '..') });
  return {
    meta: loaded.meta,
    recipe: loaded,
    manifest: renderManifest(manifestData).split('\n'),
    manifestData,
    dir: loaded.files.operatorDir ?? undefined,
    overlay: loaded.files.composeOverlay?.file,
  };
}
