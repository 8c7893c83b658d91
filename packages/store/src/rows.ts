import type {
  CommentSource,
  CommentState,
  RefusalRecord,
  RunPatch,
  RunRecord,
  SeenComment,
} from './types.js';

export type Row = Record<string, unknown>;

export const RUN_COLUMNS: Record<keyof RunPatch, string> = {
  state: 'state',
  executorRef: 'executor_ref',
  keyHash: 'key_hash',
  lateReportUntil: 'late_report_until',
  level: 'level',
  commitState: 'commit_state',
  resultsJson: 'results_json',
  error: 'error',
  notified: 'notified',
  dispatchedAt: 'dispatched_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
};

export function toRun(r: Row): RunRecord {
  return {
    id: r.id as string,
    repo: r.repo as string,
    recipe: r.recipe as string,
    pr: (r.pr as number | null) ?? null,
    commentId: (r.comment_id as number | null) ?? null,
    requestedBy: (r.requested_by as string | null) ?? null,
    headSha: r.head_sha as string,
    headRef: r.head_ref as string,
    baseRef: r.base_ref as string,
    src: r.src as string,
    stages: (r.stages as string | null) ?? null,
    quick: r.quick === 1,
    state: r.state as RunRecord['state'],
    executor: r.executor as string,
    executorRef: (r.executor_ref as string | null) ?? null,
    keyHash: (r.key_hash as string | null) ?? null,
    lateReportUntil: (r.late_report_until as string | null) ?? null,
    keepMinutes: (r.keep_minutes as number | null) ?? null,
    level: (r.level as number | null) ?? null,
    commitState: (r.commit_state as string | null) ?? null,
    resultsJson: (r.results_json as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    onDefaultBranch: r.on_default_branch === 1,
    notified: r.notified === 1,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    dispatchedAt: (r.dispatched_at as string | null) ?? null,
    startedAt: (r.started_at as string | null) ?? null,
    finishedAt: (r.finished_at as string | null) ?? null,
  };
}

export function toComment(r: Row): SeenComment {
  return {
    commentId: r.comment_id as number,
    repo: r.repo as string,
    pr: (r.pr as number | null) ?? null,
    user: r.user as string,
    body: r.body as string,
    createdAt: r.created_at as string,
    source: r.source as CommentSource,
    state: r.state as CommentState,
    reason: (r.reason as string | null) ?? null,
    seenAt: r.seen_at as string,
    handledAt: (r.handled_at as string | null) ?? null,
  };
}

export function toRefusal(r: Row): RefusalRecord {
  return {
    commentId: r.comment_id as number,
    kind: (r.kind as RefusalRecord['kind'] | undefined) ?? 'refused',
    repo: r.repo as string,
    pr: r.pr as number,
    user: r.user as string,
    reason: r.reason as string,
    replied: r.replied === 1,
    replyCommentId: (r.reply_comment_id as number | null) ?? null,
    at: r.at as string,
  };
}
