// `abra app deploy <domain> [version] [-C/--chaos] [-f/--force] [-n/--no-domain-checks]`.
// Follows abra's deploy (docs.coopcloud.tech operators handbook "How is the new deployment
// version determined?", maintainers handbook "Hacking on an existing recipe"):
//  - without --chaos the recipe worktree must be clean ("unstaged changes" refusal) and is
//    checked out at the version: [version], else the env's `TYPE=<recipe>:<version>`, else the
//    latest release tag;
//  - --chaos deploys the worktree as it is (version = commit hash, `+U` when dirty);
//  - an already deployed app needs --force or --chaos;
//  - `docker stack deploy --resolve-image never` as stack `<domain with . → _>`, the version
//    as label `coop-cloud.<stack>.version` on the `app` service, then wait for convergence up
//    to TIMEOUT seconds of the app env ("deploy timed out" otherwise), then record the version in the env.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setEnvValues } from '@ccci/abra/env-file';
import { pollUntil, sleep } from '@ccci/backoff';
import { freePort } from '../testing/free-port.js';
import { type App, loadApp, recipeDir } from './app.js';
import { composeFiles, deployEnv, labelsOf, loadCompose, renderLoaded } from './compose.js';
import {
  converged,
  docker,
  lines,
  type ServiceState,
  SWARM_POLL,
  stackServices,
} from './docker.js';
import type { Faults } from './faults.js';
import { checkout, exactTag, isClean, releases, shortHash, tags } from './git.js';
import { fatal, info, warn } from './log.js';

export interface DeployOptions {
  version: string | undefined;
  chaos: boolean;
  force: boolean;
  /** Accepted; the double never checks DNS (one local swarm, loopback domains). */
  noDomainChecks: boolean;
  /** abra's -c/--no-converge-checks: do not wait for convergence. */
  noConvergeChecks: boolean;
}

const DEFAULT_TIMEOUT_S = 50;

async function resolveVersion(app: App, opts: DeployOptions): Promise<string> {
  const dir = app.recipeDir;
  if (opts.chaos) {
    const clean = await isClean(dir);
    const tag = clean ? await exactTag(dir) : undefined;
    return tag ?? `${await shortHash(dir)}${clean ? '' : '+U'}`;
  }
  if (!(await isClean(dir))) {
    fatal(
      `${app.recipe} has locally unstaged changes? please commit/remove your changes before proceeding`,
    );
  }
  const target = opts.version ?? app.envVersion ?? (await releases(dir)).at(-1);
  if (!target) {
    warn(`no published releases of ${app.recipe}, deploying latest commit`);
    return shortHash(dir);
  }
  if (opts.version && !(await tags(dir)).some((t) => t.name === opts.version)) {
    if (!/^[0-9a-f]{7,40}$/.test(opts.version)) {
      fatal(`${opts.version} is not a published version of ${app.recipe}`);
    }
  }
  await checkout(dir, target);
  return target;
}

/**
 * Testbed extension: `<NAME>PORT=auto` in the env gets a free host port, written back (at
 * `app new`, so every later reading of the env, the harness's policy included, sees a number).
 */
export async function allocatePorts(app: App): Promise<void> {
  for (const [key, value] of Object.entries(app.env)) {
    if (value === 'auto' && /PORT$/.test(key)) {
      const port = await freePort('0.0.0.0');
      setEnvValues(app.envPath, { [key]: String(port) });
      app.env[key] = String(port);
      info(`allocated host port ${port} for ${key}`);
    }
  }
}

/** abra waits `TIMEOUT` seconds from the app env file (not its process env), else 50. */
function timeoutSeconds(app: App): number {
  const raw = app.env['TIMEOUT'] || undefined;
  const n = raw === undefined ? DEFAULT_TIMEOUT_S : Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    fatal(`TIMEOUT must be a positive number of seconds, found ${JSON.stringify(raw)}`);
  return n;
}

function passthroughEnv(): Record<string, string> {
  const keep: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && (k === 'PATH' || k.startsWith('DOCKER_'))) keep[k] = v;
  }
  return keep;
}

