// Shared set-up of the end-to-end suites: a unique ci domain, temp run/abra/lock dirs, the
// testbed's recipe fixtures as real git repos, the traefik stand-in gateway, and the abra
// double first on PATH. Runs the real CLI as a child process.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackName, warmDomain } from '@ccci/lock';
import {
  ABRA_DOUBLE,
  createFixtureEnrolment,
  createFixtureRecipe,
  FIXTURE_NAMES,
  type FixtureName,
  type Gateway,
  localHarnessEnv,
  startGateway,
  uniqueCiDomain,
} from '@ccci/testbed';
import { execa } from 'execa';

interface CliResult {
  exitCode: number | undefined;
  all: string;
}
/** The CLI child: a promise of its result, with its pid and kill. */
type RunningCli = Promise<CliResult> & {
  pid?: number | undefined;
  kill(signal?: NodeJS.Signals): boolean;
  /**
   * Resolves with the match when the output so far matches; rejects after `timeoutMs` or if the
   * CLI exits first.
   */
  waitOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
};

export const BIN = join(import.meta.dirname, '../bin/harness-runner');

/** The CLI's arguments for a run of `recipe` at `main` from the repository `src`, as `runId`. */
export const runArgs = (recipe: string, src: string, runId: string): string[] => [
  ...['run', '--recipe', recipe, '--ref', 'main'],
  ...['--src', src, '--run-id', runId],
];

