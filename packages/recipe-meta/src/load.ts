import { statSync } from 'node:fs';
import { join } from 'node:path';
import { RECIPE_NAME } from '@ccci/contracts';
import { APPROVAL_FILE, isApproved, readApprovalList } from './approval.js';
import { discoverFolder, type FolderFiles, readText } from './discover.js';
import type { RecipeMeta } from './generated/types.js';
import { analyseHooks, type HookExport } from './hooks-static.js';
import { type MetaProblem, problem } from './problems.js';
import { KEYS, PREVIOUS_KEYS } from './registry.js';
import { treeHash } from './tree-hash.js';
import { parseMetaFile, type SetKey } from './yaml-meta.js';

/** Where a setting or file came from. */
export type Source = 'operator' | 'repo';

export interface LoadRecipeMetaOptions {
  /** The operator's recipes folder (holds `<recipe>/` and the approval file). */
  recipesDir: string;
  /** Recipe name (`[a-z0-9-]`). */
  recipe: string;
  /** Checkout of the recipe repository; its `.ccci/` is honoured only when approved. Default: none. */
  repoDir?: string;
  /** The operator's approval file. Default: `<recipesDir>/approved-code.txt`. */
  approvalFile?: string;
}

/** Every customization file found, merged over both sources (operator side wins). */
export interface RecipeFiles {
  /** `recipes/<recipe>/` when it exists. */
  operatorDir: string | null;
  /** The recipe's `.ccci/` when it exists (whether approved or not). */
  repoDir: string | null;
  /** True when the content of the recipe's `.ccci/` is approved (so it is honoured). */
  repoApproved: boolean;
  /** The content hash of the recipe's `.ccci/` (tree-hash.ts), when it has one. */
  repoHash: string | null;
  metaFiles: string[];
  composeOverlay: { file: string; why: string; source: Source } | null;
  installSteps: { file: string; source: Source } | null;
  testOverlays: {
    op: 'install' | 'upgrade' | 'backup' | 'restore';
    file: string;
    source: Source;
  }[];
  functionalTests: { file: string; source: Source }[];
  playwrightTests: { file: string; tests: number; source: Source }[];
  previous: { dir: string; files: string[]; source: Source } | null;
}

/**
 * `previous/`: the settings of the base deploy when it is an older version (the upgrade base).
 * Each set key, the overlay and the install steps replace their head counterparts for that
 * deploy only; at the upgrade redeploy the head's own settings apply again.
 */
export interface PreviousSettings {
  dir: string;
  source: Source;
  /** Keys set in `previous/recipe_meta.yml` (valid ones), with file and line. */
  set: SetKey[];
  /** Only the keys set there (every one in {@link PREVIOUS_KEYS}). Frozen. */
  meta: Readonly<Partial<RecipeMeta>>;
  /** `previous/compose.ccci.yml`, with the reason on its first line. */
  composeOverlay: { file: string; why: string } | null;
  /** `previous/install_steps.sh`. */
  installSteps: string | null;
}

export interface LoadedHooks {
  file: string;
  source: Source;
  exports: HookExport[];
}

export interface LoadedRecipe {
  recipe: string;
  /** False when any problem has severity error. */
  ok: boolean;
  /** Every key with its default applied; a key with a problem keeps its default. Frozen. */
  meta: RecipeMeta;
  /** Keys explicitly set (valid ones), with file, line and source. */
  set: (SetKey & { source: Source })[];
  privateKeys: string[];
  hooks: LoadedHooks | null;
  files: RecipeFiles;
  /** What `previous/` sets for an older base deploy; null without `previous/`. */
  previous: PreviousSettings | null;
  problems: MetaProblem[];
}

/** The defaults of every data key, as a fresh object. */
export function defaultMeta(): RecipeMeta {
  const meta: Record<string, unknown> = {};
  for (const def of KEYS) if (def.type) meta[def.key] = structuredClone(def.default);
  return meta as unknown as RecipeMeta;
}

let frozenDefaults: Readonly<Record<string, unknown>> | undefined;

/**
 * Loads and validates a recipe's CI settings. Never executes recipe code: hooks.ts is only
 * parsed. A recipe with no folder gets the defaults. Problems are collected, never thrown.
 */
