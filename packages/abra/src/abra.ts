import { fullLog } from '@ccci/contracts';
import { incrementDeployCount } from './deploy-count.js';
import type { AbraCallInfo } from './errors.js';
import { type Invocation, Invoker, toResult, unreadable } from './invoke.js';
import { LintParseError, type LintReport, parseLintTable } from './lint.js';
import {
  type AbraOperation,
  type CallOptions,
  type CreateAbraOptions,
  DEFAULT_DEPLOY_TIMEOUT_SEC,
  DEFAULT_TIMEOUTS_MS,
  DEPLOY_TIMEOUT_MARGIN_MS,
} from './options.js';
import { type PsService, parsePs } from './ps.js';
import type { GeneratedSecret } from './secrets.js';
import { checkArgv, checkName, checkPath, checkPositiveInt, type NameKind } from './validate.js';

/** What a successful call returns. */
export type AbraResult = AbraCallInfo;

export interface Abra {
  /** `abra server add [--local] [<server>]`. */
  serverAdd(o: { server?: string; local?: boolean } & CallOptions): Promise<AbraResult>;
  /** `abra app new <recipe> [version] --server --domain [--secrets] [--chaos]`; returns generated secrets. */
  appNew(
    o: {
      recipe: string;
      server: string;
      domain: string;
      version?: string;
      secrets?: boolean;
      chaos?: boolean;
    } & CallOptions,
  ): Promise<AbraResult & { secrets: GeneratedSecret[] }>;
  /** `abra app deploy <domain> [version] ...` with `TIMEOUT=timeoutSec`; counted in the deploy file. */
  deploy(
    o: {
      domain: string;
      version?: string;
      chaos?: boolean;
      force?: boolean;
      noDomainChecks?: boolean;
      timeoutSec?: number;
    } & CallOptions,
  ): Promise<AbraResult & { deployCount: number | undefined }>;
  /** `abra app undeploy <domain> [--prune]`. */
  undeploy(o: { domain: string; prune?: boolean } & CallOptions): Promise<AbraResult>;
  /** `abra app rm <domain> [--volumes] [--force]`. */
  rm(o: { domain: string; volumes?: boolean; force?: boolean } & CallOptions): Promise<AbraResult>;
  /** `abra app secret generate <domain> --all [--machine]`; returns the values (register them with the redactor). */
  secretGenerate(
    o: { domain: string; all: true; machine?: boolean } & CallOptions,
  ): Promise<AbraResult & { secrets: GeneratedSecret[] }>;
  /**
   * `abra app secret rm <domain> <secret> --no-input`: removes the app's docker secret of that
   * compose secret (whatever its version). The secret must not be in use by a running service.
   */
  secretRm(o: { domain: string; secret: string } & CallOptions): Promise<AbraResult>;
  /**
   * `abra app secret insert <domain> <secret> <version> <file> --file [--trim]`: creates the
   * docker secret `<stack>_<secret>_<version>` from the file's contents, so the value is never in
   * argv. abra refuses when that secret exists already: remove it first.
   */
  secretInsert(
    o: {
      domain: string;
      secret: string;
      version: string;
      file: string;
      trim?: boolean;
    } & CallOptions,
  ): Promise<AbraResult>;
  /** `abra app backup create <domain> [service]`. */
  backupCreate(o: { domain: string; service?: string } & CallOptions): Promise<AbraResult>;
  /** `abra app restore <domain> [service] [--snapshot id]`. */
  restore(
    o: { domain: string; service?: string; snapshot?: string } & CallOptions,
  ): Promise<AbraResult>;
  /** `abra app ps <domain>`, parsed. */
  ps(o: { domain: string } & CallOptions): Promise<AbraResult & { services: PsService[] }>;
  /** `abra app run <domain> <service> [--no-tty] -- <cmd...>`; `tty` (default false) asks for a container terminal. */
  run(
    o: { domain: string; service: string; cmd: string[]; tty?: boolean } & CallOptions,
  ): Promise<AbraResult>;
  /**
   * `abra app logs <domain> [service]`. abra follows the logs; with `followMs` the call stops
   * them after that long and resolves normally (`stopped: true`).
   */
  logs(
    o: { domain: string; service?: string; followMs?: number } & CallOptions,
  ): Promise<AbraResult & { stopped: boolean }>;
  /** `abra recipe lint <recipe>`, its rule table parsed. */
  recipeLint(recipe: string, o?: CallOptions): Promise<AbraResult & LintReport>;
}

