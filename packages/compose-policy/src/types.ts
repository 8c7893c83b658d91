/**
 * Rules an operator may grant a recipe an exception for (recipe meta
 * `COMPOSE_POLICY_EXCEPTIONS`). @ccci/recipe-meta validates exceptions against this list.
 */
export const EXCEPTABLE_RULES = [
  'privileged',
  'host-network',
  'host-pid',
  'host-ipc',
  'host-userns',
  'host-uts',
  'docker-socket',
  'host-bind',
  'host-file',
  'cap-add',
  'devices',
  'security-opt',
  'unresolved-variable',
  'foreign-object',
] as const;

/** Stable identifiers of the compose policy rules; `unparseable` admits no exception. */
export const RULES = [...EXCEPTABLE_RULES, 'unparseable'] as const;

export type Rule = (typeof RULES)[number];

/** One refused setting, located in its file. */
export interface Violation {
  /** Path of the compose file as given in `files[].path`. */
  file: string;
  /** 1-based line of the offending value (or key when the value has no position). */
  line: number;
  /** Service name, or `configs.<name>` / `secrets.<name>` / `volumes.<name>` for top-level objects. */
  service: string;
  rule: Rule;
  /** What is refused, naming file, line and service. */
  message: string;
  /** What to do instead. */
  hint: string;
}

/** An operator-granted exception: allows `rule` for `service` (of the recipe), with a reason. */
export interface PolicyException {
  service: string;
  rule: string;
  reason: string;
}

/** A violation that an exception allowed; it is reported, not refused. */
export interface ExceptedViolation extends Violation {
  reason: string;
}

export interface ComposeFile {
  /** Shown in messages; usually relative to the recipe root (`compose.yml`). */
  path: string;
  text: string;
}

export interface CheckComposeOptions {
  /** The base compose file and every overlay that the deploy will use. Each is checked on its own. */
  files: readonly ComposeFile[];
  /** Operator-granted exceptions (recipe meta `COMPOSE_POLICY_EXCEPTIONS`). Default: none. */
  exceptions?: readonly PolicyException[];
  /**
   * Absolute host path prefixes that may be bind-mounted read-only (matched on whole path
   * segments). Default: {@link DEFAULT_ALLOWED_BIND_PREFIXES}.
   */
  allowedBindPrefixes?: readonly string[];
  /** Capabilities `cap_add` may name (with or without `CAP_`). Default: {@link DEFAULT_ALLOWED_CAPABILITIES}. */
  allowedCapabilities?: readonly string[];
  /**
   * Variables for `${VAR}` interpolation (the app's env). A security-relevant value that
   * still holds an unresolved variable is refused. Its `STACK_NAME` (also with `interpolated`)
   * is the namespace secret, config and volume names must start with. Default: `{}`.
   */
  env?: Readonly<Record<string, string>>;
  /**
   * The files are Docker's rendering (`docker stack config`): merged and interpolated already,
   * so values are taken as they are (a `$` is literal). Default false.
   */
  interpolated?: boolean;
  /**
   * Absolute (real) path of the recipe checkout the files were rendered from: absolute
   * `file:` and `env_file` paths under it are inside the recipe. Without it only relative
   * paths are. The caller checks the file system (symlinks) itself.
   */
  recipeRoot?: string;
}

export interface ComposePolicyReport {
  /** True when nothing is refused. */
  ok: boolean;
  /** Refused settings, in file then line order. */
  violations: Violation[];
  /** Settings allowed by an exception, each with the exception's reason (for the manifest). */
  excepted: ExceptedViolation[];
  /** Exceptions that matched nothing (likely stale or misspelt). */
  unusedExceptions: PolicyException[];
}

/** Read-only time-zone files are the one host path recipes commonly bind. */
export const DEFAULT_ALLOWED_BIND_PREFIXES: readonly string[] = Object.freeze([
  '/etc/localtime',
  '/etc/timezone',
  '/usr/share/zoneinfo',
]);

export const DEFAULT_ALLOWED_CAPABILITIES: readonly string[] = Object.freeze([
  'CHOWN',
  'SETUID',
  'SETGID',
  'NET_BIND_SERVICE',
  'DAC_OVERRIDE',
  'FOWNER',
]);
