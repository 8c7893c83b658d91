import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultKind, FaultList, type FaultSpec } from './faults.js';
import { applyFault, BodyTooLarge, parseQuery, readBody, sendJson } from './http-util.js';
import type { FakeDialect, Urls } from './render.js';
import { type ApiAnswer, route } from './routes.js';
import { type FakeComment, type FakeStatus, ForgeState } from './state.js';
import {
  buildWebhook,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookOptions,
} from './webhook.js';

export interface FakeForgeOptions {
  /** `gitea` (API under `/api/v1`) or `github` (API under `/api/v3`, as GitHub Enterprise). */
  dialect: FakeDialect;
  /** Port on 127.0.0.1. Default 0 (any free port). */
  port?: number;
  /** Token the API accepts (`Authorization: token <t>` or `bearer <t>`). Default `fake-forge-token`. */
  token?: string;
  /** Login of the bot account the token belongs to. Default `ccci-bot`. */
  botUser?: string;
  /** Time source for comment and status timestamps (stored at one-second resolution). Default: real time. */
  clock?: () => Date;
  /**
   * Zone of rendered times, minutes east of UTC (Gitea renders the server's local zone, e.g.
   * `2026-11-22T11:00:00+01:00`). Default 0 (`Z`).
   */
  utcOffsetMinutes?: number;
}

export interface RequestRecord {
  method: string;
  /** Path below the API root, without query, e.g. `/repos/o/r/issues/comments`. */
  path: string;
  query: Record<string, string>;
  /** Status answered; 0 when the connection was reset. */
  status: number;
  fault?: FaultKind;
  /** When the request arrived (real time, ms). */
  at: number;
}

export interface OpenPullInput {
  headSha: string;
  headRef?: string;
  /** Clone URL of the head repository; null = the fork is deleted. Default: the base repo's. */
  cloneUrl?: string | null;
  baseRef?: string;
  title?: string;
  user?: string;
}

export interface AddCommentInput {
  repo: string;
  /** PR (or issue) number. */
  pr: number;
  user: string;
  body: string;
  /** Creation time. Default: the clock. */
  at?: Date | string;
}

export interface FakeForge {
  readonly dialect: FakeDialect;
  /** Web root, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** API base URL for the client: `<url>/api/v1` (Gitea) or `<url>/api/v3` (GitHub). */
  readonly apiUrl: string;
  readonly token: string;
  readonly botUser: string;
  /** Adds a repository; its default branch is `main` unless `defaultBranch` says otherwise. */
  addRepo(repo: string, options?: { archived?: boolean; defaultBranch?: string }): void;
  /** Points a branch at a commit (a push to it), creating the branch. */
  setBranch(repo: string, branch: string, sha: string): void;
  archiveRepo(repo: string, archived?: boolean): void;
  /** Opens a PR; returns its number. */
  openPull(repo: string, input: OpenPullInput): number;
  /** Opens a plain issue; returns its number (shares numbering with PRs). */
  openIssue(repo: string, title?: string): number;
  closePull(repo: string, number: number, options?: { merged?: boolean }): void;
  reopenPull(repo: string, number: number): void;
  lockIssue(repo: string, number: number, locked?: boolean): void;
  /**
   * Moves a PR head (a push: the head repository's push time becomes the clock's), or deletes
   * the fork with `cloneUrl: null`.
   */
  updatePull(repo: string, number: number, input: Partial<OpenPullInput>): void;
  addComment(input: AddCommentInput): FakeComment;
  /** Edits a comment as its author would; bumps `updated` to `at` (default: the clock). */
  editComment(id: number, body: string, options?: { at?: Date | string }): FakeComment;
  /** Deletes a comment (the list shifts, as on the real forges). */
  deleteComment(id: number): void;
  /**
   * Runs `fn` once, just before the forge handles the next request whose API path with its
   * query matches `path`: to change the forge between two requests of a client's walk.
   */
  beforeRequest(path: string | RegExp, fn: () => void): void;
  /** Sets the org's members (and which of them are public). Creates the org. */
  setMembers(org: string, users: string[], options?: { public?: string[] }): void;
  /** Whether the bot account itself is an org member (if not, membership checks redirect). */
  botIsMember(member: boolean): void;
  comments(repo: string): FakeComment[];
  statuses(repo: string, sha: string): FakeStatus[];
  /** Every API request so far (auth header never recorded). */
  readonly requests: readonly RequestRecord[];
  clearRequests(): void;
  inject(fault: FaultSpec): { remaining(): number };
  clearFaults(): void;
  /** POSTs a signed comment webhook for an existing comment to `url`. */
  deliverWebhook(
    url: string,
    event: WebhookEvent,
    options: WebhookOptions,
  ): Promise<WebhookDelivery>;
  close(): Promise<void>;
}

