import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DRONE_BUILD_STATUSES, type DroneBuildStatus } from '@ccci/contracts';
import { FaultList, type FaultSpec } from '../forge/faults.js';
import { applyFault, sendJson } from '../forge/http-util.js';

export type FakeDroneStatus = DroneBuildStatus;

export interface DispatchedBuild {
  repo: string;
  number: number;
  branch: string;
  commit: string;
  /** Every query parameter other than branch and commit: the build parameters. */
  params: Record<string, string>;
  status: FakeDroneStatus;
  /** Real time the build was created, ms. */
  at: number;
}

export interface FakeDroneOptions {
  /** Port on 127.0.0.1. Default 0. */
  port?: number;
  /** Bearer token the API accepts. Default `fake-drone-token`. */
  token?: string;
  /** Repositories that are enabled; others answer 404. Default: any. */
  repos?: string[];
}

export interface FakeDrone {
  /** Server URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly token: string;
  /** Moves a build to a status (e.g. running, success); throws on an unknown build. */
  setStatus(number: number, status: FakeDroneStatus, repo?: string): void;
  /** Builds created so far, oldest first (copies). */
  dispatched(): DispatchedBuild[];
  /** Sets the log lines of one step; served as [{pos, out, time}]. */
  setLogs(number: number, stage: number, step: number, lines: string[], repo?: string): void;
  inject(fault: FaultSpec): { remaining(): number };
  /** API requests so far: method and path (no auth header). */
  readonly requests: readonly { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

interface Build extends DispatchedBuild {
  created: number;
  updated: number;
  logs: Map<string, string[]>;
}

function render(b: Build) {
  const stepStatus = b.status === 'pending' ? 'pending' : b.status;
  return {
    id: b.number,
    repo_id: 1,
    trigger: '@api',
    number: b.number,
    status: b.status,
    event: 'custom',
    action: '',
    link: '',
    message: '',
    before: '',
    after: b.commit,
    ref: `refs/heads/${b.branch}`,
    source: b.branch,
    target: b.branch,
    params: b.params,
    started: b.status === 'pending' ? 0 : b.created,
    finished: ['pending', 'running'].includes(b.status) ? 0 : b.updated,
    created: b.created,
    updated: b.updated,
    version: 1,
    stages: [
      {
        id: b.number,
        number: 1,
        name: 'default',
        status: stepStatus,
        steps: [
          { number: 1, name: 'clone', status: stepStatus },
          { number: 2, name: 'ccci', status: stepStatus },
        ],
      },
    ],
  };
}

/** Starts the fake Drone server on 127.0.0.1. A stand-in for tests and the demo only. */
export async function startFakeDrone(options: FakeDroneOptions = {}): Promise<FakeDrone> {
  const token = options.token ?? 'fake-drone-token';
  const enabled = options.repos ? new Set(options.repos) : undefined;
  const builds: Build[] = [];
  const faults = new FaultList();
  const requests: { method: string; path: string; status: number }[] = [];
  const closing = new AbortController();
  let base = '';

  const find = (repo: string | undefined, number: number): Build | undefined =>
    builds.find((b) => b.number === number && (repo === undefined || b.repo === repo));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const record = { method, path: url.pathname, status: 0 };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    const fault = faults.take(method, url.pathname);
    if (fault && (await applyFault(fault, req, res, closing.signal))) return;
    if (req.headers.authorization !== `Bearer ${token}`) {
      sendJson(res, 401, { message: 'Unauthorized' });
      return;
    }
    const m = /^\/api\/repos\/([^/]+)\/([^/]+)\/builds(?:\/(\d+)(?:\/logs\/(\d+)\/(\d+))?)?$/.exec(
      url.pathname,
    );
    if (!m) {
      sendJson(res, 404, { message: 'Not Found' });
      return;
    }
    const repo = `${decodeURIComponent(m[1] ?? '')}/${decodeURIComponent(m[2] ?? '')}`;
    if (enabled && !enabled.has(repo)) {
      sendJson(res, 404, { message: 'Not Found' });
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    if (m[3] === undefined) {
      if (method !== 'POST') {
        sendJson(res, 405, { message: 'Method Not Allowed' });
        return;
      }
      const branch = url.searchParams.get('branch') ?? '';
      const commit = url.searchParams.get('commit') ?? '';
      if (commit === '' && branch === '') {
        sendJson(res, 400, { message: 'branch or commit is required' });
        return;
      }
      // Drone's create handler: every query parameter other than branch and commit becomes a
      // build parameter (custom event).
      const params: Record<string, string> = {};
      for (const [k, v] of url.searchParams) {
        if (k !== 'branch' && k !== 'commit') params[k] = v;
      }
      const build: Build = {
        repo,
        number: builds.filter((b) => b.repo === repo).length + 1,
        branch,
        commit,
        params,
        status: 'pending',
        at: Date.now(),
        created: now,
        updated: now,
        logs: new Map(),
      };
      builds.push(build);
      sendJson(res, 200, render(build));
      return;
    }
    const build = find(repo, Number(m[3]));
    if (!build) {
      sendJson(res, 404, { message: 'Not Found' });
      return;
    }
    if (m[4] !== undefined) {
      const lines = build.logs.get(`${m[4]}/${m[5]}`);
      if (!lines || method !== 'GET') {
        sendJson(res, 404, { message: 'Not Found' });
        return;
      }
      sendJson(
        res,
        200,
        lines.map((out, pos) => ({ pos, out, time: pos })),
      );
      return;
    }
    if (method === 'GET') {
      sendJson(res, 200, render(build));
      return;
    }
    if (method === 'DELETE') {
      if (build.status === 'pending' || build.status === 'running') {
        build.status = 'killed';
        build.updated = now;
      }
      sendJson(res, 200, render(build));
      return;
    }
    sendJson(res, 405, { message: 'Method Not Allowed' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { message: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    token,
    setStatus(number, status, repo) {
      if (!(DRONE_BUILD_STATUSES as readonly string[]).includes(status))
        throw new TypeError(`fake drone: unknown status ${String(status)}`);
      const build = find(repo, number);
      if (!build) throw new TypeError(`fake drone: no build ${number}`);
      build.status = status;
      build.updated = Math.floor(Date.now() / 1000);
    },
    dispatched() {
      return builds.map(({ repo, number, branch, commit, params, status, at }) => ({
        repo,
        number,
        branch,
        commit,
        params: { ...params },
        status,
        at,
      }));
    },
    setLogs(number, stage, step, lines, repo) {
      const build = find(repo, number);
      if (!build) throw new TypeError(`fake drone: no build ${number}`);
      build.logs.set(`${stage}/${step}`, [...lines]);
    },
    inject(fault) {
      return faults.add(fault);
    },
    get requests() {
      return requests;
    },
    async close() {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
