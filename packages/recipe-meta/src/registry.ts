import { EXCEPTABLE_RULES } from '@ccci/compose-policy';
import { RECIPE_NAME_SOURCE, RUNG_NAMES } from '@ccci/contracts';
import type { TypeSpec } from './type-spec.js';

/**
 * THE registry of per-recipe CI settings. Everything else — the JSON Schema, the TypeScript
 * types (src/generated/types.ts), docs/recipe-meta.md, machine-docs/recipe-meta.schema.json and
 * every validation message — is derived from this file. Edit here, then run
 * `pnpm --filter @ccci/recipe-meta generate`.
 */

/**
 * What `EXPECTED_NA` may name: every rung but install (an app that does not install is level 0,
 * never "not applicable"), plus two generic checks a recipe may opt out of with a reason.
 */
export const EXPECTED_NA_TARGETS = [
  'upgrade',
  'backup_restore',
  'functional',
  'lint',
  'http_health',
  'data_continuity',
] as const;

/** Lifecycle ops that may carry a `tests/test_<op>.*` overlay. */
export const OVERLAY_OPS = ['install', 'upgrade', 'backup', 'restore'] as const;

/**
 * Compose-policy rules an operator may grant an exception for: the one list lives in
 * @ccci/compose-policy, which enforces them.
 */
export const COMPOSE_POLICY_RULES = EXCEPTABLE_RULES;

/** A hook's expected signature: exported from `hooks.ts` under `name`. */
export interface HookSignature {
  name: string;
  kind: 'lifecycle' | 'key';
  params: readonly { name: string; type: string }[];
  /** TypeScript return type (without the Promise; hooks may be async). */
  returns: string;
  meaning: string;
}

export interface KeyDefinition {
  key: string;
  /** Value type in recipe_meta.yml; null for a key that can only be a hook. */
  type: TypeSpec | null;
  /** Default when unset; null means "none". */
  default: unknown;
  meaning: string;
  /** Name of the hook signature when the key may (or must) be a hook instead of data. */
  hook: string | null;
  /** Settable only in the operator's `recipes/<name>/`, never from a recipe's `.ccci/`. */
  operatorOnly: boolean;
  /**
   * Also settable in `previous/recipe_meta.yml`, where it replaces the head's value for the
   * base deploy of an older version only. Default: false.
   */
  previous?: boolean;
}

export interface RemovedKey {
  key: string;
  replacement: string;
  hint: string;
}

const seconds = (max: number): TypeSpec => ({
  kind: 'integer',
  min: 1,
  max,
  text: `whole seconds (1–${max})`,
});
/**
 * An app env entry ccci writes into the app's env file: not a variable ccci itself sets there
 * (the recipe, the domain, the stack, the deploy's TIMEOUT from DEPLOY_TIMEOUT), and a value
 * that file can hold (abra's reader has no escape for a single quote next to special
 * characters, and a line break would end the line: @ccci/abra envFileValue).
 */
const envMap: TypeSpec = {
  kind: 'map',
  keys: {
    pattern: '^(?!(?:TYPE|RECIPE|DOMAIN|STACK_NAME|TIMEOUT)$)[A-Za-z_][A-Za-z0-9_]*$',
    text: 'env var name but TYPE, RECIPE, DOMAIN, STACK_NAME, TIMEOUT (ccci sets those)',
    maxLength: 128,
  },
  of: {
    kind: 'string',
    pattern: "^[^'\\x00-\\x08\\x0a-\\x1f\\x7f]*$",
    maxLength: 4096,
    text: 'one-line string without single quotes (quote numbers: "8080")',
  },
  maxEntries: 200,
};
const reason: TypeSpec = { kind: 'string', minLength: 3, maxLength: 500, text: 'a reason (text)' };
const statusCode: TypeSpec = { kind: 'integer', min: 100, max: 599, text: 'HTTP status (100–599)' };
/**
 * A path the harness requests from the app (resolved against the app's URL): `//host` or `/\host`
 * would name another host, and URL parsing drops tabs and line breaks, so `/<tab>/host` is one.
 */