export function loadRecipeMeta(options: LoadRecipeMetaOptions): LoadedRecipe {
  if (typeof options?.recipesDir !== 'string' || options.recipesDir === '')
    throw new TypeError(
      `loadRecipeMeta: option "recipesDir" must be a path, got ${String(options?.recipesDir)}`,
    );
  if (typeof options.recipe !== 'string' || !RECIPE_NAME.test(options.recipe))
    throw new TypeError(
      `loadRecipeMeta: option "recipe" must match ${RECIPE_NAME}, got ${JSON.stringify(options.recipe)}`,
    );
  const problems: MetaProblem[] = [];
  const operatorDir = join(options.recipesDir, options.recipe);
  const operator = discoverFolder(operatorDir, problems);

  let repo: FolderFiles | null = null;
  let repoApproved = false;
  let repoHash: string | null = null;
  const ccci = options.repoDir ? join(options.repoDir, '.ccci') : null;
  const ccciExists = ccci !== null && isDir(ccci);
  if (ccci && ccciExists) {
    const approval = readApprovalList(
      options.approvalFile ?? join(options.recipesDir, APPROVAL_FILE),
    );
    let why: string;
    try {
      repoHash = treeHash(ccci);
      repoApproved = isApproved(approval, options.recipe, repoHash);
      why = approval.names.has(options.recipe)
        ? `its content (${repoHash}) is not the content the operator approved`
        : `the recipe is not on the operator's approval list`;
    } catch (error) {
      why = `it cannot be hashed (${(error as Error).message})`;
    }
    if (repoApproved) repo = discoverFolder(ccci, problems);
    else
      problems.push(
        problem({
          code: 'repo_not_approved',
          severity: 'warning',
          file: ccci,
          message: `${options.recipe}'s own .ccci/ is ignored: ${why}`,
          hint: repoHash
            ? `to run exactly this content, the operator reviews it and adds "${options.recipe} ${repoHash}" to ${APPROVAL_FILE}`
            : 'keep .ccci/ to hooks, settings and tests',
        }),
      );
  }

  // Data keys: the operator side wins key by key.
  const set: LoadedRecipe['set'] = [];
  const privateKeys: string[] = [];
  for (const [folder, source] of [
    [operator, 'operator'],
    [repo, 'repo'],
  ] as const) {
    if (!folder?.metaFile) continue;
    const text = readText(folder.metaFile, problems);
    if (text === null) continue;
    const parsed = parseMetaFile(folder.metaFile, text, { operatorSide: source === 'operator' });
    problems.push(...parsed.problems);
    privateKeys.push(...parsed.privateKeys);
    for (const k of parsed.keys) if (!set.some((s) => s.key === k.key)) set.push({ ...k, source });
  }
  // Shared, deep-frozen defaults: no per-recipe clone of every default value.
  frozenDefaults ??= deepFreeze(defaultMeta() as unknown as Record<string, unknown>);
  const meta: Record<string, unknown> = { ...frozenDefaults };
  for (const k of set) meta[k.key] = k.value;

  // Hooks: one file, the operator's when both exist.
  let hooks: LoadedHooks | null = null;
  const hookSource = operator?.hooksFile ? operator : repo?.hooksFile ? repo : null;
  if (hookSource?.hooksFile) {
    const text = readText(hookSource.hooksFile, problems);
    if (text !== null) {
      const analysis = analyseHooks(hookSource.hooksFile, text);
      problems.push(...analysis.problems);
      hooks = {
        file: hookSource.hooksFile,
        source: hookSource === operator ? 'operator' : 'repo',
        exports: analysis.exports,
      };
    }
  }

  crossChecks(options.recipe, set, hooks, problems);

  const files = mergeFiles(operator, repo, repoApproved, repoHash, ccciExists ? ccci : null);
  const previous = loadPrevious(operator, repo, problems);
  return {
    recipe: options.recipe,
    ok: !problems.some((p) => p.severity === 'error'),
    meta: deepFreeze(meta) as unknown as RecipeMeta,
    set,
    privateKeys,
    hooks,
    files,
    previous,
    problems,
  };
}

