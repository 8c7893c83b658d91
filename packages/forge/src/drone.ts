import { DRONE_BUILD_STATUSES, type DroneBuildStatus, type Log } from '@ccci/contracts';
import { validateBranch, validateBuildParams } from './drone-params.js';
import { DroneError, type DroneErrorCode } from './errors.js';
import { commitSha, positiveInt, resolveBaseUrl, resolveToken, splitRepo } from './options.js';
import { asArray, asObject, int, type Json, MalformedAnswer, str } from './parse.js';
import {
  type Failure,
  fetchWithRetry,
  RetryExhausted,
  type RetryOptions,
  resolveRetryPolicy,
  retryLogFields,
} from './retry.js';

export interface DroneOptions {
  /** Drone server URL, e.g. `https://drone.example.org`. Required. */
  baseUrl: string;
  /** Drone API token, sent as `Authorization: Bearer <t>`, never logged. Required. */
  token: string;
  /** fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** pino-compatible logger. Default: silent. */
  log?: Log;
  /** Retries, backoff and per-attempt timeout. */
  retry?: RetryOptions;
}

export type { DroneBuildStatus };

export interface DroneBuild {
  number: number;
  status: DroneBuildStatus;
  /** Build parameters as Drone recorded them. */
  params: Record<string, string>;
}

export interface DroneLogLine {
  pos: number;
  out: string;
  time: number;
}

export interface CreateBuildInput {
  /** `owner/name` of the Drone repository. */
  repo: string;
  branch: string;
  /**
   * Full commit id: Drone builds exactly this commit (a fork PR's head too) and reads its
   * `.drone.yml` from it. Default: omitted, Drone builds the branch tip (an operator-owned
   * pipeline whose `.drone.yml` PR authors cannot change).
   */
  commit?: string;
  /**
   * Build parameters; each reaches the pipeline as an environment variable. Keys are upper
   * snake case and may not start with `DRONE_` (Drone would not let them override its own).
   */
  params?: Record<string, string>;
}

export interface Drone {
  createBuild(input: CreateBuildInput, options?: { signal?: AbortSignal }): Promise<DroneBuild>;
  getBuild(repo: string, number: number, options?: { signal?: AbortSignal }): Promise<DroneBuild>;
  cancelBuild(repo: string, number: number, options?: { signal?: AbortSignal }): Promise<void>;
  logs(
    repo: string,
    build: number,
    stage: number,
    step: number,
    options?: { signal?: AbortSignal },
  ): Promise<DroneLogLine[]>;
}

function toBuild(data: unknown): DroneBuild {
  const b = asObject(data, 'build');
  const status = str(b, 'status', 'build');
  if (!(DRONE_BUILD_STATUSES as readonly string[]).includes(status)) {
    throw new MalformedAnswer(`build.status: unknown status "${status}"`);
  }
  const params: Record<string, string> = {};
  if (b.params !== undefined && b.params !== null) {
    for (const [k, v] of Object.entries(asObject(b.params, 'build.params') as Json)) {
      if (typeof v === 'string') params[k] = v;
    }
  }
  return { number: int(b, 'number', 'build'), status: status as DroneBuildStatus, params };
}

