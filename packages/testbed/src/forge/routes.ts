import {
  renderBranch,
  renderComment,
  renderIssue,
  renderPull,
  renderRepo,
  renderStatus,
  renderUser,
  type Urls,
} from './render.js';
import type { FakeComment, ForgeState } from './state.js';

export interface ApiRequest {
  method: string;
  /** Path below the API root, e.g. `/repos/o/r/pulls/1`. */
  path: string;
  url: URL;
  query: Record<string, string>;
  body: unknown;
}

export interface ApiAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  state: ForgeState;
  urls: Urls;
  bot: string;
  /** Now, in unix seconds. */
  now: () => number;
}

const notFound: ApiAnswer = { status: 404, body: { message: 'Not Found' } };

function json(status: number, body: unknown, headers?: Record<string, string>): ApiAnswer {
  return headers ? { status, body, headers } : { status, body };
}

function intOr(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) ? fallback : n;
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

/** Parses an RFC 3339 query time to unix seconds (Go's time.Parse + .Unix(): truncates). */
function queryTime(value: string | undefined): number | undefined | 'bad' {
  if (value === undefined || value === '') return undefined;
  if (!RFC3339.test(value)) return 'bad';
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? 'bad' : Math.floor(ms / 1000);
}

function listComments(ctx: RouteContext, req: ApiRequest, repo: string): ApiAnswer {
  const { state, urls } = ctx;
  const since = queryTime(req.query.since);
  const before = queryTime(req.query.before);
  if (since === 'bad' || before === 'bad') {
    // Gitea: context.GetQueryBeforeSince fails → 422; GitHub answers 422 as well.
    return json(422, { message: 'since/before must be RFC 3339' });
  }
  // models/issues/comment.go FindCommentsOptions.ToConds: updated_unix >= since, <= before
  // (inclusive, unix seconds); FindComments orders by created_unix ASC, id ASC.
  const matching = state.commentList
    .filter((c) => c.repo === repo)
    .filter((c) => since === undefined || c.updated >= since)
    .filter((c) => urls.dialect === 'github' || before === undefined || c.updated <= before)
    .sort((a, b) => a.created - b.created || a.id - b.id);
  const render = (c: FakeComment) => renderComment(urls, c, state.mustIssue(c.repo, c.issue));

  if (urls.dialect === 'gitea') {
    // routers/api/v1/utils/page.go GetListOptions + services/convert ToCorrectPageSize:
    // limit ≤ 0 → DEFAULT_PAGING_NUM (30), > MAX_RESPONSE_ITEMS (50) → 50. FindComments
    // paginates only `if opts.Page != 0`: no page → everything.
    const page = intOr(req.query.page, 0);
    let limit = intOr(req.query.limit, 0);
    if (limit <= 0) limit = 30;
    if (limit > 50) limit = 50;
    const items = page > 0 ? matching.slice((page - 1) * limit, page * limit) : matching;
    // ctx.SetTotalCountHeader: X-Total-Count, and no Link header on this endpoint.
    return json(200, items.map(render), {
      'x-total-count': String(matching.length),
      'access-control-expose-headers': 'X-Total-Count',
    });
  }

  // GitHub: per_page (default 30, max 100), page (default 1), Link header.
  const perPage = Math.min(100, Math.max(1, intOr(req.query.per_page, 30)));
  const page = Math.max(1, intOr(req.query.page, 1));
  const items = matching.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(matching.length / perPage));
  const link = (p: number, rel: string): string => {
    const u = new URL(`${urls.api}${req.path}`);
    for (const [k, v] of Object.entries(req.query)) u.searchParams.set(k, v);
    u.searchParams.set('page', String(p));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return json(200, items.map(render), links.length ? { link: links.join(', ') } : undefined);
}

function bodyText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const text = (body as { body?: unknown }).body;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

const archivedStatus = (ctx: RouteContext): number => (ctx.urls.dialect === 'gitea' ? 423 : 403);

