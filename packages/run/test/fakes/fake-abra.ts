import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Abra,
  type AbraResult,
  type CallOptions,
  type GeneratedSecret,
  incrementDeployCount,
  type LintSeverity,
  type PsService,
  parseLintTable,
  readEnvValues,
  setEnvValues,
} from '@ccci/abra';
import { stackName } from '@ccci/lock';
import { abortedError, exited, FakeFailure, failedError, fatal } from './abra-failure.js';
import { chaosVersion, lintTable, randomValue } from './abra-output.js';
import type { FakeSwarm } from './fake-swarm.js';

/** One call a rung made: the method, which client (counted or not), its options without the signal. */
interface AbraCall {
  op: keyof Abra;
  counted: boolean;
  options: Record<string, unknown>;
}

/** A lint rule the fake's `abra recipe lint` reports (rendered as abra's table, parsed back). */
export interface FakeLintRule {
  ref: string;
  rule: string;
  severity: LintSeverity;
  satisfied: boolean;
  skipped?: boolean;
}

type Script = { fatal: string; exitCode: number } | 'hang';

/** What the counted client and its uncounted twin share. */
interface Shared {
  calls: AbraCall[];
  scripts: Map<keyof Abra, Script[]>;
  waiters: { op: keyof Abra; resolve: () => void }[];
  generated: GeneratedSecret[];
  lint: FakeLintRule[];
  secretNames: string[];
  run: ((o: { service: string; cmd: string[] }) => string | undefined) | undefined;
}

export interface FakeAbraOptions {
  swarm: FakeSwarm;
  /** The run's ABRA_DIR: env files under servers/, recipe clones under recipes/. */
  abraDir: string;
  /** Counted deploys go here, as createAbra's `deployCountFile`. Default: not counted. */
  deployCountFile?: string;
}

const OK_LINT: FakeLintRule[] = [
  { ref: 'R001', rule: 'compose config has expected version', severity: 'warn', satisfied: true },
  { ref: 'R009', rule: "one service named 'app'", severity: 'error', satisfied: true },
];

/**
 * The abra client (`ctx.abra`, `ctx.abraUncounted`) over a {@link FakeSwarm}: records every
 * call, keeps the app env files where abra keeps them, deploys onto the fake swarm with abra's
 * version label, writes and reads witness files through `app run`, snapshots volumes on backup.
 * Told to fail, it throws the {@link AbraError} the real client would, its code from
 * @ccci/abra's own classifier. Test-only.
 */
export class FakeAbra implements Abra {
  readonly #o: FakeAbraOptions;
  readonly #shared: Shared;

