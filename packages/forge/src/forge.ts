import { dialectSpec, GITEA_PAGE_SIZE, GITHUB_PAGE_SIZE, normalizeComment } from './dialects.js';
import { validateBranch } from './drone-params.js';
import { ForgeError } from './errors.js';
import {
  commitSha,
  type ForgeOptions,
  login,
  positiveInt,
  resolveForgeOptions,
  splitRepo,
  toSince,
} from './options.js';
import { asArray, asObject, bool, int, MalformedAnswer, optStr, optTime, str } from './parse.js';
import { type Answer, createTransport } from './transport.js';
import type {
  CommentRef,
  Dialect,
  ForgeBranch,
  ForgeComment,
  ForgePull,
  ForgeRepo,
  ForgeStatus,
  MembershipAnswer,
  StatusInput,
} from './types.js';

export interface ListCommentsOptions {
  /** Comments updated at or after this time (inclusive, one-second resolution). Required. */
  since: Date | string;
  /** Comments updated at or before this time (Gitea filters; for GitHub the client does). */
  before?: Date | string;
  signal?: AbortSignal;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** One small interface over both forges. Every method throws ForgeError on failure. */
export interface Forge {
  readonly dialect: Dialect;
  /**
   * Comments of a repository updated since a time, oldest first, walking every page. The
   * filter is inclusive at one-second resolution, so the same comment comes back on the next
   * poll: dedupe by `id`.
   */
  iterateCommentsSince(repo: string, options: ListCommentsOptions): AsyncIterable<ForgeComment>;
  /** {@link Forge.iterateCommentsSince}, collected. */
  listCommentsSince(repo: string, options: ListCommentsOptions): Promise<ForgeComment[]>;
  getPull(repo: string, number: number, options?: CallOptions): Promise<ForgePull>;
  /** The repository: its default branch and clone URL (`GET /repos/{o}/{r}`, both forges). */
  getRepo(repo: string, options?: CallOptions): Promise<ForgeRepo>;
  /**
   * A branch and its head commit (`GET /repos/{o}/{r}/branches/{branch}`); FORGE_NOT_FOUND when
   * there is no such branch.
   */
  getBranch(repo: string, branch: string, options?: CallOptions): Promise<ForgeBranch>;
  createComment(
    repo: string,
    number: number,
    body: string,
    options?: CallOptions,
  ): Promise<CommentRef>;
  editComment(repo: string, commentId: number, body: string, options?: CallOptions): Promise<void>;
  setStatus(
    repo: string,
    sha: string,
    status: StatusInput,
    options?: CallOptions,
  ): Promise<ForgeStatus>;
  /**
   * Org membership without following redirects: 204 member, 404 not a member, a redirect (the
   * bot is not a member itself, so the forge will not tell) or 401/403 → `unknown` with a reason.
   */
  isOrgMember(org: string, user: string, options?: CallOptions): Promise<MembershipAnswer>;
}

const STATES = new Set(['pending', 'success', 'failure', 'error']);
const MAX_BODY = 65_000;

function expectStatus(answer: Answer, expected: readonly number[], where: string): void {
  if (!expected.includes(answer.status)) {
    const location = answer.headers.location ? ` to ${answer.headers.location}` : '';
    throw new MalformedAnswer(
      `${where}: expected HTTP ${expected.join(' or ')}, found ${answer.status}${location}`,
    );
  }
}

function commentBody(name: string, body: unknown): string {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new TypeError(`${name} must be a non-empty string, found ${typeof body}`);
  }
  if (body.length > MAX_BODY) {
    throw new TypeError(`${name} must be at most ${MAX_BODY} characters, found ${body.length}`);
  }
  return body;
}