export function route(ctx: RouteContext, req: ApiRequest): ApiAnswer {
  const { state, urls } = ctx;
  const { method, path } = req;
  let m: RegExpExecArray | null;

  if (method === 'GET' && path === '/user') return json(200, renderUser(urls, ctx.bot));

  m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path);
  if (m && method === 'GET') {
    const repo = state.repos.get(
      `${decodeURIComponent(m[1] ?? '')}/${decodeURIComponent(m[2] ?? '')}`,
    );
    return repo ? json(200, renderRepo(urls, repo)) : notFound;
  }

  m = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(path);
  if (m) {
    const repoName = `${decodeURIComponent(m[1] ?? '')}/${decodeURIComponent(m[2] ?? '')}`;
    const repo = state.repos.get(repoName);
    if (!repo) return notFound;
    const rest = m[3] ?? '';

    if (method === 'GET' && rest === 'issues/comments') return listComments(ctx, req, repoName);

    let r = /^issues\/comments\/(\d+)$/.exec(rest);
    if (r) {
      const comment = state.comment(Number(r[1]));
      if (!comment || comment.repo !== repoName) return notFound;
      const issue = state.mustIssue(comment.repo, comment.issue);
      if (method === 'GET') return json(200, renderComment(urls, comment, issue));
      if (method === 'PATCH') {
        if (repo.archived) return json(archivedStatus(ctx), { message: 'repo is archived' });
        const text = bodyText(req.body);
        if (text === undefined) return json(422, { message: 'body is required' });
        if (text !== comment.body) {
          comment.body = text;
          comment.updated = ctx.now();
        }
        return json(200, renderComment(urls, comment, issue));
      }
      return json(405, { message: 'method not allowed' });
    }

    r = /^issues\/(\d+)\/comments$/.exec(rest);
    if (r && method === 'POST') {
      const issue = state.issue(repoName, Number(r[1]));
      if (!issue) return notFound;
      if (repo.archived) return json(archivedStatus(ctx), { message: 'repo is archived' });
      if (issue.locked) return json(403, { message: 'issue is locked' });
      const text = bodyText(req.body);
      if (text === undefined) return json(422, { message: 'body is required' });
      const comment = state.addComment(repoName, issue.number, ctx.bot, text, ctx.now());
      return json(201, renderComment(urls, comment, issue));
    }

    r = /^issues\/(\d+)$/.exec(rest);
    if (r && method === 'GET') {
      const issue = state.issue(repoName, Number(r[1]));
      return issue ? json(200, renderIssue(urls, issue)) : notFound;
    }

    // Gitea routes `branches/*` (a name may hold slashes); GitHub takes it URL-encoded.
    r = /^branches\/(.+)$/.exec(rest);
    if (r && method === 'GET') {
      const name = decodeURIComponent(r[1] ?? '');
      const sha = repo.branches.get(name);
      return sha === undefined ? notFound : json(200, renderBranch(urls, repo, name, sha));
    }

    r = /^pulls\/(\d+)$/.exec(rest);
    if (r && method === 'GET') {
      const pr = state.issue(repoName, Number(r[1]));
      if (!pr?.isPull) return notFound;
      return json(200, renderPull(urls, pr, repo));
    }

    r = /^statuses\/([0-9a-fA-F]{4,64})$/.exec(rest);
    if (r && method === 'POST') {
      const sha = r[1] ?? '';
      const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
        string,
        unknown
      >;
      const allowed = [
        'pending',
        'success',
        'failure',
        'error',
        ...(urls.dialect === 'gitea' ? ['warning'] : []),
      ];
      if (typeof b.state !== 'string' || !allowed.includes(b.state)) {
        return json(422, { message: `state must be one of ${allowed.join(', ')}` });
      }
      if (repo.archived) return json(archivedStatus(ctx), { message: 'repo is archived' });
      const now = ctx.now();
      const status = state.addStatus(repoName, sha, {
        state: b.state,
        context: typeof b.context === 'string' && b.context !== '' ? b.context : 'default',
        targetUrl: typeof b.target_url === 'string' ? b.target_url : '',
        description: typeof b.description === 'string' ? b.description : '',
        creator: ctx.bot,
        created: now,
        updated: now,
      });
      return json(201, renderStatus(urls, repoName, sha, status));
    }
    return notFound;
  }

  m = /^\/orgs\/([^/]+)\/(members|public_members)\/([^/]+)$/.exec(path);
  if (m && method === 'GET') {
    const org = decodeURIComponent(m[1] ?? '');
    const user = decodeURIComponent(m[3] ?? '');
    const members = state.members.get(org);
    if (!members) return notFound;
    if (m[2] === 'public_members') {
      return state.publicMembers.get(org)?.has(user) ? { status: 204 } : notFound;
    }
    if (state.botMember) return members.has(user) ? { status: 204 } : notFound;
    if (urls.dialect === 'gitea') {
      // routers/api/v1/org/member.go IsMember: a non-member doer asking about itself gets 404;
      // about anyone else a redirect (ctx.Redirect → 303 See Other, services/context/base.go)
      // to /api/v1/orgs/{org}/public_members/{user}.
      if (user === ctx.bot) return notFound;
      return {
        status: 303,
        headers: {
          location: `/api/v1/orgs/${encodeURIComponent(org)}/public_members/${encodeURIComponent(user)}`,
        },
      };
    }
    // GitHub: "302 if requester is not an organization member" → public_members.
    return {
      status: 302,
      headers: {
        location: `${urls.api}/orgs/${encodeURIComponent(org)}/public_members/${encodeURIComponent(user)}`,
      },
    };
  }
  return notFound;
}