/** `previous/` of the operator side, else of the approved `.ccci/` (as a whole, like hooks). */
function loadPrevious(
  operator: FolderFiles | null,
  repo: FolderFiles | null,
  problems: MetaProblem[],
): PreviousSettings | null {
  const folder = operator?.previous ? operator : repo?.previous ? repo : null;
  const prev = folder?.previous;
  if (!folder || !prev) return null;
  const set: SetKey[] = [];
  if (prev.metaFile) {
    const text = readText(prev.metaFile, problems);
    if (text !== null) {
      // The same parser and validators as the top-level file, limited to the deploy keys.
      const parsed = parseMetaFile(prev.metaFile, text, {
        operatorSide: folder === operator,
        allowedKeys: PREVIOUS_KEYS,
        label: 'previous/recipe_meta.yml',
      });
      problems.push(...parsed.problems);
      set.push(...parsed.keys);
    }
  }
  const meta: Record<string, unknown> = {};
  for (const k of set) meta[k.key] = k.value;
  return {
    dir: prev.dir,
    source: folder === operator ? 'operator' : 'repo',
    set,
    meta: deepFreeze(meta) as Partial<RecipeMeta>,
    composeOverlay: prev.composeOverlay,
    installSteps: prev.installSteps,
  };
}

function crossChecks(
  recipe: string,
  set: LoadedRecipe['set'],
  hooks: LoadedHooks | null,
  problems: MetaProblem[],
): void {
  for (const h of hooks?.exports ?? []) {
    const data = set.find((s) => s.key === h.name);
    if (data)
      problems.push(
        problem({
          code: 'hook_data_conflict',
          file: hooks!.file,
          line: h.line,
          key: h.name,
          message: `${h.name} is both a hook here and data in ${data.file}:${data.line}`,
          hint: 'keep one of them',
        }),
      );
  }
  const na = set.find((s) => s.key === 'EXPECTED_NA');
  const naMap = (na?.value ?? {}) as Record<string, unknown>;
  const hasProbe =
    set.some((s) => s.key === 'READY_PROBE') ||
    hooks?.exports.some((h) => h.name === 'READY_PROBE');
  if (na && 'http_health' in naMap && !hasProbe)
    problems.push(
      problem({
        code: 'na_needs_ready_probe',
        file: na.file,
        line: na.line,
        key: 'EXPECTED_NA',
        message:
          'EXPECTED_NA.http_health is declared but no READY_PROBE says when the app is ready',
        hint: 'add READY_PROBE (e.g. [{tcp: 64738, stable: 3}]) or a READY_PROBE hook',
      }),
    );
  const deps = set.find((s) => s.key === 'DEPS');
  if (deps && (deps.value as string[]).includes(recipe))
    problems.push(
      problem({
        code: 'self_dependency',
        file: deps.file,
        line: deps.line,
        key: 'DEPS',
        message: `${recipe} lists itself in DEPS`,
        hint: 'remove it from DEPS',
      }),
    );
}

/** The files of a recipe: the operator folder's, then the approved `.ccci/`'s. */
export function mergeFiles(
  operator: FolderFiles | null,
  repo: FolderFiles | null,
  repoApproved: boolean,
  repoHash: string | null,
  ccci: string | null,
): RecipeFiles {
  const both = [
    [operator, 'operator'],
    [repo, 'repo'],
  ] as const;
  const first = <T>(pick: (f: FolderFiles) => T | null): (T & { source: Source }) | null => {
    for (const [f, source] of both) {
      const v = f ? pick(f) : null;
      if (v !== null) return { ...v, source };
    }
    return null;
  };
  return {
    operatorDir: operator?.dir ?? null,
    repoDir: ccci,
    repoApproved,
    repoHash,
    metaFiles: both.flatMap(([f]) => (f?.metaFile ? [f.metaFile] : [])),
    composeOverlay: first((f) => f.composeOverlay),
    installSteps: first((f) => (f.installSteps ? { file: f.installSteps } : null)),
    testOverlays: both.flatMap(([f, source]) =>
      (f?.testOverlays ?? []).map((t) => ({ ...t, source })),
    ),
    functionalTests: both.flatMap(([f, source]) =>
      (f?.functionalTests ?? []).map((file) => ({
        file: join(f!.dir, 'tests/functional', file),
        source,
      })),
    ),
    playwrightTests: both.flatMap(([f, source]) =>
      (f?.playwrightTests ?? []).map((t) => ({
        file: join(f!.dir, 'tests/playwright', t.file),
        tests: t.tests,
        source,
      })),
    ),
    previous: first((f) => (f.previous ? { dir: f.previous.dir, files: f.previous.files } : null)),
  };
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
