import type { FakeComment, FakeIssue, FakeRepo, FakeStatus } from './state.js';
import type {
  GiteaBranch,
  GiteaComment,
  GiteaIssue,
  GiteaPull,
  GiteaRepo,
  GiteaStatus,
  GiteaUser,
  GitHubBranch,
  GitHubComment,
  GitHubIssue,
  GitHubPull,
  GitHubRepo,
  GitHubStatus,
  GitHubUser,
} from './upstream.js';

export type FakeDialect = 'gitea' | 'github';

export interface Urls {
  dialect: FakeDialect;
  /** Web root, e.g. http://127.0.0.1:1234 */
  web: string;
  /** API root: `<web>/api/v1` (Gitea) or `<web>/api/v3` (GitHub, as GitHub Enterprise). */
  api: string;
  /** Offset of the times rendered, in minutes east of UTC (Gitea renders server-local time). */
  utcOffsetMinutes: number;
}

/**
 * RFC 3339 at one-second resolution, as Go's time.Time marshals a TimeStamp: `Z` in UTC,
 * `+01:00` style in a server-local zone.
 */
function rfc3339(unixSeconds: number, offsetMinutes = 0): string {
  const local = new Date((unixSeconds + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

function giteaUser(login: string): GiteaUser {
  // Gitea's User (swagger, gitea-js 1.23): `login` and `login_name`, no `username`, no `type`.
  return { id: loginId(login), login, login_name: '' };
}

function githubUser(login: string): GitHubUser {
  return { id: loginId(login), login, type: 'User' };
}

function user(u: Urls, login: string): GiteaUser | GitHubUser {
  return u.dialect === 'gitea' ? giteaUser(login) : githubUser(login);
}

function loginId(login: string): number {
  let h = 0;
  for (const ch of login) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  return h + 1;
}

function issueHtmlUrl(u: Urls, issue: FakeIssue): string {
  const kind = issue.isPull ? (u.dialect === 'gitea' ? 'pulls' : 'pull') : 'issues';
  return `${u.web}/${issue.repo}/${kind}/${issue.number}`;
}

export function renderComment(
  u: Urls,
  c: FakeComment,
  issue: FakeIssue,
): GiteaComment | GitHubComment {
  const html = `${issueHtmlUrl(u, issue)}#issuecomment-${c.id}`;
  if (u.dialect === 'gitea') {
    // services/convert/issue_comment.go ToAPIComment + models/issues/comment.go IssueURL/PRURL:
    // for a PR, issue_url is "" and pull_request_url the PR's HTML URL; the reverse for an issue.
    return {
      id: c.id,
      html_url: html,
      pull_request_url: issue.isPull ? issueHtmlUrl(u, issue) : '',
      issue_url: issue.isPull ? '' : issueHtmlUrl(u, issue),
      user: giteaUser(c.user),
      original_author: '',
      original_author_id: 0,
      body: c.body,
      assets: [],
      created_at: rfc3339(c.created, u.utcOffsetMinutes),
      updated_at: rfc3339(c.updated, u.utcOffsetMinutes),
    } satisfies GiteaComment;
  }
  // GitHub: issue_url is the API URL of the issue, for PRs too (PRs are issues).
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${u.api}/repos/${c.repo}/issues/comments/${c.id}`,
    html_url: html,
    issue_url: `${u.api}/repos/${c.repo}/issues/${c.issue}`,
    body: c.body,
    user: githubUser(c.user),
    created_at: rfc3339(c.created, u.utcOffsetMinutes),
    updated_at: rfc3339(c.updated, u.utcOffsetMinutes),
    author_association: 'NONE',
  } satisfies GitHubComment;
}

export function renderRepo(u: Urls, repo: FakeRepo): GiteaRepo | GitHubRepo {
  const full = `${repo.owner}/${repo.name}`;
  const common = {
    id: repo.id,
    name: repo.name,
    full_name: full,
    html_url: `${u.web}/${full}`,
    clone_url: `${u.web}/${full}.git`,
    archived: repo.archived,
    default_branch: repo.defaultBranch,
  };
  if (u.dialect === 'gitea') return { ...common, owner: giteaUser(repo.owner) } satisfies GiteaRepo;
  return { ...common, owner: githubUser(repo.owner) } satisfies GitHubRepo;
}

export function renderBranch(
  u: Urls,
  repo: FakeRepo,
  name: string,
  sha: string,
): GiteaBranch | GitHubBranch {
  const full = `${repo.owner}/${repo.name}`;
  if (u.dialect === 'gitea') {
    // modules/structs/repo_branch.go: Branch.Commit is a PayloadCommit, its SHA named `id`.
    return {
      name,
      commit: { id: sha, message: 'fake commit', url: `${u.web}/${full}/commit/${sha}` },
      protected: false,
      user_can_push: true,
      user_can_merge: true,
    } satisfies GiteaBranch;
  }
  return {
    name,
    commit: { sha, url: `${u.api}/repos/${full}/commits/${sha}` },
    _links: {
      html: `${u.web}/${full}/tree/${name}`,
      self: `${u.api}/repos/${full}/branches/${name}`,
    },
    protected: false,
  } satisfies GitHubBranch;
}

export function renderPull(u: Urls, pr: FakeIssue, repo: FakeRepo): GiteaPull | GitHubPull {
  const common = {
    id: repo.id * 100_000 + pr.number,
    number: pr.number,
    state: pr.state,
    title: pr.title,
    locked: pr.locked,
    merged: pr.merged,
    html_url: issueHtmlUrl(u, pr),
  };
  // A deleted fork: both forges answer `repo: null`, which neither API description spells
  // (Gitea's PRBranchInfo.Repository is a nil pointer without omitempty; GitHub's OpenAPI
  // description types head.repo as a repository without null).
  const fork =
    pr.cloneUrl === null
      ? null
      : ({ full_name: pr.repo, clone_url: pr.cloneUrl } satisfies GiteaRepo & GitHubRepo);
  // The time of the head repository's last push, as each forge shows it: Gitea's Repository has
  // no push time but every push sets `updated_at` (services/repository/push.go pushUpdates →
  // repo_model.UpdateRepositoryUpdatedTime; convert.ToRepo `Updated: repo.UpdatedUnix`);
  // GitHub's `repository` schema has `pushed_at` (required, date-time).
  const pushed = rfc3339(pr.headPushed, u.utcOffsetMinutes);
  const giteaFork: GiteaRepo | null = fork && { ...fork, updated_at: pushed };
  const githubFork: GitHubRepo | null = fork && { ...fork, pushed_at: pushed };
  const head = { label: pr.headRef, ref: pr.headRef, sha: pr.headSha };
  const base = { label: pr.baseRef, ref: pr.baseRef };
  if (u.dialect === 'gitea') {
    return {
      ...common,
      user: giteaUser(pr.user),
      head: { ...head, repo: giteaFork as GiteaRepo },
      base: { ...base, repo: renderRepo(u, repo) as GiteaRepo },
    } satisfies GiteaPull;
  }
  return {
    ...common,
    state: pr.state === 'closed' ? 'closed' : 'open',
    user: githubUser(pr.user),
    head: { ...head, repo: githubFork as GitHubRepo },
    base: { ...base, repo: renderRepo(u, repo) as GitHubRepo },
  } satisfies GitHubPull;
}

export function renderIssue(u: Urls, issue: FakeIssue): GiteaIssue | GitHubIssue {
  const common = {
    id: issue.number,
    number: issue.number,
    title: issue.title,
    state: issue.state,
    html_url: issueHtmlUrl(u, issue),
  };
  // GitHub marks a PR's issue with a pull_request key; Gitea too (with `merged`).
  if (u.dialect === 'gitea') {
    return {
      ...common,
      user: giteaUser(issue.user),
      ...(issue.isPull
        ? { pull_request: { merged: issue.merged, html_url: issueHtmlUrl(u, issue) } }
        : {}),
    } satisfies GiteaIssue;
  }
  return {
    ...common,
    user: githubUser(issue.user),
    ...(issue.isPull ? { pull_request: { html_url: issueHtmlUrl(u, issue) } } : {}),
  } satisfies GitHubIssue;
}

export function renderStatus(
  u: Urls,
  repo: string,
  sha: string,
  s: FakeStatus,
): GiteaStatus | GitHubStatus {
  const common = {
    id: s.id,
    target_url: s.targetUrl,
    description: s.description,
    url: `${u.api}/repos/${repo}/statuses/${sha}`,
    context: s.context,
    created_at: rfc3339(s.created, u.utcOffsetMinutes),
    updated_at: rfc3339(s.updated, u.utcOffsetMinutes),
  };
  // modules/structs/status.go: Gitea's CommitStatus names the state field `status`.
  if (u.dialect === 'gitea')
    return { ...common, status: s.state, creator: giteaUser(s.creator) } satisfies GiteaStatus;
  return { ...common, state: s.state, creator: githubUser(s.creator) } satisfies GitHubStatus;
}

export function renderUser(u: Urls, login: string): GiteaUser | GitHubUser {
  return user(u, login);
}