function toUnix(at: Date | string | undefined, clock: () => Date): number {
  const date = at === undefined ? clock() : new Date(at);
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new TypeError(`fake forge: bad time ${String(at)}`);
  return Math.floor(ms / 1000);
}

function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^(token|bearer)\s+(\S+)$/i.exec(header);
  return m !== null && m[2] === token;
}

/** Starts the fake forge on 127.0.0.1. A stand-in for tests and the demo only. */
export async function startFakeForge(options: FakeForgeOptions): Promise<FakeForge> {
  if (options.dialect !== 'gitea' && options.dialect !== 'github') {
    throw new TypeError(
      `startFakeForge: dialect must be "gitea" or "github", found ${String(options.dialect)}`,
    );
  }
  const dialect = options.dialect;
  const token = options.token ?? 'fake-forge-token';
  const bot = options.botUser ?? 'ccci-bot';
  const clock = options.clock ?? (() => new Date());
  const prefix = dialect === 'gitea' ? '/api/v1' : '/api/v3';
  const state = new ForgeState();
  const faults = new FaultList();
  const beforeHooks: { path: string | RegExp; fn: () => void }[] = [];
  const requests: RequestRecord[] = [];
  const closing = new AbortController();
  const urls: Urls = { dialect, web: '', api: '', utcOffsetMinutes: options.utcOffsetMinutes ?? 0 };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', urls.web);
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith(`${prefix}/`)) {
      sendJson(res, 404, { message: 'Not Found' });
      return;
    }
    const path = url.pathname.slice(prefix.length);
    const record: RequestRecord = {
      method,
      path,
      query: parseQuery(url),
      status: 0,
      at: Date.now(),
    };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    const full = `${path}${url.search}`;
    const hook = beforeHooks.findIndex((h) =>
      typeof h.path === 'string' ? full.includes(h.path) : h.path.test(full),
    );
    if (hook >= 0) beforeHooks.splice(hook, 1)[0]?.fn();

    const fault = faults.take(method, path);
    if (fault) {
      record.fault = fault.kind;
      if (await applyFault(fault, req, res, closing.signal)) return;
    }
    if (!authorized(req, token)) {
      sendJson(res, 401, { message: 'token is required' });
      return;
    }
    let body: unknown;
    if (method === 'POST' || method === 'PATCH') {
      try {
        const text = await readBody(req);
        body = text === '' ? undefined : JSON.parse(text);
      } catch (error) {
        sendJson(res, error instanceof BodyTooLarge ? 413 : 400, { message: 'bad request body' });
        return;
      }
      // Carried out late, whether or not the client still waits (saved after its timeout).
      if (fault?.kind === 'late-answer') await new Promise((r) => setTimeout(r, fault.ms ?? 2000));
    }
    const answer: ApiAnswer = route(
      { state, urls, bot, now: () => toUnix(undefined, clock) },
      { method, path, url, query: record.query, body },
    );
    sendJson(res, answer.status, answer.body, answer.headers);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  urls.web = `http://127.0.0.1:${port}`;
  urls.api = `${urls.web}${prefix}`;

  return {
    dialect,
    url: urls.web,
    apiUrl: urls.api,
    token,
    botUser: bot,
    addRepo(repo, opts) {
      state.addRepo(repo, opts);
    },
    setBranch(repo, branch, sha) {
      state.repo(repo).branches.set(branch, sha);
    },
    archiveRepo(repo, archived = true) {
      state.repo(repo).archived = archived;
    },
    openPull(repo, input) {
      return state.newIssue(repo, {
        isPull: true,
        state: 'open',
        merged: false,
        locked: false,
        title: input.title ?? 'test pull request',
        user: input.user ?? 'contributor',
        headRef: input.headRef ?? 'feature',
        headSha: input.headSha,
        cloneUrl: input.cloneUrl === undefined ? `${urls.web}/${repo}.git` : input.cloneUrl,
        headPushed: toUnix(undefined, clock),
        baseRef: input.baseRef ?? 'main',
      }).number;
    },
    openIssue(repo, title = 'test issue') {
      return state.newIssue(repo, {
        isPull: false,
        state: 'open',
        merged: false,
        locked: false,
        title,
        user: 'contributor',
        headRef: '',
        headSha: '',
        cloneUrl: null,
        headPushed: 0,
        baseRef: '',
      }).number;
    },
    closePull(repo, number, opts) {
      const pr = state.mustIssue(repo, number);
      pr.state = 'closed';
      pr.merged = opts?.merged ?? false;
    },
    reopenPull(repo, number) {
      state.mustIssue(repo, number).state = 'open';
    },
    lockIssue(repo, number, locked = true) {
      state.mustIssue(repo, number).locked = locked;
    },
    updatePull(repo, number, input) {
      const pr = state.mustIssue(repo, number);
      // A push: the head repository's push time moves with it (see renderPull).
      if (input.headSha !== undefined) {
        pr.headSha = input.headSha;
        pr.headPushed = toUnix(undefined, clock);
      }
      if (input.headRef !== undefined) pr.headRef = input.headRef;
      if (input.cloneUrl !== undefined) pr.cloneUrl = input.cloneUrl;
      if (input.baseRef !== undefined) pr.baseRef = input.baseRef;
    },
    addComment(input) {
      return {
        ...state.addComment(input.repo, input.pr, input.user, input.body, toUnix(input.at, clock)),
      };
    },
    deleteComment(id) {
      if (!state.deleteComment(id)) throw new TypeError(`fake forge: no comment ${id}`);
    },
    beforeRequest(path, fn) {
      beforeHooks.push({ path, fn });
    },
    editComment(id, body, opts) {
      const comment = state.comment(id);
      if (!comment) throw new TypeError(`fake forge: no comment ${id}`);
      comment.body = body;
      comment.updated = toUnix(opts?.at, clock);
      return { ...comment };
    },
    setMembers(org, users, opts) {
      state.members.set(org, new Set(users));
      state.publicMembers.set(org, new Set(opts?.public ?? []));
    },
    botIsMember(member) {
      state.botMember = member;
    },
    comments(repo) {
      return state.commentList.filter((c) => c.repo === repo).map((c) => ({ ...c }));
    },
    statuses(repo, sha) {
      return state.statuses(repo, sha).map((s) => ({ ...s }));
    },
    get requests() {
      return requests;
    },
    clearRequests() {
      requests.length = 0;
    },
    inject(fault) {
      return faults.add(fault);
    },
    clearFaults() {
      faults.clear();
    },
    async deliverWebhook(url, event, opts) {
      const comment = state.comment(event.commentId);
      if (!comment) throw new TypeError(`deliverWebhook: no comment ${event.commentId}`);
      const issue = state.mustIssue(comment.repo, comment.issue);
      const built = buildWebhook(urls, state.repo(comment.repo), issue, comment, event, opts);
      const res = await fetch(url, { method: 'POST', headers: built.headers, body: built.body });
      return { status: res.status, body: await res.text(), deliveryId: built.deliveryId };
    },
    async close() {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