/** git in a test's recipe repository, committing as a test author. */
export const git = (repo: string, args: string[]) =>
  execa('git', args, {
    cwd: repo,
    env: {
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  });

/** Each rung's status in a run's results, to compare several at once. */
export const statuses = (results: { rungs: Record<string, { status: string }> }) =>
  Object.fromEntries(Object.entries(results.rungs).map(([rung, r]) => [rung, r.status]));

export interface Bed {
  root: string;
  ciDomain: string;
  gateway: Gateway;
  env: Record<string, string>;
  src(name: FixtureName): Promise<string>;
  /** A new recipe `as`: the fixture `from`, and a commit (`message`) that edits its compose.yml. */
  changedSrc(o: {
    from: FixtureName;
    as: string;
    edit: (compose: string) => string;
    message: string;
  }): Promise<string>;
  run(args: string[], extraEnv?: Record<string, string>): RunningCli;
  /** results.json of a run id (its artifacts dir under the runs dir). */
  results(runId: string): Record<string, unknown> & {
    level: number;
    rungs: Record<string, { status: string; reason: string | null }>;
    flags: Record<string, boolean | null>;
    deploys: { count: number; budget: number };
  };
  artifactsDir(runId: string): string;
  /** Swarm objects whose name holds the ci domain's stack suffix. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

export interface BedOptions {
  /**
   * `false`: every fixture's enrolment says `SCREENSHOT: false` (the recipe setting), so no
   * Chromium starts. For the suites whose subject is not the screenshot: a Chromium start is
   * about 2.5 s of CPU per run on a machine the Docker suites keep busy. The web and signals
   * suites keep it (the screenshot, and a signal while Chromium starts, are theirs).
   */
  screenshots?: boolean;
}

export async function createBed(options: BedOptions = {}): Promise<Bed> {
  const root = mkdtempSync(join(tmpdir(), 'ccci-e2e-'));
  const ciDomain = uniqueCiDomain();
  const gateway = await startGateway();
  const srcDir = join(root, 'src');
  mkdirSync(srcDir);
  const enrolment = createFixtureEnrolment(root);
  if (options.screenshots === false) {
    for (const name of FIXTURE_NAMES) {
      appendFileSync(join(enrolment, name, 'recipe_meta.yml'), 'SCREENSHOT: false\n');
    }
  }
  // The sick app never converges: do not wait the default 10 minutes for it.
  appendFileSync(
    join(enrolment, 'sick', 'recipe_meta.yml'),
    'DEPLOY_TIMEOUT: 15\nHTTP_TIMEOUT: 5\n',
  );
  const made = new Map<string, string>();
  const env: Record<string, string> = {
    ...localHarnessEnv({ root, enrolmentDir: enrolment, ciDomain, gatewayUrl: gateway.url }),
    CCCI_DEP_SRC: join(srcDir, '{recipe}'),
  };
  const suffix = `_${ciDomain.replaceAll('.', '_')}`;
  return {
    root,
    ciDomain,
    gateway,
    env,
    async src(name) {
      if (!made.has(name)) made.set(name, await createFixtureRecipe(name, { dir: srcDir }));
      return made.get(name) as string;
    },
    async changedSrc({ from, as, edit, message }) {
      const repo = await createFixtureRecipe(from, { dir: srcDir, as });
      const file = join(repo, 'compose.yml');
      writeFileSync(file, edit(readFileSync(file, 'utf8')));
      await git(repo, ['commit', '-qam', message]);
      return repo;
    },
    run(args, extraEnv = {}) {
      const child = execa(BIN, args, {
        // Fault injection is the double's: a run with ABRA_DOUBLE_FAULT drives the double.
        env: {
          ...env,
          ...(extraEnv['ABRA_DOUBLE_FAULT'] ? { CCCI_ABRA_BIN: ABRA_DOUBLE } : {}),
          ...extraEnv,
        },
        reject: false,
        all: true,
        timeout: 600_000,
        // A cancel is a plain SIGTERM, as Drone sends: no SIGKILL follow-up from execa.
        forceKillAfterDelay: false,
      });
      let seen = '';
      let exited = false;
      child.all?.on('data', (d: Buffer) => {
        seen += d.toString();
      });
      const done = child.then((r) => {
        exited = true;
        return { exitCode: r.exitCode, all: String(r.all ?? '') };
      });
      const waitOutput = async (pattern: RegExp, timeoutMs = 300_000) => {
        const end = Date.now() + timeoutMs;
        for (;;) {
          const match = pattern.exec(seen);
          if (match) return match;
          if (exited) throw new Error(`CLI exited before printing ${pattern}:\n${seen}`);
          if (Date.now() > end) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${seen}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      return Object.assign(done, {
        pid: child.pid,
        kill: (s?: NodeJS.Signals) => child.kill(s),
        waitOutput,
      });
    },
    artifactsDir: (runId) => artifactsDir(root, runId),
    results(runId) {
      return JSON.parse(readFileSync(join(artifactsDir(root, runId), 'results.json'), 'utf8'));
    },
    async leftovers() {
      const kinds = ['service', 'volume', 'network', 'secret', 'config'];
      const out: string[] = [];
      for (const k of kinds) {
        const r = await execa('docker', [k, 'ls', '--format', '{{.Name}}']);
        out.push(...r.stdout.split('\n').filter((n) => n.includes(suffix)));
      }
      return out;
    },
    async close() {
      await gateway.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface WarmEnrolment {
  /** The warm instance's domain (`<recipe>-warm.<ci domain>`). */
  domain: string;
  /** Names of the warm stack's services on the swarm. */
  services(): Promise<string[]>;
  /** Whatever the tests did, no warm stack stays: the CLI's `unwarm`, then docker directly. */
  remove(): Promise<void>;
}

/** Enrols a bed's fixture `recipe` as WARM_CANONICAL (its source made, its meta appended). */
export async function enrolWarm(bed: Bed, recipe: FixtureName): Promise<WarmEnrolment> {
  appendFileSync(
    join(bed.env['CCCI_ENROLMENT_DIR'] as string, recipe, 'recipe_meta.yml'),
    'WARM_CANONICAL: true\n',
  );
  await bed.src(recipe);
  const domain = warmDomain(recipe, bed.ciDomain);
  return {
    domain,
    async services() {
      const r = await execa('docker', [
        ...['service', 'ls', '--filter', `label=com.docker.stack.namespace=${stackName(domain)}`],
        ...['--format', '{{.Name}}'],
      ]);
      return r.stdout.split('\n').filter(Boolean);
    },
    async remove() {
      await bed.run(['unwarm', '--recipe', recipe]);
      await execa('docker', ['stack', 'rm', stackName(domain)], { reject: false });
    },
  };
}

function artifactsDir(root: string, runId: string): string {
  const runs = join(root, 'runs');
  const dir = (existsSync(runs) ? readdirSync(runs) : []).find((d) => d.startsWith(`${runId}.`));
  return join(runs, dir ?? `${runId}.missing`, 'artifacts');
}
