/**
 * A Co-op Cloud recipe name: 1–64 lower-case letters, digits, `-` and `_`, starting and ending
 * with a letter or digit. `_` is in because the public catalogue has such a recipe
 * (`adapt_authoring`); `.` and capitals are out because no recipe has them and the name becomes a
 * directory, an env-variable stem and part of a domain. DECISIONS.md record 138. Unanchored here,
 * for routes that capture it.
 */
export const RECIPE_NAME_PART = '[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?';
/** {@link RECIPE_NAME_PART} anchored: the `pattern` of a JSON schema. */
export const RECIPE_NAME_SOURCE = `^${RECIPE_NAME_PART}$`;
export const RECIPE_NAME = new RegExp(RECIPE_NAME_SOURCE);
/** The rule in words, for messages: `expected ${RECIPE_NAME_RULE}, found …`. */
export const RECIPE_NAME_RULE =
  'a recipe name of lower-case letters, digits, - and _, starting and ending with a letter or digit';

export function isRecipeName(value: unknown): value is string {
  return typeof value === 'string' && RECIPE_NAME.test(value);
}

/**
 * Names the rule takes and refuses: the cases every entry point that reads a recipe name (the
 * harness command line, the dashboard and API, the bot) is tested with, so they cannot drift.
 */
export const RECIPE_NAME_EXAMPLES = {
  accepted: ['custom-html', 'adapt_authoring', 'n8n', 'a', `a${'b'.repeat(63)}`],
  refused: ['Web', 'a.b', '-web', 'web-', '_web', 'web_', 'a b', 'a/b', `a${'b'.repeat(64)}`],
} as const;

/**
 * A git branch name, a conservative subset of git-check-ref-format: letters, digits and
 * `. _ / + -`, 1–200 characters, starting with a letter or digit (so never an option, a refspec's
 * force `+` or a hidden component), no `..`, `//`, component starting with `.`, component ending
 * in `.lock`, or trailing `/` or `.`.
 */
export const BRANCH_NAME =
  /^(?!.*\.\.)(?!.*\/\/)(?!.*\/\.)(?!.*\.lock(?:\/|$))(?!.*[./]$)[A-Za-z0-9][A-Za-z0-9._/+-]{0,199}$/;

export function isBranchName(value: unknown): value is string {
  return typeof value === 'string' && BRANCH_NAME.test(value);
}

/** Branch names the rule takes and refuses (see {@link RECIPE_NAME_EXAMPLES}). */
export const BRANCH_NAME_EXAMPLES = {
  accepted: ['main', 'feature/x', 'fix-1.2', 'renovate/foo+bar', 'v1.0_rc'],
  refused: [
    '-x',
    '+main',
    '/x',
    'x/',
    'x.',
    'a..b',
    'a//b',
    'a/.b',
    'x.lock',
    'a.lock/b',
    'a b',
    'a@{1}',
  ],
} as const;

/**
 * A forge login or repository owner: 1–100 letters, digits, `.`, `_`, `-` (what Gitea and GitHub
 * allow between them), never `.` or `..` alone.
 */
export const FORGE_LOGIN = /^(?!\.\.?$)[A-Za-z0-9_.-]{1,100}$/;

/** `owner/name` of a forge repository: two {@link FORGE_LOGIN}-shaped parts. */
export const REPO_FULL_NAME = /^(?!\.\.?\/)[A-Za-z0-9_.-]{1,100}\/(?!\.\.?$)[A-Za-z0-9_.-]{1,100}$/;

export function isRepoFullName(value: unknown): value is string {
  return typeof value === 'string' && REPO_FULL_NAME.test(value);
}
