import type { Log } from '@ccci/contracts';
import type { OutputStream } from './run-process.js';

/** The abra operations this package wraps; keys of `timeoutMs`. */
export type AbraOperation =
  | 'serverAdd'
  | 'appNew'
  | 'deploy'
  | 'undeploy'
  | 'rm'
  | 'secretGenerate'
  | 'secretRm'
  | 'secretInsert'
  | 'backupCreate'
  | 'restore'
  | 'ps'
  | 'run'
  | 'logs'
  | 'recipeLint';

/** Default per-call time limits in ms (deploy: abra's own TIMEOUT plus a margin, see `deploy`). */
export const DEFAULT_TIMEOUTS_MS: Readonly<Record<AbraOperation, number>> = {
  serverAdd: 60_000,
  appNew: 120_000,
  deploy: 420_000,
  undeploy: 300_000,
  rm: 180_000,
  secretGenerate: 120_000,
  secretRm: 60_000,
  secretInsert: 60_000,
  backupCreate: 1_800_000,
  restore: 1_800_000,
  ps: 60_000,
  run: 600_000,
  logs: 60_000,
  recipeLint: 180_000,
};

/** abra's own convergence wait for a deploy when `timeoutSec` is not given (abra's default). */
export const DEFAULT_DEPLOY_TIMEOUT_SEC = 300;
/** How much longer than abra's TIMEOUT we let a deploy run before killing it. */
export const DEPLOY_TIMEOUT_MARGIN_MS = 120_000;

export interface CreateAbraOptions {
  /** The run's `ABRA_DIR` (required): servers, recipes and app env files live here. */
  abraDir: string;
  /** The abra executable, looked up on PATH. Default `'abra'`. */
  bin?: string;
  /** Extra environment for every call (added to the inherited one). Default `{}`. */
  env?: Record<string, string>;
  /**
   * Whether calls inherit this process's environment under `env`. Default `true`; `false`: `env`
   * is the whole environment (a caller that keeps secrets of its own away from abra).
   */
  inheritEnv?: boolean;
  /** Per-operation time limits in ms, merged over {@link DEFAULT_TIMEOUTS_MS}. */
  timeoutMs?: Partial<Record<AbraOperation, number>>;
  /**
   * Receives output as it arrives (raw terminal text, may be split anywhere): hand it to the
   * redactor. Secret-printing calls (`secretGenerate`, `appNew` with `secrets`) do not stream
   * their output; they report a one-line summary instead. Default: not streamed.
   */
  onOutput?: (chunk: string, stream: OutputStream) => void;
  /** Diagnostics (call start/end at debug, failures at warn); a pino logger fits. Default: silent. */
  log?: Log;
  /** Run-state deploy counter file. Default `process.env.CCCI_DEPLOY_COUNT_FILE`; none: not counted. */
  deployCountFile?: string;
  /** Time between SIGTERM and SIGKILL when a call is killed, in ms. Default 5000. */
  killGraceMs?: number;
  /**
   * Run abra under a pseudo-terminal. Default `true`: abra fails without one. `false` exists
   * for tests and diagnostics (it reproduces `ABRA_NO_TTY`).
   */
  terminal?: boolean;
  /** Output kept per call (the tail), in characters; errors carry it. Default 262144 (256 KiB). */
  maxOutputChars?: number;
  /**
   * Where each call registers while it runs (e.g. @ccci/lifetime's GroupRegistry): the
   * registry can abort it, and waits until its whole process tree is dead. Default: none.
   */
  registry?: AbraCallRegistry;
}

/** What a call registry offers: run an operation that it may abort and waits for. */
export interface AbraCallRegistry {
  operation<T>(run: (kill: AbortSignal) => Promise<T>): Promise<T>;
}

/** Options every method accepts besides its own. */
export interface CallOptions {
  /** Cancels the call: its process tree is killed and it rejects with `ABRA_ABORTED`. */
  signal?: AbortSignal;
  /** Overrides this call's time limit in ms. */
  timeoutMs?: number;
}
