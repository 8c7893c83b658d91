import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import {
  CcciError,
  FORGE_LOGIN,
  isBranchName,
  isRepoFullName,
  REPO_FULL_NAME,
} from '@ccci/contracts';

type Env = Readonly<Record<string, string | undefined>>;

/** Every problem found in the environment, each naming its variable. */
export class SettingsError extends CcciError<'SETTINGS_INVALID'> {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super('SETTINGS_INVALID', `invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export interface Settings {
  forge: { dialect: 'gitea' | 'github'; url: string; token: string };
  repos: string[];
  org: string | null;
  allowlist: string[];
  pollIntervalMs: number;
  listen: { host: string; port: number };
  publicUrl: string;
  reportUrl: string;
  dataDir: string;
  dbPath: string;
  executor:
    | { kind: 'local'; maxTests: number; command: string[] }
    | { kind: 'drone'; url: string; token: string; repo: string; branch: string };
  webhookSecret: string | null;
  statusContext: string;
  refusalIntervalMs: number;
  /** How long a run that ended without a report accepts its late (spooled) report; 0 = never. */
  lateReportMs: number;
  /** A run dispatched longer ago is stopped and ends as `error`; 0 disables. */
  runDeadlineMs: number;
  /** Most runs holding a `!testme keep` slot at once (KEEP_MAX); 0 turns `keep` off. */
  keepMax: number;
  /** A default-branch level older than this many days is *outdated* on the dashboard and in /api/recipes. */
  dashboardOutdatedDays: number;
  logLevel: string;
  shutdownGraceMs: number;
  /** Scheduled catalogue runs: each recipe's default branch every `everyMs` (0 = off). */
  schedule: { everyMs: number; maxActive: number };
  /** Digests every `everyMs` (0 = none) and where they go. */
  digest: {
    everyMs: number;
    outdatedMs: number;
    /** A secret: such URLs often carry their own token. */
    webhookUrl: string | null;
    matrix: { homeserver: string; roomId: string; accessToken: string } | null;
  };
}

const URL_RE = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

/**
 * Reads the bot's settings from the environment. Secrets come from `<NAME>_FILE` (a file,
 * e.g. under /run/secrets) or `<NAME>`; both set is an error. All problems are collected and
 * thrown at once as a SettingsError, each naming its variable; secret values are never echoed.
 */
export function loadSettings(env: Env): Settings {
  const problems: string[] = [];
  const get = (k: string) => {
    const v = env[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const secret = (name: string, required: boolean): string | null => {
    const file = get(`${name}_FILE`);
    const direct = get(name);
    if (file && direct) {
      problems.push(`${name} and ${name}_FILE are both set; set only one`);
      return null;
    }
    let value = direct;
    if (file) {
      try {
        value = readFileSync(file, 'utf8').trim();
      } catch (error) {
        problems.push(
          `${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
        return null;
      }
      if (value === '') problems.push(`${name}_FILE: ${file} is empty`);
    }
    if (!value) {
      if (required) problems.push(`${name} (or ${name}_FILE) is required`);
      return null;
    }
    if (/\s/.test(value)) problems.push(`${name}: must not contain whitespace`);
    return value;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}: expected an integer ${min}…${max}, found ${JSON.stringify(raw)}`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, fallback?: string): string => {
    const raw = get(name) ?? fallback;
    if (raw === undefined) {
      problems.push(`${name} is required: an http(s) URL`);
      return 'http://invalid';
    }
    if (!URL_RE.test(raw) || /@/.test(raw.split('/')[2] ?? '')) {
      problems.push(
        `${name}: expected an http(s) URL without credentials, found ${JSON.stringify(raw.slice(0, 100))}`,
      );
      return 'http://invalid';
    }
    return raw.replace(/\/+$/, '');
  };
  const list = (name: string, pattern: RegExp, what: string): string[] => {
    const items = (get(name) ?? '').split(/[\s,]+/).filter(Boolean);
    for (const item of items) {
      if (!pattern.test(item)) problems.push(`${name}: ${JSON.stringify(item)} is not ${what}`);
    }
    return items;
  };

  const dialectRaw = get('FORGE_DIALECT') ?? 'gitea';
  if (dialectRaw !== 'gitea' && dialectRaw !== 'github') {
    problems.push(`FORGE_DIALECT: expected gitea or github, found ${JSON.stringify(dialectRaw)}`);
  }
  const forgeUrl = url('FORGE_URL');
  const forgeToken = secret('FORGE_TOKEN', true) ?? '';
  const repos = list('REPOS', REPO_FULL_NAME, 'owner/name');
  if (repos.length === 0 && get('REPOS') === undefined)
    problems.push('REPOS is required: a comma list of owner/name');
  const orgRaw = get('ORG');
  if (orgRaw !== undefined && !FORGE_LOGIN.test(orgRaw))
    problems.push(`ORG: ${JSON.stringify(orgRaw)} is not an org name`);
  const allowlist = list('ALLOWLIST', FORGE_LOGIN, 'a forge login');
  if (orgRaw === undefined && allowlist.length === 0) {
    problems.push('ORG or ALLOWLIST: set at least one, or nobody can start a run');
  }
  const listenRaw = get('LISTEN') ?? '127.0.0.1:8080';
  const lm = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(listenRaw);
  const listen = {
    host: lm?.[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1',
    port: Number(lm?.[2] ?? 8080),
  };
  if (!lm || listen.port > 65535)
    problems.push(`LISTEN: expected host:port, found ${JSON.stringify(listenRaw)}`);
  const publicUrl = url('PUBLIC_URL', `http://${listenRaw}`);
  const reportUrl = url('REPORT_URL', publicUrl);
  const stateHome = get('XDG_STATE_HOME') ?? join(homedir(), '.local', 'state');
  const dataDir = get('DATA_DIR') ?? join(stateHome, 'ccci', 'bot');
  if (!isAbsolute(dataDir))
    problems.push(`DATA_DIR: expected an absolute path, found ${JSON.stringify(dataDir)}`);
  const dbPath = resolve(get('DB_PATH') ?? join(dataDir, 'bot.sqlite'));
  const kind = get('EXECUTOR') ?? 'local';
  let executor: Settings['executor'] = { kind: 'local', maxTests: 2, command: ['harness-runner'] };
  const maxTests = int('MAX_TESTS', 2, 1, 64);
  if (kind === 'local') {
    const raw = get('HARNESS_COMMAND') ?? 'harness-runner';
    let command: unknown = [raw];
    if (raw.startsWith('[')) {
      try {
        command = JSON.parse(raw);
      } catch {
        command = null;
      }
    }
    if (
      !Array.isArray(command) ||
      command.length === 0 ||
      command.some((c) => typeof c !== 'string' || c === '')
    ) {
      problems.push('HARNESS_COMMAND: expected an executable path or a JSON array of strings');
      command = ['harness-runner'];
    }
    executor = { kind: 'local', maxTests, command: command as string[] };
  } else if (kind === 'drone') {
    // The pipeline repository is the operator's, never a recipe's: Drone reads .drone.yml from
    // the commit it builds, so a recipe repository would run the PR author's pipeline.
    const droneRepo = get('DRONE_REPO');
    if (droneRepo === undefined) {
      problems.push(
        'DRONE_REPO is required with EXECUTOR=drone: the operator-owned Drone repository (owner/name) whose .drone.yml runs harness-runner; never a recipe repository',
      );
    } else if (!isRepoFullName(droneRepo)) {
      problems.push(`DRONE_REPO: expected owner/name, found ${JSON.stringify(droneRepo)}`);
    } else if (repos.some((r) => r.toLowerCase() === droneRepo.toLowerCase())) {
      problems.push(
        `DRONE_REPO: ${droneRepo} is also in REPOS; use an operator-owned pipeline repository, not a recipe repository (a PR could change its .drone.yml)`,
      );
    }
    const droneBranch = get('DRONE_BRANCH') ?? 'main';
    if (!isBranchName(droneBranch))
      problems.push(`DRONE_BRANCH: expected a branch name, found ${JSON.stringify(droneBranch)}`);
    executor = {
      kind: 'drone',
      url: url('DRONE_URL'),
      token: secret('DRONE_TOKEN', true) ?? '',
      repo: droneRepo ?? 'invalid/invalid',
      branch: droneBranch,
    };
  } else {
    problems.push(`EXECUTOR: expected local or drone, found ${JSON.stringify(kind)}`);
  }
  const webhookSecret = secret('WEBHOOK_SECRET', false);
  if (webhookSecret !== null && webhookSecret.length < 16)
    problems.push('WEBHOOK_SECRET: use at least 16 characters');
  const statusContext = get('STATUS_CONTEXT') ?? 'ccci';
  if (!/^[\w ./:-]{1,100}$/.test(statusContext))
    problems.push(`STATUS_CONTEXT: ${JSON.stringify(statusContext)} is not a short name`);
  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    problems.push(
      `LOG_LEVEL: expected trace, debug, info, warn, error, fatal or silent, found ${JSON.stringify(logLevel)}`,
    );
  }
  // A webhook URL often carries a token of its own (a Slack-style path): read like a secret
  // (`_FILE` too), never echoed.
  const webhookUrl = secret('DIGEST_WEBHOOK_URL', false);
  if (webhookUrl !== null && (!URL_RE.test(webhookUrl) || /@/.test(webhookUrl.split('/')[2] ?? '')))
    problems.push(
      'DIGEST_WEBHOOK_URL: expected an http(s) URL without user:password@ (value not shown)',
    );
  const matrixSet = ['MATRIX_HOMESERVER', 'MATRIX_ROOM_ID', 'MATRIX_ACCESS_TOKEN'].filter(
    (k) => get(k) !== undefined || get(`${k}_FILE`) !== undefined,
  );
  let matrix: Settings['digest']['matrix'] = null;
  if (matrixSet.length > 0) {
    const homeserver = url('MATRIX_HOMESERVER');
    const roomId = get('MATRIX_ROOM_ID');
    // The send endpoint takes a room ID (`!opaque:server`), not an alias (`#name:server`).
    if (roomId === undefined || !/^![^\s:/]+:[^\s/]+$/.test(roomId))
      problems.push(
        `MATRIX_ROOM_ID: expected a room ID such as !abcdef:example.org (not an alias), found ${JSON.stringify(roomId ?? '')}`,
      );
    const accessToken = secret('MATRIX_ACCESS_TOKEN', true);
    matrix = { homeserver, roomId: roomId ?? '', accessToken: accessToken ?? '' };
  }
  const settings: Settings = {
    forge: {
      dialect: dialectRaw === 'github' ? 'github' : 'gitea',
      url: forgeUrl,
      token: forgeToken,
    },
    repos,
    org: orgRaw ?? null,
    allowlist,
    pollIntervalMs: int('POLL_INTERVAL_SECONDS', 30, 1, 3600) * 1000,
    listen,
    publicUrl,
    reportUrl,
    dataDir,
    dbPath,
    executor,
    webhookSecret,
    statusContext,
    refusalIntervalMs: int('REFUSAL_INTERVAL_SECONDS', 600, 0, 86_400) * 1000,
    lateReportMs: int('LATE_REPORT_HOURS', 24, 0, 720) * 3_600_000,
    runDeadlineMs: int('RUN_DEADLINE_MINUTES', 90, 0, 24 * 60) * 60_000,
    keepMax: int('KEEP_MAX', 2, 0, 32),
    dashboardOutdatedDays: int('DASHBOARD_OUTDATED_DAYS', 30, 1, 3650),
    logLevel,
    shutdownGraceMs: int('SHUTDOWN_GRACE_SECONDS', 60, 0, 3600) * 1000,
    schedule: {
      everyMs: int('SCHEDULE_EVERY_HOURS', 0, 0, 24 * 30) * 3_600_000,
      maxActive: int('SCHEDULE_MAX_ACTIVE', 1, 1, 64),
    },
    digest: {
      everyMs: int('DIGEST_EVERY_HOURS', 24, 0, 24 * 30) * 3_600_000,
      outdatedMs: int('DIGEST_OUTDATED_DAYS', 7, 1, 365) * 86_400_000,
      webhookUrl,
      matrix,
    },
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