/** Creates an abra client bound to one `ABRA_DIR`. Invalid options throw a TypeError naming them. */
export function createAbra(options: CreateAbraOptions): Abra {
  if (typeof options?.abraDir !== 'string' || options.abraDir === '') {
    throw new TypeError(`abraDir: expected a directory path, found ${String(options?.abraDir)}`);
  }
  const bin = options.bin ?? 'abra';
  if (typeof bin !== 'string' || bin === '' || bin.includes('\0')) {
    throw new TypeError(`bin: expected an executable name or path, found ${String(bin)}`);
  }
  const killGraceMs =
    options.killGraceMs === undefined ? 5000 : checkPositiveInt('killGraceMs', options.killGraceMs);
  const maxOutputChars =
    options.maxOutputChars === undefined
      ? 256 * 1024
      : checkPositiveInt('maxOutputChars', options.maxOutputChars);
  for (const [op, ms] of Object.entries(options.timeoutMs ?? {})) {
    if (!(op in DEFAULT_TIMEOUTS_MS)) throw new TypeError(`timeoutMs.${op}: unknown operation`);
    checkPositiveInt(`timeoutMs.${op}`, ms);
  }
  const deployCountFile = options.deployCountFile ?? process.env['CCCI_DEPLOY_COUNT_FILE'];
  const terminal = options.terminal ?? true;
  const baseEnv: Record<string, string> = {
    ...(process.env['TERM'] ? {} : { TERM: 'xterm' }),
    ...options.env,
    ABRA_DIR: options.abraDir,
  };

  const invoker = new Invoker({
    bin,
    env: baseEnv,
    inheritEnv: options.inheritEnv ?? true,
    terminal,
    killGraceMs,
    maxOutputChars,
    timeoutMs: options.timeoutMs ?? {},
    onOutput: options.onOutput,
    log: fullLog(options.log),
    registry: options.registry,
  });
  const invoke = (inv: Invocation) => invoker.invoke(inv);
  const withSecrets = (inv: Invocation) => invoker.withSecrets(inv);
  const strip = toResult;
  const flag = (on: boolean | undefined, name: string) => (on ? [name] : []);
  /** `[value]` checked as a `kind` name, or nothing when it is not given. */
  const optional = (kind: NameKind, value: string | undefined) =>
    value === undefined ? [] : [checkName(kind, kind, value)];
  /** `abra app <sub> <domain> ...rest` as the call `op`, labelled `app <sub>` in messages. */
  const app = (
    op: AbraOperation,
    sub: string,
    o: { domain: string } & CallOptions,
    rest: string[] = [],
  ): Invocation => ({
    op,
    label: `app ${sub}`,
    args: ['app', ...sub.split(' '), checkName('domain', 'domain', o.domain), ...rest],
    call: o,
  });

  return {
    async serverAdd(o) {
      // Usage is `abra server add [server] | --local`: one or the other. `--local` names the
      // server `default` (abra's own name for the local swarm).
      if (o.local && o.server !== undefined && o.server !== 'default')
        throw new TypeError(
          `serverAdd: a local server is named "default" by abra; got server "${o.server}"`,
        );
      const args = o.local
        ? ['server', 'add', '--local']
        : ['server', 'add', checkName('server', 'server', o.server ?? '')];
      return strip(await invoke({ op: 'serverAdd', label: 'server add', args, call: o }));
    },

    async appNew(o) {
      const args = [
        'app',
        'new',
        checkName('recipe', 'recipe', o.recipe),
        ...optional('version', o.version),
        '--server',
        checkName('server', 'server', o.server),
        '--domain',
        checkName('domain', 'domain', o.domain),
        ...flag(o.secrets, '--secrets'),
        ...flag(o.chaos, '--chaos'),
        '--no-input',
      ];
      const inv: Invocation = { op: 'appNew', label: 'app new', args, call: o };
      if (o.secrets) return withSecrets(inv);
      return { ...strip(await invoke(inv)), secrets: [] };
    },

    async deploy(o) {
      const timeoutSec =
        o.timeoutSec === undefined
          ? DEFAULT_DEPLOY_TIMEOUT_SEC
          : checkPositiveInt('timeoutSec', o.timeoutSec);
      const inv = app('deploy', 'deploy', o, [
        ...optional('version', o.version),
        ...flag(o.chaos, '--chaos'),
        ...flag(o.force, '--force'),
        ...flag(o.noDomainChecks, '--no-domain-checks'),
        '--no-input',
      ]);
      // Counted before abra starts: an attempted deploy spends budget too.
      const deployCount = deployCountFile ? await incrementDeployCount(deployCountFile) : undefined;
      const info = strip(
        await invoke({
          ...inv,
          env: { TIMEOUT: String(timeoutSec) },
          defaultTimeoutMs: timeoutSec * 1000 + DEPLOY_TIMEOUT_MARGIN_MS,
        }),
      );
      return { ...info, deployCount };
    },

    async undeploy(o) {
      const inv = app('undeploy', 'undeploy', o, [...flag(o.prune, '--prune'), '--no-input']);
      return strip(await invoke(inv));
    },

    async rm(o) {
      const rest = [...flag(o.volumes, '--volumes'), ...flag(o.force, '--force'), '--no-input'];
      return strip(await invoke(app('rm', 'rm', o, rest)));
    },

    async secretGenerate(o) {
      if (o.all !== true) throw new TypeError(`all: expected true, found ${String(o.all)}`);
      const rest = ['--all', ...flag(o.machine, '--machine')];
      return withSecrets(app('secretGenerate', 'secret generate', o, rest));
    },

    async secretRm(o) {
      const rest = [checkName('secret', 'secret', o.secret), '--no-input'];
      return strip(await invoke(app('secretRm', 'secret rm', o, rest)));
    },

    async secretInsert(o) {
      const rest = [
        checkName('secret', 'secret', o.secret),
        checkName('secretVersion', 'version', o.version),
        checkPath('file', o.file),
        '--file',
        ...flag(o.trim, '--trim'),
      ];
      return strip(await invoke(app('secretInsert', 'secret insert', o, rest)));
    },

    async backupCreate(o) {
      const service = optional('service', o.service);
      return strip(await invoke(app('backupCreate', 'backup create', o, service)));
    },

    async restore(o) {
      const rest = [
        ...optional('service', o.service),
        ...(o.snapshot === undefined
          ? []
          : ['--snapshot', checkName('snapshot', 'snapshot', o.snapshot)]),
      ];
      return strip(await invoke(app('restore', 'restore', o, rest)));
    },

    async ps(o) {
      const info = strip(await invoke(app('ps', 'ps', o)));
      const services = parsePs(info.output);
      if (!services) {
        throw unreadable('app ps', info, 'no service table in its output');
      }
      return { ...info, services };
    },

    async run(o) {
      const rest = [
        checkName('service', 'service', o.service),
        // A container tty would echo and mangle bytes (script's EOF shows up as `^@`); the
        // output is for capture, so ask for none unless the caller wants one.
        ...flag(!o.tty, '--no-tty'),
        '--',
        ...checkArgv('cmd', o.cmd),
      ];
      return strip(await invoke(app('run', 'run', o, rest)));
    },

    async logs(o) {
      const inv = app('logs', 'logs', o, optional('service', o.service));
      const stop =
        o.followMs === undefined
          ? undefined
          : AbortSignal.timeout(checkPositiveInt('followMs', o.followMs));
      const result = await invoke({ ...inv, ...(stop ? { stopSignal: stop } : {}) });
      return { ...strip(result), stopped: result.outcome.aborted };
    },

    async recipeLint(recipe, o = {}) {
      const args = ['recipe', 'lint', checkName('recipe', 'recipe', recipe)];
      const info = strip(await invoke({ op: 'recipeLint', label: 'recipe lint', args, call: o }));
      try {
        return { ...info, ...parseLintTable(info.output) };
      } catch (error) {
        if (!(error instanceof LintParseError)) throw error;
        throw unreadable('recipe lint', info, error.message, error);
      }
    },
  };
}