const httpPath: TypeSpec = {
  kind: 'string',
  pattern: '^/(?!/)[^\\x00-\\x20\\x7f\\\\]*$',
  maxLength: 2048,
  text: 'path on the app: one leading /, no spaces, backslashes or control characters',
};
const recipeName: TypeSpec = {
  kind: 'string',
  pattern: RECIPE_NAME_SOURCE,
  maxLength: 64,
  text: 'recipe name ([a-z0-9_-])',
};
const VERSION_PATTERN = '^[0-9]+\\.[0-9]+\\.[0-9]+\\+[0-9A-Za-z][0-9A-Za-z._-]*$';
const recipeVersion: TypeSpec = {
  kind: 'string',
  pattern: VERSION_PATTERN,
  maxLength: 128,
  text: 'recipe version (e.g. 1.2.0+3.4.5)',
};

const readyProbe: TypeSpec = {
  kind: 'object',
  name: 'ReadyProbe',
  props: {
    tcp: {
      spec: { kind: 'integer', min: 1, max: 65535, text: 'TCP port (1–65535)' },
      required: false,
      doc: 'TCP port that must accept a connection',
    },
    http: { spec: httpPath, required: false, doc: 'path that must answer one of `status`' },
    status: {
      spec: { kind: 'list', of: statusCode, minItems: 1, maxItems: 100 },
      required: false,
      doc: 'statuses that count for an http probe (default: HEALTH_OK)',
    },
    stable: {
      spec: { kind: 'integer', min: 1, max: 100, text: 'count (1–100)' },
      required: false,
      doc: 'consecutive successes required (default 1)',
    },
    service: {
      spec: { kind: 'string', pattern: '^[a-zA-Z0-9_.-]+$', maxLength: 128, text: 'service name' },
      required: false,
      doc: 'compose service the probe targets (default: the app service)',
    },
  },
  exactlyOneOf: ['tcp', 'http'],
};

const policyException: TypeSpec = {
  kind: 'object',
  name: 'ComposePolicyException',
  props: {
    service: {
      spec: { kind: 'string', pattern: '^[a-zA-Z0-9_.-]+$', maxLength: 128, text: 'service name' },
      required: true,
      doc: 'compose service the exception applies to',
    },
    rule: {
      spec: { kind: 'enum', values: COMPOSE_POLICY_RULES, name: 'ComposePolicyRule' },
      required: true,
      doc: 'compose-policy rule that is allowed',
    },
    reason: { spec: reason, required: true, doc: 'why; shown in the manifest' },
  },
};

