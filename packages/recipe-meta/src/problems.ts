import { relative } from 'node:path';
import { CcciError } from '@ccci/contracts';

/** Stable codes of every problem the loader reports. */
export const PROBLEM_CODES = [
  'yaml_syntax',
  'yaml_aliases',
  'yaml_tag',
  'duplicate_key',
  'file_too_large',
  'not_a_map',
  'unknown_key',
  'key_not_allowed_here',
  'wrong_type',
  'removed_key',
  'hook_only_key',
  'operator_only_key',
  'hook_data_conflict',
  'data_only_hook',
  'unknown_hook_export',
  'hook_signature',
  'hook_not_function',
  'hooks_syntax',
  'hooks_unanalysable',
  'compose_overlay_no_why',
  'compose_overlay_syntax',
  'unknown_test_overlay',
  'spec_no_tests',
  'unknown_file',
  'wrong_file_kind',
  'na_needs_ready_probe',
  'self_dependency',
  'repo_not_approved',
  'approval_wildcard',
  'approval_bad_line',
  'approval_needs_hash',
  'unreadable',
  'not_in_recipe',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** One problem, as data. JSON-serialisable; never carries a secret value. */
export interface MetaProblem {
  code: ProblemCode;
  severity: 'error' | 'warning';
  /** Path of the file (or folder) the problem is in, as the loader was given it. */
  file: string;
  /** 1-based line, or null when the problem is about a whole file or folder. */
  line: number | null;
  /** 1-based column, or null. */
  column: number | null;
  /** The setting or export concerned, or null. */
  key: string | null;
  /** What is wrong, in one sentence. */
  message: string;
  /** What to do about it, or null. */
  hint: string | null;
}

export function problem(
  p: Pick<MetaProblem, 'code' | 'file' | 'message'> & Partial<MetaProblem>,
): MetaProblem {
  return {
    code: p.code,
    severity: p.severity ?? (p.code === 'repo_not_approved' ? 'warning' : 'error'),
    file: p.file,
    line: p.line ?? null,
    column: p.column ?? null,
    key: p.key ?? null,
    message: p.message,
    hint: p.hint ?? null,
  };
}

/** `file:line:col  error  message` plus an indented hint line; paths relative to `cwd`. */
export function renderProblem(p: MetaProblem, options: { cwd?: string } = {}): string {
  const file = options.cwd ? relative(options.cwd, p.file) || p.file : p.file;
  const where = `${file}${p.line !== null ? `:${p.line}` : ''}${p.column !== null && p.line !== null ? `:${p.column}` : ''}`;
  const head = `${where}  ${p.severity} ${p.code}: ${p.message}`;
  return p.hint ? `${head}\n    hint: ${p.hint}` : head;
}

/** Stable codes of {@link MetaError} (a problem's own `code` is a {@link ProblemCode}). */
export type MetaErrorCode =
  | 'META_INVALID'
  | 'META_HOOK_IMPORT'
  | 'META_HOOK_NOT_APPROVED'
  | 'META_PATH_NOT_FOUND'
  | 'META_TREE_TOO_LARGE'
  | 'META_USAGE';

/** Base class of every error this package throws; `code` is stable. */
export class MetaError extends CcciError<MetaErrorCode> {}

/** A recipe's settings are invalid; `problems` holds every problem found. */
export class MetaValidationError extends MetaError {
  readonly recipe: string;
  readonly problems: readonly MetaProblem[];
  constructor(recipe: string, problems: readonly MetaProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      'META_INVALID',
      `recipe ${recipe}: ${errors.length} problem(s) in its CI settings; first: ${errors[0]?.message ?? 'none'}`,
    );
    this.recipe = recipe;
    this.problems = problems;
  }
}

/** Importing a recipe's hooks.ts at run time failed (syntax, missing import, throw at load). */
export class HookImportError extends MetaError {
  readonly file: string;
  constructor(file: string, cause: unknown) {
    super('META_HOOK_IMPORT', `could not load hooks from ${file}: ${firstLine(cause)}`, {
      cause,
    });
    this.file = file;
  }
}

/** Hooks from a place that is not allowed to run code (a recipe's unapproved .ccci/). */
export class HookNotApprovedError extends MetaError {
  constructor(recipe: string) {
    super(
      'META_HOOK_NOT_APPROVED',
      `recipe ${recipe}: its .ccci/ hooks are not on the operator's approval list; refusing to run them`,
    );
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? '';
}
