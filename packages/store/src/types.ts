export type CommentState = 'pending' | 'ignored' | 'refused' | 'accepted';
export type CommentSource = 'poll' | 'webhook';

/** A forge comment the bot has seen; `pending` until its handling finished. */
export interface SeenComment {
  commentId: number;
  repo: string;
  pr: number | null;
  user: string;
  body: string;
  /** RFC 3339 UTC. */
  createdAt: string;
  source: CommentSource;
  state: CommentState;
  reason: string | null;
  seenAt: string;
  handledAt: string | null;
}

export type RunState =
  | 'queued'
  | 'dispatching'
  | 'dispatched'
  | 'running'
  | 'done'
  | 'cancelled'
  | 'replaced';

/** States in which a run still holds (or may soon hold) an executor slot. */
export const ACTIVE_RUN_STATES: readonly RunState[] = [
  'queued',
  'dispatching',
  'dispatched',
  'running',
];

export interface RunRecord {
  id: string;
  repo: string;
  recipe: string;
  pr: number | null;
  commentId: number | null;
  requestedBy: string | null;
  headSha: string;
  headRef: string;
  baseRef: string;
  /** Clone URL of the head repository. */
  src: string;
  /** Comma list of rungs, or null for all. */
  stages: string | null;
  quick: boolean;
  state: RunState;
  /** `local` or `drone`. */
  executor: string;
  /** Executor's handle: a Drone build number, a local pid. */
  executorRef: string | null;
  /**
   * SHA-256 (hex) of the run-scoped report key; cleared when the run ends, except for a run that
   * ended without a report: it keeps the hash until `lateReportUntil`.
   */
  keyHash: string | null;
  /** Until when (ISO) a run that ended without a report still accepts its late report. */
  lateReportUntil: string | null;
  /** `!testme keep`: minutes a failed run's app stays deployed for debugging; null = not kept. */
  keepMinutes: number | null;
  level: number | null;
  /** Final commit status: success, failure or error. */
  commitState: string | null;
  resultsJson: string | null;
  /** Why the run ended without results (infra failure, cancel, replacement). */
  error: string | null;
  onDefaultBranch: boolean;
  /** Whether the final comment edit and commit status went out. */
  notified: boolean;
  createdAt: string;
  updatedAt: string;
  dispatchedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export type NewRun = Pick<
  RunRecord,
  | 'id'
  | 'repo'
  | 'recipe'
  | 'pr'
  | 'commentId'
  | 'requestedBy'
  | 'headSha'
  | 'headRef'
  | 'baseRef'
  | 'src'
  | 'stages'
  | 'quick'
  | 'executor'
  | 'keyHash'
> & { state?: RunState; onDefaultBranch?: boolean; keepMinutes?: number | null };

export type RunPatch = Partial<
  Pick<
    RunRecord,
    | 'state'
    | 'executorRef'
    | 'keyHash'
    | 'lateReportUntil'
    | 'level'
    | 'commitState'
    | 'resultsJson'
    | 'error'
    | 'notified'
    | 'dispatchedAt'
    | 'startedAt'
    | 'finishedAt'
  >
>;

export interface BotComment {
  runId: string;
  repo: string;
  pr: number;
  /** Null while `posting`: the POST may or may not have reached the forge. */
  commentId: number | null;
  state: 'posting' | 'posted';
}

/** What a reply the bot owes a comment is: a refusal, the `!testme help` list, a notice. */
export type ReplyKind = 'refused' | 'help' | 'notice';

/** A reply the bot owes a comment (table `refusals`, named for its first kind). */
export interface RefusalRecord {
  commentId: number;
  kind: ReplyKind;
  repo: string;
  pr: number;
  user: string;
  reason: string;
  replied: boolean;
  replyCommentId: number | null;
  at: string;
}

export interface ArtifactInfo {
  name: string;
  size: number;
}
