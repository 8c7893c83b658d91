/** The two forge dialects: Gitea/Forgejo (first) and GitHub. */
export type Dialect = 'gitea' | 'github';

/** A comment on an issue or pull request, the same shape for both dialects. */
export interface ForgeComment {
  id: number;
  /** Pull request number, or null when the comment is on a plain issue. */
  prNumber: number | null;
  /** Login of the author. */
  user: string;
  body: string;
  /** RFC 3339 UTC at one-second resolution, e.g. `2026-11-22T03:24:31Z`. */
  createdAt: string;
  /** RFC 3339 UTC at one-second resolution. */
  updatedAt: string;
  htmlUrl: string;
}

export interface ForgePull {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  headRef: string;
  headSha: string;
  /** Clone URL of the head repository; null when the fork was deleted. */
  headCloneUrl: string | null;
  /**
   * When the head repository was last pushed to (any branch), RFC 3339 UTC at one-second
   * resolution; null when the forge does not say (or the fork is gone). A time after a
   * `!testme` comment means the head may have moved since it was approved. Gitea:
   * `head.repo.updated_at` (services/repository/push.go pushUpdates ends with
   * UpdateRepositoryUpdatedTime); GitHub: `head.repo.pushed_at`.
   */
  headPushedAt: string | null;
  baseRef: string;
}

/** A repository, as far as scheduled default-branch runs need it. */
export interface ForgeRepo {
  /** `owner/name` as the forge spells it. */
  fullName: string;
  defaultBranch: string;
  cloneUrl: string;
  archived: boolean;
}

/** A branch and the commit at its tip. */
export interface ForgeBranch {
  name: string;
  /** Full SHA of the branch's head commit. */
  sha: string;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface StatusInput {
  state: CommitState;
  /** Link shown next to the status (the run page). Optional. */
  targetUrl?: string;
  /** Short text; longer than 140 characters is cut (GitHub's limit). */
  description?: string;
  /** Status name, e.g. `ccci`. */
  context: string;
}

export interface ForgeStatus {
  id: number;
  /** Normalized: Gitea answers the field as `status`, GitHub as `state`. */
  state: string;
  context: string;
  targetUrl: string | null;
  description: string | null;
}

export interface CommentRef {
  id: number;
  htmlUrl: string;
}

export type Membership = 'member' | 'not-member' | 'unknown';

export interface MembershipAnswer {
  result: Membership;
  /** Why, in a few words, for the log line (e.g. why the forge would not tell). */
  reason: string;
  /** HTTP status the forge answered. */
  status: number;
}