export const KEYS: readonly KeyDefinition[] = [
  {
    key: 'HEALTH_PATH',
    type: httpPath,
    default: '/',
    meaning: 'path probed to assert the app serves',
    hook: null,
    operatorOnly: false,
    previous: true,
  },
  {
    key: 'HEALTH_OK',
    type: { kind: 'list', of: statusCode, minItems: 1, maxItems: 100, unique: true },
    default: [200, 301, 302],
    meaning: 'statuses that count as serving',
    hook: null,
    operatorOnly: false,
    previous: true,
  },
  {
    key: 'DEPLOY_TIMEOUT',
    type: seconds(7200),
    default: 600,
    meaning: 'one abra deploy including convergence (also handed to abra as `TIMEOUT`)',
    hook: null,
    operatorOnly: false,
    previous: true,
  },
  {
    key: 'HTTP_TIMEOUT',
    type: seconds(3600),
    default: 300,
    meaning: 'wait for `HEALTH_PATH` to answer after convergence',
    hook: null,
    operatorOnly: false,
    previous: true,
  },
  {
    key: 'TEST_RETRIES',
    type: { kind: 'integer', min: 0, max: 3, text: 're-runs (0–3)' },
    default: 1,
    meaning:
      'times a failed custom test (tests/functional/, tests/playwright/) is re-run; one that passes on a re-run is marked flaky: the rung passes and the results, comment and card say so. 0 disables',
    hook: null,
    operatorOnly: false,
  },
  {
    key: 'UPGRADE_BASE_VERSION',
    type: recipeVersion,
    default: null,
    meaning: 'explicit upgrade base; wins over dynamic resolution',
    hook: null,
    operatorOnly: false,
  },
  {
    key: 'UNTESTABLE_VERSIONS',
    type: {
      kind: 'map',
      keys: { pattern: VERSION_PATTERN, text: 'recipe version', maxLength: 128 },
      of: reason,
      maxEntries: 100,
    },
    default: {},
    meaning: 'versions this CI cannot deploy; the base resolver steps over them, honestly reported',
    hook: null,
    operatorOnly: false,
  },
  {
    key: 'EXTRA_ENV',
    type: envMap,
    default: {},
    meaning: 'added to the app env before deploy (e.g. `COMPOSE_FILE`)',
    hook: 'EXTRA_ENV',
    operatorOnly: false,
    previous: true,
  },
  {
    key: 'UPGRADE_EXTRA_ENV',
    type: envMap,
    default: {},
    meaning: 'applied at the upgrade redeploy only',
    hook: 'UPGRADE_EXTRA_ENV',
    operatorOnly: false,
  },
  {
    key: 'READY_PROBE',
    type: { kind: 'list', of: readyProbe, maxItems: 20 },
    default: [],
    meaning: 'extra readiness for apps that are not plain HTTP; all probes must pass',
    hook: 'READY_PROBE',
    operatorOnly: false,
  },
  {
    key: 'BACKUP_CAPABLE',
    type: { kind: 'enum', values: [true, false, 'auto'] },
    default: 'auto',
    meaning: '`auto`: backupbot labels found in the compose files',
    hook: null,
    operatorOnly: false,
  },
  {
    key: 'BACKUP_VERIFY',
    type: null,
    default: null,
    meaning: 'read-only check after a backup; false → redo the backup, at most 3 times, then fail',
    hook: 'BACKUP_VERIFY',
    operatorOnly: false,
  },
  {
    key: 'EXPECTED_NA',
    type: {
      kind: 'map',
      keys: {
        values: EXPECTED_NA_TARGETS,
        name: 'ExpectedNaTarget',
        text: 'rung or check',
        maxLength: 64,
      },
      of: reason,
      maxEntries: 20,
    },
    default: {},
    meaning:
      'rungs (or the generic `http_health` / `data_continuity` checks) intentionally not applicable: they become `skip`, not `unver`; `http_health` needs a `READY_PROBE`',
    hook: null,
    operatorOnly: false,
  },
  {
    key: 'SCREENSHOT',
    type: { kind: 'boolean' },
    default: true,
    meaning:
      'landing-page screenshot for the card; a hook may log in first and must not capture credentials',
    hook: 'SCREENSHOT',
    operatorOnly: false,
  },
  {
    key: 'DEPS',
    type: { kind: 'list', of: recipeName, maxItems: 20, unique: true },
    default: [],
    meaning:
      'apps deployed before this one (e.g. an SSO provider); their credentials reach hooks and tests',
    hook: null,
    operatorOnly: false,
  },
  {
    key: 'WARM_CANONICAL',
    type: { kind: 'boolean' },
    default: false,
    meaning:
      'keep a warm instance after green runs on the default branch (upgrade base, quick mode)',
    hook: null,
    operatorOnly: false,
  },
  {
    key: 'COMPOSE_POLICY_EXCEPTIONS',
    type: { kind: 'list', of: policyException, maxItems: 100 },
    default: [],
    meaning:
      'compose-policy exceptions granted by the operator, each with a reason shown in the manifest',
    hook: null,
    operatorOnly: true,
  },
];

/** What every hook gets: the run's frozen context. */
const ctx = { name: 'ctx', type: 'HookContext' } as const;

/** A hook a key of recipe_meta.yml may be instead of data; it gets the context unless told. */
const keyHook = (
  name: string,
  returns: string,
  meaning: string,
  params: HookSignature['params'] = [ctx],
): HookSignature => ({ name, kind: 'key', params, returns, meaning });