async function explainNotConverged(
  stack: string,
  before: Map<string, ServiceState>,
): Promise<void> {
  for (const s of await stackServices(stack)) {
    if (converged(s, before.get(s.name))) continue;
    const ps = await docker([
      'service',
      'ps',
      s.name,
      '--no-trunc',
      '--format',
      '{{.CurrentState}}\t{{.Error}}',
    ]);
    const last = lines(ps.stdout)[0] ?? '';
    warn(
      `${s.name}: ${s.replicas} running, update ${s.updateState || 'n/a'}; last task: ${last.replace('\t', ' ')}`,
    );
  }
}

export async function deploy(
  domain: string | undefined,
  opts: DeployOptions,
  f: Faults,
): Promise<void> {
  const app = loadApp(domain);
  recipeDir(app.recipe);
  const before = new Map((await stackServices(app.stack)).map((s) => [s.name, s]));
  const deployed = before.size > 0;
  if (deployed && !opts.force && !opts.chaos) fatal(`${app.domain} is already deployed`);
  const version = await resolveVersion(app, opts);
  await allocatePorts(app);

  const env = deployEnv(app);
  const files = composeFiles(app.recipeDir, env);
  // What is deployed is exactly what Docker's loader makes of the files with the app env (as
  // abra deploys its loaded config, never re-reading the files with another env).
  const compose = await loadCompose(files, env, app.recipeDir);
  const labels: Record<string, string> = {
    [`coop-cloud.${app.stack}.version`]: version,
    [`coop-cloud.${app.stack}.chaos`]: String(opts.chaos),
  };
  if (opts.chaos) labels[`coop-cloud.${app.stack}.chaos-version`] = version;
  const main = compose.services['app'];
  if (main) {
    const own = main.deploy?.labels;
    const ownMap = Array.isArray(own) ? labelsOf(main) : (own ?? {});
    main.deploy = { ...(main.deploy ?? {}), labels: { ...ownMap, ...labels } };
  }
  const tmp = mkdtempSync(join(tmpdir(), 'abra-double-'));
  try {
    const rendered = join(tmp, 'compose.yml');
    writeFileSync(rendered, renderLoaded(compose));
    if (f.has('deploy-fail'))
      fatal(`failed to deploy ${app.domain}: injected by ABRA_DOUBLE_FAULT`);
    info(`deploying ${app.recipe} ${version} to ${app.server} as stack ${app.stack}`);
    const args = ['stack', 'deploy', '--resolve-image', 'never', '--detach=true', '-c', rendered];
    args.push(app.stack);
    const r = await docker(args, { env: passthroughEnv(), cwd: app.recipeDir });
    if (r.exitCode !== 0) fatal(`failed to deploy ${app.domain}: ${r.stderr.trim()}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const timeout = timeoutSeconds(app);
  let ok = true;
  if (f.has('deploy-timeout')) {
    await sleep(timeout * 1000);
    ok = false;
  } else if (!opts.noConvergeChecks) {
    ok = await pollUntil(
      async () => {
        const s = await stackServices(app.stack);
        if (process.env['ABRA_DOUBLE_DEBUG']) {
          for (const x of s) {
            const b = before.get(x.name);
            process.stderr.write(
              `DEBU ${x.name} ${x.replicas} ${x.updateState} ${x.updateStarted} changed=${b ? b.template !== x.template : 'new'} before=${b?.updateStarted ?? ''}\n`,
            );
          }
        }
        return s.length > 0 && s.every((x) => converged(x, before.get(x.name)));
      },
      { timeoutMs: timeout * 1000, backoff: SWARM_POLL },
    );
  }
  if (!ok) {
    await explainNotConverged(app.stack, before);
    fatal(`${app.domain}: deploy timed out after ${timeout}s 🟠`);
  }
  const typeKey = app.env['RECIPE'] !== undefined ? 'RECIPE' : 'TYPE';
  setEnvValues(app.envPath, { [typeKey]: `${app.recipe}:${version}` });
  info(`${app.domain} deployed: ${app.recipe} ${version} converged`);
}