/** A small client of the Drone API: custom builds, their status, cancel, step logs. */
export function createDrone(options: DroneOptions): Drone {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createDrone(options): options must be an object');
  }
  const baseUrl = resolveBaseUrl('options.baseUrl', options.baseUrl);
  const token = resolveToken('options.token', options.token);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const log = options.log ?? {};
  const policy = resolveRetryPolicy(options.retry);

  async function call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    query: URLSearchParams | undefined,
    idempotent: boolean,
    signal: AbortSignal | undefined,
    parse: (data: unknown, status: number) => T,
  ): Promise<T> {
    const described = `${method} ${path}`;
    const url = `${baseUrl}${path}${query && [...query].length ? `?${query}` : ''}`;
    try {
      return await fetchWithRetry(
        fetchImpl,
        url,
        { method, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
        ({ status, text }) => {
          if (status === 204 || text === '') return parse(undefined, status);
          let data: unknown;
          try {
            data = JSON.parse(text);
          } catch {
            throw new MalformedAnswer('body is not valid JSON');
          }
          return parse(data, status);
        },
        {
          policy,
          signal,
          idempotent,
          onRetry: (failure, attempt, delayMs) =>
            log.warn?.(
              { request: described, ...retryLogFields(failure, attempt, delayMs) },
              'drone request failed; retrying',
            ),
        },
      );
    } catch (error) {
      if (!(error instanceof RetryExhausted)) throw error;
      const { failure, attempts } = error;
      const codes: Record<Failure['kind'], DroneErrorCode> = {
        http: 'DRONE_HTTP',
        server: 'DRONE_HTTP',
        'rate-limited': 'DRONE_RATE_LIMITED',
        timeout: 'DRONE_TIMEOUT',
        network: 'DRONE_NETWORK',
        refused: 'DRONE_NETWORK',
        malformed: 'DRONE_MALFORMED',
        aborted: 'DRONE_ABORTED',
      };
      let code = codes[failure.kind];
      if (failure.status === 401 || failure.status === 403) code = 'DRONE_AUTH';
      if (failure.status === 404) code = 'DRONE_NOT_FOUND';
      const detail =
        failure.kind === 'malformed'
          ? `unexpected answer: ${(failure.cause as Error).message}`
          : failure.status !== undefined
            ? `HTTP ${failure.status}`
            : failure.kind;
      const message = `${described}: ${detail} after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
      log.warn?.({ request: described, code, status: failure.status, attempts }, message);
      throw new DroneError(code, message, {
        request: described,
        status: failure.status,
        attempts,
        retryAfterMs: failure.retryAfterMs,
        cause: failure.cause,
      });
    }
  }

  const repoPath = (repo: string): string => {
    const r = splitRepo(repo);
    return `/api/repos/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.repo)}`;
  };

  return {
    createBuild(input, opts) {
      if (typeof input !== 'object' || input === null)
        throw new TypeError('createBuild(input): input must be an object');
      const path = `${repoPath(input.repo)}/builds`;
      validateBranch(input.branch);
      const commit = input.commit === undefined ? undefined : commitSha('commit', input.commit);
      const params = validateBuildParams(input.params);
      const query = new URLSearchParams({ branch: input.branch });
      if (commit !== undefined) query.append('commit', commit);
      for (const [k, v] of Object.entries(params)) query.append(k, v);
      // Creating a build is not idempotent: a lost answer must not start a second build.
      return call('POST', path, query, false, opts?.signal, (data) => toBuild(data));
    },
    getBuild(repo, number, opts) {
      const n = positiveInt('number', number);
      return call('GET', `${repoPath(repo)}/builds/${n}`, undefined, true, opts?.signal, (data) =>
        toBuild(data),
      );
    },
    async cancelBuild(repo, number, opts) {
      const n = positiveInt('number', number);
      await call(
        'DELETE',
        `${repoPath(repo)}/builds/${n}`,
        undefined,
        true,
        opts?.signal,
        () => undefined,
      );
    },
    logs(repo, build, stage, step, opts) {
      const path = `${repoPath(repo)}/builds/${positiveInt('build', build)}/logs/${positiveInt('stage', stage)}/${positiveInt('step', step)}`;
      return call('GET', path, undefined, true, opts?.signal, (data) =>
        asArray(data, 'logs').map((line, i) => {
          const l = asObject(line, `logs[${i}]`);
          return {
            pos: int(l, 'pos', `logs[${i}]`),
            out: str(l, 'out', `logs[${i}]`),
            time: int(l, 'time', `logs[${i}]`),
          };
        }),
      );
    },
  };
}