  constructor(options: FakeAbraOptions, shared?: Shared) {
    this.#o = options;
    this.#shared = shared ?? {
      calls: [],
      scripts: new Map(),
      waiters: [],
      generated: [],
      lint: [...OK_LINT],
      secretNames: ['db_password'],
      run: undefined,
    };
  }

  /** The client without a deploy counter (the upgrade redeploy's), sharing calls and scripts. */
  uncounted(): FakeAbra {
    const { deployCountFile: _, ...rest } = this.#o;
    return new FakeAbra(rest, this.#shared);
  }

  /** Every call of both clients, in order. */
  get calls(): readonly AbraCall[] {
    return this.#shared.calls;
  }

  /** Every secret value `app new --secrets` and `secret generate` returned. */
  get generated(): readonly GeneratedSecret[] {
    return this.#shared.generated;
  }

  /** The methods called so far, in order (`['serverAdd', 'appNew', 'deploy', 'ps']`). */
  get ops(): (keyof Abra)[] {
    return this.#shared.calls.map((c) => c.op);
  }

  /**
   * The next call of `op` fails as abra does when it prints `FATA <fatal>` and exits non-zero:
   * `failNext('deploy', 'deploy timed out 🟠')` is ABRA_DEPLOY_TIMEOUT.
   */
  failNext(op: keyof Abra, fatal: string, exitCode = 1): this {
    return this.#script(op, { fatal, exitCode });
  }

  /** The next call of `op` runs until its signal aborts, then fails with ABRA_ABORTED. */
  hangNext(op: keyof Abra): this {
    return this.#script(op, 'hang');
  }

  /** Resolves once a call of `op` has started (an awaited condition, not a sleep). */
  started(op: keyof Abra): Promise<void> {
    if (this.#shared.calls.some((c) => c.op === op)) return Promise.resolve();
    return new Promise((resolve) => this.#shared.waiters.push({ op, resolve }));
  }

  /** The rules `abra recipe lint` reports from now on. */
  set lint(rules: FakeLintRule[]) {
    this.#shared.lint = rules;
  }

  /** The secrets `app new --secrets` generates (names). Default `db_password`. */
  set secretNames(names: string[]) {
    this.#shared.secretNames = names;
  }

  /** Answers `app run` commands other than the witness write and read (return undefined: ''). */
  set onRun(fn: (o: { service: string; cmd: string[] }) => string | undefined) {
    this.#shared.run = fn;
  }

  #generate(): GeneratedSecret[] {
    const secrets = this.#shared.secretNames.map((name) => ({ name, value: randomValue() }));
    this.#shared.generated.push(...secrets);
    return secrets;
  }

  #script(op: keyof Abra, s: Script): this {
    const list = this.#shared.scripts.get(op) ?? [];
    list.push(s);
    this.#shared.scripts.set(op, list);
    return this;
  }

  async serverAdd(o: Parameters<Abra['serverAdd']>[0]) {
    return this.#call('serverAdd', o, ['server', 'add'], () => {
      mkdirSync(join(this.#o.abraDir, 'servers', o.local ? 'default' : (o.server ?? '')), {
        recursive: true,
      });
      return '';
    });
  }

  async appNew(o: Parameters<Abra['appNew']>[0]) {
    const secrets = o.secrets ? this.#generate() : [];
    const r = await this.#call('appNew', o, ['app', 'new', o.recipe], () => {
      const dir = join(this.#o.abraDir, 'servers', o.server);
      const file = join(dir, `${o.domain}.env`);
      if (existsSync(file)) throw fatal(`${o.domain} already exists`);
      mkdirSync(dir, { recursive: true });
      // As abra: the recipe's .env.sample, with the app's type and domain set.
      const sample = join(this.#o.abraDir, 'recipes', o.recipe, '.env.sample');
      if (existsSync(sample)) copyFileSync(sample, file);
      else writeFileSync(file, '');
      setEnvValues(file, { TYPE: o.recipe, DOMAIN: o.domain });
      return '';
    });
    return { ...r, output: 'secrets generated (withheld)', secrets };
  }

  async deploy(o: Parameters<Abra['deploy']>[0]) {
    const counter = this.#o.deployCountFile;
    // Counted before abra starts, as createAbra does: an attempted deploy spends budget too.
    const deployCount = counter ? await incrementDeployCount(counter) : undefined;
    const r = await this.#call('deploy', o, ['app', 'deploy', o.domain], () => {
      const recipe = this.#recipeOf(o.domain);
      const version = o.version ?? chaosVersion(join(this.#o.abraDir, 'recipes', recipe));
      this.#o.swarm.deploy(stackName(o.domain), version);
      return `${o.domain} deployed (${version})`;
    });
    return { ...r, deployCount };
  }

  async undeploy(o: Parameters<Abra['undeploy']>[0]) {
    return this.#call('undeploy', o, ['app', 'undeploy', o.domain], () => {
      this.#recipeOf(o.domain);
      this.#o.swarm.undeploy(stackName(o.domain));
      return '';
    });
  }

  async rm(o: Parameters<Abra['rm']>[0]) {
    return this.#call('rm', o, ['app', 'rm', o.domain], () => '');
  }

  async secretGenerate(o: Parameters<Abra['secretGenerate']>[0]) {
    const secrets = this.#generate();
    const r = await this.#call('secretGenerate', o, ['app', 'secret', 'generate'], () => '');
    return { ...r, secrets };
  }

  async secretRm(o: Parameters<Abra['secretRm']>[0]) {
    return this.#call('secretRm', o, ['app', 'secret', 'rm'], () => '');
  }

  async secretInsert(o: Parameters<Abra['secretInsert']>[0]) {
    return this.#call('secretInsert', o, ['app', 'secret', 'insert'], () => '');
  }

  async backupCreate(o: Parameters<Abra['backupCreate']>[0]) {
    return this.#call('backupCreate', o, ['app', 'backup', 'create'], () => {
      this.#recipeOf(o.domain);
      return `backup created: snapshot ${this.#o.swarm.backup(stackName(o.domain))}`;
    });
  }

  async restore(o: Parameters<Abra['restore']>[0]) {
    return this.#call('restore', o, ['app', 'restore', o.domain], () => {
      this.#recipeOf(o.domain);
      this.#o.swarm.restore(stackName(o.domain), o.snapshot);
      return 'restored';
    });
  }

  async ps(o: Parameters<Abra['ps']>[0]) {
    let services: PsService[] = [];
    const r = await this.#call('ps', o, ['app', 'ps', o.domain], () => {
      this.#recipeOf(o.domain);
      services = this.#o.swarm.services(stackName(o.domain)).map((s) => ({
        service: s.name,
        image: undefined,
        status: s.replicas,
        state: 'running',
        columns: { service: s.name, status: s.replicas },
      }));
      return services.map((s) => s.service).join('\n');
    });
    return { ...r, services };
  }

  async run(o: Parameters<Abra['run']>[0]) {
    return this.#call('run', o, ['app', 'run', o.domain], () => {
      this.#recipeOf(o.domain);
      const stack = stackName(o.domain);
      if (!this.#o.swarm.services(stack).some((s) => s.name === o.service))
        throw fatal(`no service ${o.service} in ${o.domain}`);
      const [cmd, ...args] = o.cmd;
      // The witness write (witness.ts): sh -c 'printf %s "$1" > "$2"' sh <value> <path>.
      if (cmd === 'sh' && args[0] === '-c' && args[1]?.startsWith('printf %s')) {
        this.#o.swarm.write(stack, o.service, args[4] ?? '', args[3] ?? '');
        return '';
      }
      if (cmd === 'cat' && args.length === 1) {
        const text = this.#o.swarm.read(stack, o.service, args[0] ?? '');
        if (text === undefined) throw exited(`cat: ${args[0]}: No such file or directory`, 1);
        return text;
      }
      return this.#shared.run?.({ service: o.service, cmd: o.cmd }) ?? '';
    });
  }

  async logs(o: Parameters<Abra['logs']>[0]) {
    const r = await this.#call('logs', o, ['app', 'logs', o.domain], () => '');
    return { ...r, stopped: o.followMs !== undefined };
  }

  async recipeLint(recipe: string, o: Parameters<Abra['recipeLint']>[1] = {}) {
    const r = await this.#call('recipeLint', { recipe, ...o }, ['recipe', 'lint', recipe], () =>
      lintTable(this.#shared.lint),
    );
    return { ...r, ...parseLintTable(r.output) };
  }

  /** The recipe of an app, from its env file's TYPE (`cannot find app` when there is none). */
  #recipeOf(domain: string): string {
    const servers = join(this.#o.abraDir, 'servers');
    for (const server of existsSync(servers) ? readdirSync(servers) : []) {
      const file = join(servers, server, `${domain}.env`);
      if (existsSync(file)) return (readEnvValues(file)['TYPE'] ?? '').split(':')[0] ?? '';
    }
    throw fatal(`cannot find app with name ${domain}`);
  }

  async #call<O extends CallOptions>(
    op: keyof Abra,
    o: O,
    words: string[],
    body: () => string,
  ): Promise<AbraResult> {
    const { signal, ...rest } = o;
    const options: Record<string, unknown> = Object.fromEntries(Object.entries(rest));
    this.#shared.calls.push({ op, counted: this.#o.deployCountFile !== undefined, options });
    for (const w of this.#shared.waiters.filter((x) => x.op === op)) w.resolve();
    this.#shared.waiters = this.#shared.waiters.filter((x) => x.op !== op);
    const command = ['abra', ...words];
    const aborted = () => abortedError(command);
    if (signal?.aborted) throw aborted();
    const script = this.#shared.scripts.get(op)?.shift();
    if (script === 'hang') {
      await new Promise<void>((resolve) => {
        if (!signal) return;
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      throw aborted();
    }
    let output: string;
    try {
      if (script) throw fatal(script.fatal, script.exitCode);
      output = body();
    } catch (error) {
      throw error instanceof FakeFailure ? failedError(command, error) : error;
    }
    return { command, exitCode: 0, output, durationMs: 0 };
  }
}
