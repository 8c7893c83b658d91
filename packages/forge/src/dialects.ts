import { asObject, formatRfc3339, int, type Json, MalformedAnswer, str, time } from './parse.js';
import type { Answer } from './transport.js';
import type { Dialect, ForgeComment } from './types.js';

/** Everything that differs between Gitea and GitHub, in one place. */
export interface DialectSpec {
  /** Query of one page of `GET /repos/{o}/{r}/issues/comments`. */
  listParams(page: number, since: Date, before: Date | undefined): Record<string, unknown>;
  /** Whether another page must be fetched after this one. */
  hasNextPage(answer: Answer, pageLength: number, seenSoFar: number): boolean;
  /** Whether the server filtered on `before` itself (GitHub cannot: we filter). */
  serverFiltersBefore: boolean;
  /** PR number of a raw comment, or null for a plain issue. */
  prNumber(raw: Json, where: string): number | null;
  /** Field of a commit status answer holding its state. */
  statusField: 'status' | 'state';
  /** Field of a branch answer's `commit` holding the head SHA. */
  branchShaField: 'id' | 'sha';
  /** Field of a repository answer that moves on every push (see ForgePull.headPushedAt). */
  pushedField: 'updated_at' | 'pushed_at';
}

/** Gitea caps `limit` at MAX_RESPONSE_ITEMS (default 50): ask for the cap. */
export const GITEA_PAGE_SIZE = 50;
export const GITHUB_PAGE_SIZE = 100;

const gitea: DialectSpec = {
  listParams(page, since, before) {
    // Always send `page`: models/issues/comment.go FindComments paginates only `if opts.Page != 0`,
    // so without it Gitea returns every matching comment in one answer.
    const params: Record<string, unknown> = {
      since: formatRfc3339(since),
      page,
      limit: GITEA_PAGE_SIZE,
    };
    if (before) params.before = formatRfc3339(before);
    return params;
  },
  hasNextPage(answer, pageLength, seenSoFar) {
    // ListRepoIssueComments sets X-Total-Count (ctx.SetTotalCountHeader) but no Link header.
    if (pageLength === 0) return false;
    const total = answer.headers['x-total-count'];
    if (total !== undefined && /^\d+$/.test(total)) return seenSoFar < Number(total);
    return pageLength >= GITEA_PAGE_SIZE;
  },
  serverFiltersBefore: true,
  prNumber(raw, where) {
    // Comment.PRURL/IssueURL (models/issues/comment.go): a PR comment has issue_url "" and
    // pull_request_url = the PR's HTML URL (…/pulls/<n>); an issue comment the reverse.
    const pr = raw.pull_request_url;
    if (typeof pr === 'string' && pr !== '') {
      const m = /\/pulls\/(\d+)\/?$/.exec(pr);
      if (!m) throw new MalformedAnswer(`${where}.pull_request_url: no PR number in it`);
      return Number(m[1]);
    }
    return null;
  },
  statusField: 'status',
  // modules/structs/repo_branch.go: Branch.Commit is a PayloadCommit, whose SHA is `id`.
  branchShaField: 'id',
  // modules/structs/repo.go Repository has no push time; `updated_at` (UpdatedUnix) is set by
  // every push (services/repository/push.go pushUpdates → UpdateRepositoryUpdatedTime).
  pushedField: 'updated_at',
};

const github: DialectSpec = {
  listParams(page, since) {
    return {
      since: formatRfc3339(since),
      sort: 'created',
      direction: 'asc',
      per_page: GITHUB_PAGE_SIZE,
      page,
    };
  },
  hasNextPage(answer, pageLength) {
    if (pageLength === 0) return false;
    return /<[^>]*>;\s*rel="next"/.test(answer.headers.link ?? '');
  },
  serverFiltersBefore: false,
  prNumber(raw, where) {
    // GitHub's issue_url is an API URL for PRs too (PRs are issues); the html_url of a PR's
    // comment is …/pull/<n>#issuecomment-<id>, of an issue's …/issues/<n>#….
    const html = str(raw, 'html_url', where);
    const m = /\/pull\/(\d+)(?:[#/?]|$)/.exec(html);
    return m ? Number(m[1]) : null;
  },
  statusField: 'state',
  // "Get a branch" answers a branch-with-protection whose `commit` is a commit object (`sha`).
  branchShaField: 'sha',
  // The `repository` schema's `pushed_at`; its `updated_at` is the repository object's.
  pushedField: 'pushed_at',
};

export function dialectSpec(dialect: Dialect): DialectSpec {
  return dialect === 'gitea' ? gitea : github;
}

export function normalizeComment(spec: DialectSpec, value: unknown, where: string): ForgeComment {
  const raw = asObject(value, where);
  const user = asObject(raw.user, `${where}.user`);
  return {
    id: int(raw, 'id', where),
    prNumber: spec.prNumber(raw, where),
    user: str(user, 'login', `${where}.user`),
    body: str(raw, 'body', where),
    createdAt: time(raw, 'created_at', where),
    updatedAt: time(raw, 'updated_at', where),
    htmlUrl: str(raw, 'html_url', where),
  };
}
