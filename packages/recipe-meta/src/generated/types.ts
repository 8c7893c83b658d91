// Generated from packages/recipe-meta/src/registry.ts by `pnpm --filter @ccci/recipe-meta generate`. Do not edit.
import type { BackupInfo, HookContext, ScreenshotPage } from '../hook-context.js';

/** A value or a promise of it: every hook may be async. */
export type Awaitable<T> = T | Promise<T>;

/** Env variables by name. */
export type EnvMap = Readonly<Record<string, string>>;

export type ExpectedNaTarget =
  | 'upgrade'
  | 'backup_restore'
  | 'functional'
  | 'lint'
  | 'http_health'
  | 'data_continuity';

export type ComposePolicyRule =
  | 'privileged'
  | 'host-network'
  | 'host-pid'
  | 'host-ipc'
  | 'host-userns'
  | 'host-uts'
  | 'docker-socket'
  | 'host-bind'
  | 'host-file'
  | 'cap-add'
  | 'devices'
  | 'security-opt'
  | 'unresolved-variable'
  | 'foreign-object';

export interface ReadyProbe {
  /** TCP port that must accept a connection */
  readonly tcp?: number;
  /** path that must answer one of `status` */
  readonly http?: string;
  /** statuses that count for an http probe (default: HEALTH_OK) */
  readonly status?: readonly number[];
  /** consecutive successes required (default 1) */
  readonly stable?: number;
  /** compose service the probe targets (default: the app service) */
  readonly service?: string;
}

export interface ComposePolicyException {
  /** compose service the exception applies to */
  readonly service: string;
  /** compose-policy rule that is allowed */
  readonly rule: ComposePolicyRule;
  /** why; shown in the manifest */
  readonly reason: string;
}

/** A recipe's CI settings with every default applied: what consumers read. */
export interface RecipeMeta {
  /** path probed to assert the app serves. Default: "/". */
  readonly HEALTH_PATH: string;
  /** statuses that count as serving. Default: [200, 301, 302]. */
  readonly HEALTH_OK: readonly number[];
  /** one abra deploy including convergence (also handed to abra as `TIMEOUT`). Default: 600. */
  readonly DEPLOY_TIMEOUT: number;
  /** wait for `HEALTH_PATH` to answer after convergence. Default: 300. */
  readonly HTTP_TIMEOUT: number;
  /**
   * times a failed custom test (tests/functional/, tests/playwright/) is re-run; one that
   * passes on a re-run is marked flaky: the rung passes and the results, comment and card
   * say so. 0 disables. Default: 1.
   */
  readonly TEST_RETRIES: number;
  /** explicit upgrade base; wins over dynamic resolution. Default: none. */
  readonly UPGRADE_BASE_VERSION: string | null;
  /**
   * versions this CI cannot deploy; the base resolver steps over them, honestly reported.
   * Default: {}.
   */
  readonly UNTESTABLE_VERSIONS: Readonly<Record<string, string>>;
  /** added to the app env before deploy (e.g. `COMPOSE_FILE`). Default: {}. */
  readonly EXTRA_ENV: Readonly<Record<string, string>>;
  /** applied at the upgrade redeploy only. Default: {}. */
  readonly UPGRADE_EXTRA_ENV: Readonly<Record<string, string>>;
  /** extra readiness for apps that are not plain HTTP; all probes must pass. Default: []. */
  readonly READY_PROBE: readonly ReadyProbe[];
  /** `auto`: backupbot labels found in the compose files. Default: "auto". */
  readonly BACKUP_CAPABLE: true | false | 'auto';
  /**
   * rungs (or the generic `http_health` / `data_continuity` checks) intentionally not
   * applicable: they become `skip`, not `unver`; `http_health` needs a `READY_PROBE`.
   * Default: {}.
   */
  readonly EXPECTED_NA: Readonly<Partial<Record<ExpectedNaTarget, string>>>;
  /**
   * landing-page screenshot for the card; a hook may log in first and must not capture
   * credentials. Default: true.
   */
  readonly SCREENSHOT: boolean;
  /**
   * apps deployed before this one (e.g. an SSO provider); their credentials reach hooks and
   * tests. Default: [].
   */
  readonly DEPS: readonly string[];
  /**
   * keep a warm instance after green runs on the default branch (upgrade base, quick mode).
   * Default: false.
   */
  readonly WARM_CANONICAL: boolean;
  /**
   * compose-policy exceptions granted by the operator, each with a reason shown in the
   * manifest. Default: [].
   */
  readonly COMPOSE_POLICY_EXCEPTIONS: readonly ComposePolicyException[];
}

/** `recipe_meta.yml` as written: every key optional. */
export interface RecipeMetaInput {
  readonly HEALTH_PATH?: string;
  readonly HEALTH_OK?: readonly number[];
  readonly DEPLOY_TIMEOUT?: number;
  readonly HTTP_TIMEOUT?: number;
  readonly TEST_RETRIES?: number;
  readonly UPGRADE_BASE_VERSION?: string;
  readonly UNTESTABLE_VERSIONS?: Readonly<Record<string, string>>;
  readonly EXTRA_ENV?: Readonly<Record<string, string>>;
  readonly UPGRADE_EXTRA_ENV?: Readonly<Record<string, string>>;
  readonly READY_PROBE?: readonly ReadyProbe[];
  readonly BACKUP_CAPABLE?: true | false | 'auto';
  readonly EXPECTED_NA?: Readonly<Partial<Record<ExpectedNaTarget, string>>>;
  readonly SCREENSHOT?: boolean;
  readonly DEPS?: readonly string[];
  readonly WARM_CANONICAL?: boolean;
  readonly COMPOSE_POLICY_EXCEPTIONS?: readonly ComposePolicyException[];
}

/** Names of the data keys. */
export type DataKey = keyof RecipeMeta;

/** Names of the hooks `hooks.ts` may export. */
export type HookName =
  | 'preInstall'
  | 'preUpgrade'
  | 'preBackup'
  | 'preRestore'
  | 'EXTRA_ENV'
  | 'UPGRADE_EXTRA_ENV'
  | 'READY_PROBE'
  | 'BACKUP_VERIFY'
  | 'SCREENSHOT';

/** What `hooks.ts` may export; every hook may be async. */
export interface RecipeHooks {
  /** runs before the install op */
  readonly preInstall?: (ctx: HookContext) => Awaitable<void>;
  /** runs before the upgrade op */
  readonly preUpgrade?: (ctx: HookContext) => Awaitable<void>;
  /** runs before the backup op */
  readonly preBackup?: (ctx: HookContext) => Awaitable<void>;
  /** runs before the restore op */
  readonly preRestore?: (ctx: HookContext) => Awaitable<void>;
  /** env added before deploy */
  readonly EXTRA_ENV?: (ctx: HookContext) => Awaitable<EnvMap>;
  /** env applied at the upgrade redeploy */
  readonly UPGRADE_EXTRA_ENV?: (ctx: HookContext) => Awaitable<EnvMap>;
  /** true when ready; polled until true or HTTP_TIMEOUT */
  readonly READY_PROBE?: (ctx: HookContext) => Awaitable<boolean>;
  /** read-only check of a backup; false → redo (at most 3 times) */
  readonly BACKUP_VERIFY?: (ctx: HookContext, backup: BackupInfo) => Awaitable<boolean>;
  /** prepares the page (e.g. logs in); the harness then captures it */
  readonly SCREENSHOT?: (page: ScreenshotPage, ctx: HookContext) => Awaitable<void>;
}