export const HOOKS: readonly HookSignature[] = [
  ...(['preInstall', 'preUpgrade', 'preBackup', 'preRestore'] as const).map(
    (name): HookSignature => ({
      name,
      kind: 'lifecycle',
      params: [ctx],
      returns: 'void',
      meaning: `runs before the ${name.slice(3).toLowerCase()} op`,
    }),
  ),
  keyHook('EXTRA_ENV', 'EnvMap', 'env added before deploy'),
  keyHook('UPGRADE_EXTRA_ENV', 'EnvMap', 'env applied at the upgrade redeploy'),
  keyHook('READY_PROBE', 'boolean', 'true when ready; polled until true or HTTP_TIMEOUT'),
  keyHook(
    'BACKUP_VERIFY',
    'boolean',
    'read-only check of a backup; false → redo (at most 3 times)',
    [ctx, { name: 'backup', type: 'BackupInfo' }],
  ),
  keyHook('SCREENSHOT', 'void', 'prepares the page (e.g. logs in); the harness then captures it', [
    { name: 'page', type: 'ScreenshotPage' },
    ctx,
  ]),
];

/** Keys of the old Python system, refused with their replacement. */
export const REMOVED_KEYS: readonly RemovedKey[] = [
  {
    key: 'HEALTHCHECK_URL',
    replacement: 'HEALTH_PATH',
    hint: 'give only the path, e.g. HEALTH_PATH: /status',
  },
  {
    key: 'TIMEOUT',
    replacement: 'DEPLOY_TIMEOUT',
    hint: 'seconds for one deploy; the harness hands it to abra as TIMEOUT',
  },
  {
    key: 'HTTP_HEALTHCHECK_TIMEOUT',
    replacement: 'HTTP_TIMEOUT',
    hint: 'seconds to wait for HEALTH_PATH after convergence',
  },
  {
    key: 'SKIP_BACKUP',
    replacement: 'EXPECTED_NA',
    hint: 'declare it with a reason: EXPECTED_NA: { backup_restore: "why" }',
  },
  {
    key: 'SKIP_UPGRADE',
    replacement: 'EXPECTED_NA',
    hint: 'declare it with a reason: EXPECTED_NA: { upgrade: "why" }',
  },
  {
    key: 'SCREENSHOT_PATH',
    replacement: 'SCREENSHOT',
    hint: 'to screenshot another page, export SCREENSHOT(page, ctx) from hooks.ts and navigate there',
  },
  {
    key: 'BASE_VERSION',
    replacement: 'UPGRADE_BASE_VERSION',
    hint: 'a full recipe version, e.g. 1.2.0+3.4.5',
  },
  {
    key: 'EXTRA_ENV_UPGRADE',
    replacement: 'UPGRADE_EXTRA_ENV',
    hint: 'same map, applied at the upgrade redeploy',
  },
  { key: 'DEPENDS_ON', replacement: 'DEPS', hint: 'a list of recipe names' },
];

/** Keys `previous/recipe_meta.yml` may set (deploy-related only), in registry order. */
export const PREVIOUS_KEYS: readonly string[] = KEYS.filter((k) => k.previous).map((k) => k.key);

/** Files `previous/` may hold: the base deploy's own settings, overlay and install steps. */
export const PREVIOUS_ENTRIES = [
  'recipe_meta.yml',
  'compose.ccci.yml',
  'install_steps.sh',
] as const;

/** Lookup helpers. */
export const KEY_BY_NAME: ReadonlyMap<string, KeyDefinition> = new Map(KEYS.map((k) => [k.key, k]));
export const HOOK_BY_NAME: ReadonlyMap<string, HookSignature> = new Map(
  HOOKS.map((h) => [h.name, h]),
);
export const REMOVED_BY_NAME: ReadonlyMap<string, RemovedKey> = new Map(
  REMOVED_KEYS.map((r) => [r.key, r]),
);

/** The whole registry, as one value. */
export const registry = {
  keys: KEYS,
  hooks: HOOKS,
  removed: REMOVED_KEYS,
  rungs: RUNG_NAMES,
  expectedNaTargets: EXPECTED_NA_TARGETS,
  overlayOps: OVERLAY_OPS,
  composePolicyRules: COMPOSE_POLICY_RULES,
  previousKeys: PREVIOUS_KEYS,
  previousEntries: PREVIOUS_ENTRIES,
} as const;

/** Text of a hook's expected signature, e.g. `SCREENSHOT(page, ctx)`. */
export function hookSignatureText(h: HookSignature): string {
  return `${h.name}(${h.params.map((p) => p.name).join(', ')})`;
}
