import type { RecipeMeta } from './generated/types.js';

/** The op a hook runs in. */
export type HookOp = 'install' | 'upgrade' | 'backup' | 'restore' | 'functional' | 'screenshot';

/** A dependency provisioned before the app (from `DEPS`), with the credentials it created. */
export interface ProvisionedDep {
  readonly recipe: string;
  readonly domain: string;
  readonly baseUrl: string;
  /** e.g. `{ admin_password: '…' }` for keycloak; redacted from every log by the harness. */
  readonly credentials: Readonly<Record<string, string>>;
}

export interface HookLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command (argument array, no shell) inside one service of the app's stack. */
export type ExecInService = (
  service: string,
  argv: readonly string[],
  options?: { readonly timeoutMs?: number; readonly input?: string },
) => Promise<ExecResult>;

/** The one frozen context every hook receives. */
export interface HookContext {
  /** The app's domain, e.g. `ghos-a1b2c3.ci.localhost`. */
  readonly domain: string;
  /** `https://<domain>` as the harness reaches it. */
  readonly baseUrl: string;
  /** The loaded settings, every default applied. */
  readonly meta: Readonly<RecipeMeta>;
  /** Provisioned deps by recipe name. */
  readonly deps: Readonly<Record<string, ProvisionedDep>>;
  readonly op: HookOp;
  readonly runId: string;
  readonly log: HookLogger;
  /** `fetch` that resolves `path` against `baseUrl` and reaches the app through the proxy. */
  readonly http: (path: string, init?: RequestInit) => Promise<Response>;
  readonly exec: ExecInService;
}

/** What `BACKUP_VERIFY` is given about the backup it checks. */
export interface BackupInfo {
  /** Snapshot id reported by the backup tool. */
  readonly snapshot: string;
  /** Paths the backup contains, as listed by the backup tool. */
  readonly paths: readonly string[];
  /** 1 for the first attempt, up to 3. */
  readonly attempt: number;
}

/**
 * The slice of a Playwright `Page` a SCREENSHOT hook may use (structural, so this package does not
 * depend on Playwright; a real `Page` satisfies it).
 */
export interface ScreenshotPage {
  goto(url: string, options?: object): Promise<unknown>;
  fill(selector: string, value: string, options?: object): Promise<void>;
  click(selector: string, options?: object): Promise<void>;
  waitForURL(url: string | RegExp, options?: object): Promise<void>;
  waitForLoadState(
    state?: 'load' | 'domcontentloaded' | 'networkidle',
    options?: object,
  ): Promise<void>;
  url(): string;
}

/** Builds the frozen hook context (deeply frozen: hooks cannot change what others see). */
export function createHookContext(fields: HookContext): HookContext {
  return deepFreeze({ ...fields });
}

// Only plain objects and arrays are frozen: class instances (a logger) keep working.
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null || Array.isArray(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
