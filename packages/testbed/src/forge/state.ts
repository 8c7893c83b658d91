/** In-memory state of the fake forge: repositories, issues/PRs, comments, statuses, orgs. */

export interface FakeRepo {
  owner: string;
  name: string;
  id: number;
  archived: boolean;
  nextNumber: number;
  defaultBranch: string;
  /** Branch name → head commit SHA. */
  branches: Map<string, string>;
}

export interface FakeIssue {
  repo: string;
  number: number;
  isPull: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  locked: boolean;
  title: string;
  user: string;
  headRef: string;
  headSha: string;
  /** Clone URL of the head repo; null models a deleted fork. */
  cloneUrl: string | null;
  /** Unix seconds of the last push to the head repo (opening the PR, a head move). */
  headPushed: number;
  baseRef: string;
}

export interface FakeComment {
  id: number;
  repo: string;
  /** Issue or PR number. */
  issue: number;
  user: string;
  body: string;
  /** Unix seconds: forges store comment times at one-second resolution. */
  created: number;
  updated: number;
}

export interface FakeStatus {
  id: number;
  state: string;
  context: string;
  targetUrl: string;
  description: string;
  creator: string;
  created: number;
  updated: number;
}

export class ForgeState {
  readonly repos = new Map<string, FakeRepo>();
  readonly issues = new Map<string, FakeIssue>();
  readonly commentList: FakeComment[] = [];
  readonly statusMap = new Map<string, FakeStatus[]>();
  readonly members = new Map<string, Set<string>>();
  readonly publicMembers = new Map<string, Set<string>>();
  botMember = true;
  private nextRepoId = 1;
  private nextCommentId = 1001;
  private nextStatusId = 1;

  addRepo(
    fullName: string,
    options: { archived?: boolean; defaultBranch?: string } = {},
  ): FakeRepo {
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length > 0) {
      throw new TypeError(`repo must be "owner/name", found ${JSON.stringify(fullName)}`);
    }
    const existing = this.repos.get(fullName);
    if (existing) return existing;
    const repo: FakeRepo = {
      owner,
      name,
      id: this.nextRepoId++,
      archived: options.archived ?? false,
      nextNumber: 1,
      defaultBranch: options.defaultBranch ?? 'main',
      branches: new Map(),
    };
    this.repos.set(fullName, repo);
    return repo;
  }

  repo(fullName: string): FakeRepo {
    const repo = this.repos.get(fullName);
    if (!repo)
      throw new TypeError(`fake forge: no repo ${JSON.stringify(fullName)}; call addRepo first`);
    return repo;
  }

  newIssue(repoName: string, fields: Omit<FakeIssue, 'repo' | 'number'>): FakeIssue {
    const repo = this.repo(repoName);
    const issue: FakeIssue = { repo: repoName, number: repo.nextNumber++, ...fields };
    this.issues.set(`${repoName}#${issue.number}`, issue);
    return issue;
  }

  issue(repo: string, number: number): FakeIssue | undefined {
    return this.issues.get(`${repo}#${number}`);
  }

  mustIssue(repo: string, number: number): FakeIssue {
    const issue = this.issue(repo, number);
    if (!issue) throw new TypeError(`fake forge: ${repo} has no issue or PR #${number}`);
    return issue;
  }

  addComment(repo: string, issue: number, user: string, body: string, at: number): FakeComment {
    this.mustIssue(repo, issue);
    const comment: FakeComment = {
      id: this.nextCommentId++,
      repo,
      issue,
      user,
      body,
      created: at,
      updated: at,
    };
    this.commentList.push(comment);
    return comment;
  }

  comment(id: number): FakeComment | undefined {
    return this.commentList.find((c) => c.id === id);
  }

  deleteComment(id: number): boolean {
    const i = this.commentList.findIndex((c) => c.id === id);
    if (i < 0) return false;
    this.commentList.splice(i, 1);
    return true;
  }

  addStatus(repo: string, sha: string, fields: Omit<FakeStatus, 'id'>): FakeStatus {
    const key = `${repo}@${sha}`;
    const status: FakeStatus = { id: this.nextStatusId++, ...fields };
    const list = this.statusMap.get(key) ?? [];
    list.push(status);
    this.statusMap.set(key, list);
    return status;
  }

  statuses(repo: string, sha: string): FakeStatus[] {
    return [...(this.statusMap.get(`${repo}@${sha}`) ?? [])];
  }
}
