/** What a run needs to start; every field is validated before it reaches an executor. */
export interface DispatchRequest {
  runId: string;
  recipe: string;
  /** `owner/name` of the recipe repository. */
  repo: string;
  pr: number | null;
  headSha: string;
  headRef: string;
  baseRef: string;
  /** Clone URL of the head repository. */
  src: string;
  /** Rungs to run, or null for all. */
  stages: readonly string[] | null;
  quick: boolean;
  /**
   * `!testme keep=<minutes>`: on failure the harness leaves the app deployed this long (a lease
   * the janitor honours), or null to tear it down at once.
   */
  keepMinutes: number | null;
  /** Where the harness reports: the bot's base URL. */
  reportUrl: string;
  /** The run-scoped report key (never the forge token). */
  reportKey: string;
}

export interface ExecutorEvents {
  /** The harness started (local executor: the child process spawned). */
  started(runId: string): void;
  /** The harness ended; the bot finishes the run as an infra error if no report came. */
  exited(runId: string, detail: string): void;
}

/** After a restart: what the executor knows about a run the previous process was dispatching. */
export type LookupResult =
  | { kind: 'absent' }
  | { kind: 'present'; ref: string }
  | { kind: 'unknown'; reason: string };

/** Starts runs somewhere: Drone (production) or local child processes (embedded default). */
export interface Executor {
  readonly name: string;
  /**
   * Whether runs outlive the bot process and stay trackable (Drone: yes). When false (local
   * child processes), a restart re-queues dispatched runs that never started and ends
   * interrupted ones as infra errors.
   */
  readonly durable: boolean;
  /** Hands the run over; resolves with the executor's handle (a build number, a queue slot). */
  dispatch(request: DispatchRequest): Promise<{ ref: string }>;
  /** Cancels a dispatched run: dropped from the queue, or its process group terminated. */
  cancel(runId: string, ref: string | null): Promise<void>;
  lookup(runId: string): Promise<LookupResult>;
  /** Optional status poll for executors without push events (Drone). */
  poll?(runs: readonly { runId: string; ref: string }[]): Promise<void>;
  setEvents(events: ExecutorEvents): void;
  /** Stops starting runs; with `terminate`, ends running ones (TERM to their groups) and waits. */
  close(options?: { terminate?: boolean; graceMs?: number }): Promise<void>;
}