/** Creates a forge client for one Gitea (or Forgejo) or GitHub instance. */
export function createForge(options: ForgeOptions): Forge {
  const o = resolveForgeOptions(options);
  const spec = dialectSpec(o.dialect);
  const transport = createTransport(o);

  async function* iterateCommentsSince(
    repoName: string,
    opts: ListCommentsOptions,
  ): AsyncGenerator<ForgeComment> {
    const ref = splitRepo(repoName);
    const since = toSince('options.since', opts?.since);
    const before = opts.before === undefined ? undefined : toSince('options.before', opts.before);
    const beforeMs = before ? Math.floor(before.getTime() / 1000) * 1000 : undefined;
    let seen = 0;
    for (let page = 1; ; page++) {
      if (page > o.maxPages) {
        throw new ForgeError(
          'FORGE_MALFORMED',
          `GET /repos/${repoName}/issues/comments: pagination did not end within ${o.maxPages} pages`,
          { request: `GET /repos/${repoName}/issues/comments`, attempts: page - 1 },
        );
      }
      const { items, more } = await transport.call({
        method: 'GET',
        route: '/repos/{owner}/{repo}/issues/comments',
        params: { ...ref, ...spec.listParams(page, since, before) },
        idempotent: true,
        signal: opts.signal,
        parse: (answer) => {
          expectStatus(answer, [200], 'comment list');
          const list = asArray(answer.data, 'comment list');
          const items = list.map((c, i) => normalizeComment(spec, c, `comment list[${i}]`));
          return { items, more: spec.hasNextPage(answer, items.length, seen + items.length) };
        },
      });
      seen += items.length;
      for (const item of items) {
        if (beforeMs !== undefined && !spec.serverFiltersBefore) {
          if (Date.parse(item.updatedAt) > beforeMs) continue;
        }
        yield item;
      }
      if (!more) return;
    }
  }

  return {
    dialect: o.dialect,
    iterateCommentsSince,

    // A comment deleted while the pages are walked shifts the later ones back: the first
    // comment of the next page lands on the page already read and is never seen. A walk of
    // more than one page is repeated until one adds nothing new (at most three), by id.
    async listCommentsSince(repo, opts) {
      const byId = new Map<number, ForgeComment>();
      for (let walk = 0; walk < 3; walk++) {
        let count = 0;
        let added = 0;
        for await (const c of iterateCommentsSince(repo, opts)) {
          count++;
          const known = byId.get(c.id);
          if (!known) added++;
          if (!known || Date.parse(c.updatedAt) >= Date.parse(known.updatedAt)) byId.set(c.id, c);
        }
        const page = o.dialect === 'github' ? GITHUB_PAGE_SIZE : GITEA_PAGE_SIZE;
        if (count <= page || (walk > 0 && added === 0)) break;
      }
      return [...byId.values()];
    },

    getPull(repo, number, opts) {
      const ref = splitRepo(repo);
      const pull_number = positiveInt('number', number);
      return transport.call({
        method: 'GET',
        route: '/repos/{owner}/{repo}/pulls/{pull_number}',
        params: { ...ref, pull_number },
        idempotent: true,
        signal: opts?.signal,
        parse: (answer) => {
          expectStatus(answer, [200], 'pull request');
          const pr = asObject(answer.data, 'pull request');
          const head = asObject(pr.head, 'pull request.head');
          const base = asObject(pr.base, 'pull request.base');
          const state = str(pr, 'state', 'pull request');
          if (state !== 'open' && state !== 'closed') {
            throw new MalformedAnswer(
              `pull request.state: expected open or closed, found "${state}"`,
            );
          }
          // head.repo is null when the fork was deleted (both forges).
          const headRepo =
            head.repo === null || head.repo === undefined
              ? null
              : asObject(head.repo, 'pull request.head.repo');
          return {
            number: int(pr, 'number', 'pull request'),
            state,
            merged: pr.merged === undefined ? false : bool(pr, 'merged', 'pull request'),
            headRef: str(head, 'ref', 'pull request.head'),
            headSha: str(head, 'sha', 'pull request.head'),
            headCloneUrl: headRepo ? optStr(headRepo, 'clone_url', 'pull request.head.repo') : null,
            headPushedAt: headRepo
              ? optTime(headRepo, spec.pushedField, 'pull request.head.repo')
              : null,
            baseRef: str(base, 'ref', 'pull request.base'),
          } satisfies ForgePull;
        },
      });
    },

    getRepo(repo, opts) {
      const ref = splitRepo(repo);
      return transport.call({
        method: 'GET',
        route: '/repos/{owner}/{repo}',
        params: { ...ref },
        idempotent: true,
        signal: opts?.signal,
        parse: (answer) => {
          expectStatus(answer, [200], 'repository');
          const r = asObject(answer.data, 'repository');
          return {
            fullName: str(r, 'full_name', 'repository'),
            defaultBranch: str(r, 'default_branch', 'repository'),
            cloneUrl: str(r, 'clone_url', 'repository'),
            archived: r.archived === undefined ? false : bool(r, 'archived', 'repository'),
          } satisfies ForgeRepo;
        },
      });
    },

    getBranch(repo, branchName, opts) {
      const ref = splitRepo(repo);
      const name = validateBranch(branchName);
      return transport.call({
        method: 'GET',
        route: '/repos/{owner}/{repo}/branches/{branch}',
        params: { ...ref, branch: name },
        idempotent: true,
        signal: opts?.signal,
        parse: (answer) => {
          expectStatus(answer, [200], 'branch');
          const b = asObject(answer.data, 'branch');
          const commit = asObject(b.commit, 'branch.commit');
          const sha = str(commit, spec.branchShaField, 'branch.commit');
          if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(sha)) {
            throw new MalformedAnswer(
              `branch.commit.${spec.branchShaField}: expected a full commit SHA, found "${sha.slice(0, 70)}"`,
            );
          }
          return { name: str(b, 'name', 'branch'), sha: sha.toLowerCase() } satisfies ForgeBranch;
        },
      });
    },

    createComment(repo, number, body, opts) {
      const ref = splitRepo(repo);
      const issue_number = positiveInt('number', number);
      const text = commentBody('body', body);
      return transport.call({
        method: 'POST',
        route: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        params: { ...ref, issue_number, body: text },
        // Not idempotent: a repeated POST after a lost answer would post twice.
        idempotent: false,
        lockable: true,
        signal: opts?.signal,
        parse: (answer) => {
          expectStatus(answer, [200, 201], 'created comment');
          const c = asObject(answer.data, 'created comment');
          return {
            id: int(c, 'id', 'created comment'),
            htmlUrl: str(c, 'html_url', 'created comment'),
          };
        },
      });
    },

    async editComment(repo, commentId, body, opts) {
      const ref = splitRepo(repo);
      const comment_id = positiveInt('commentId', commentId);
      const text = commentBody('body', body);
      await transport.call({
        method: 'PATCH',
        route: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
        params: { ...ref, comment_id, body: text },
        idempotent: true,
        lockable: true,
        signal: opts?.signal,
        // Gitea's EditIssueComment may answer 204 (routers/api/v1/repo/issue_comment.go).
        parse: (answer) => expectStatus(answer, [200, 204], 'edited comment'),
      });
    },

    setStatus(repo, sha, status, opts) {
      const ref = splitRepo(repo);
      const commit = commitSha('sha', sha);
      if (typeof status !== 'object' || status === null || !STATES.has(status.state)) {
        throw new TypeError(
          `status.state must be one of pending, success, failure, error, found ${JSON.stringify(status?.state)}`,
        );
      }
      if (typeof status.context !== 'string' || !/^[\w ./:-]{1,100}$/.test(status.context)) {
        throw new TypeError(
          `status.context must be a short name, found ${JSON.stringify(status.context)}`,
        );
      }
      const params: Record<string, unknown> = {
        ...ref,
        sha: commit,
        state: status.state,
        context: status.context,
      };
      if (status.targetUrl !== undefined) {
        const url = status.targetUrl;
        if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) {
          throw new TypeError(
            `status.targetUrl must be an http(s) URL, found ${JSON.stringify(url)}`,
          );
        }
        params.target_url = url;
      }
      if (status.description !== undefined) {
        params.description = String(status.description).slice(0, 140);
      }
      return transport.call({
        method: 'POST',
        route: '/repos/{owner}/{repo}/statuses/{sha}',
        params,
        // A status with the same context replaces the previous one: repeating is harmless.
        idempotent: true,
        signal: opts?.signal,
        parse: (answer) => {
          expectStatus(answer, [200, 201], 'commit status');
          const s = asObject(answer.data, 'commit status');
          return {
            id: int(s, 'id', 'commit status'),
            state: str(s, spec.statusField, 'commit status'),
            context: str(s, 'context', 'commit status'),
            targetUrl: optStr(s, 'target_url', 'commit status'),
            description: optStr(s, 'description', 'commit status'),
          };
        },
      });
    },

    async isOrgMember(org, user, opts) {
      const orgName = login('org', org);
      let username: string;
      try {
        username = login('user', user);
      } catch {
        return { result: 'unknown', reason: 'not a forge login (e.g. an app bot)', status: 0 };
      }
      return transport.call({
        method: 'GET',
        route: '/orgs/{org}/members/{username}',
        params: { org: orgName, username },
        idempotent: true,
        acceptStatus: [401, 403, 404],
        signal: opts?.signal,
        parse: (answer): MembershipAnswer => {
          const { status } = answer;
          if (status === 204) return { result: 'member', reason: 'forge answered 204', status };
          if (status === 404) return { result: 'not-member', reason: 'forge answered 404', status };
          if (status >= 300 && status < 400) {
            return {
              result: 'unknown',
              reason: `forge answered a ${status} redirect (not followed): the bot's account is not a member of ${orgName}, so the forge will not say`,
              status,
            };
          }
          if (status === 401 || status === 403) {
            return {
              result: 'unknown',
              reason: `forge refused the membership check (HTTP ${status})`,
              status,
            };
          }
          throw new MalformedAnswer(`membership: unexpected HTTP ${status}`);
        },
      });
    },
  };
}
