import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { EnvFileError, readEnvValues } from '@ccci/abra';
import { checkCompose } from '@ccci/compose-policy';
import { appDomain, runJanitor } from '@ccci/lock';
import { checkAgainstRecipe, renderProblem } from '@ccci/recipe-meta';
import type { RunCtx } from '../context.js';
import { envName } from '../credentials.js';
import { judgeDeploy, recordJudgement } from '../deploy-policy.js';
import { RefusedError } from '../errors.js';
import { previousFor } from '../previous.js';
import { checkoutDetached, cloneAt } from '../support/git.js';
import { loadMeta } from '../support/meta.js';
import { withCiOverlay } from './deploy.js';

/** Run-start janitor: reaps stacks of dead runs under this ci domain; never fails the run. */
export async function startJanitor(ctx: RunCtx): Promise<void> {
  ctx.log.step('prepare', 'janitor');
  try {
    const report = await runJanitor({
      ciDomain: ctx.config.ciDomain,
      locksDir: ctx.config.locksDir,
      runsDir: ctx.config.runsDir,
      envDir: join(ctx.config.sharedAbraDir, 'servers', ctx.config.server),
      deadlineMs: ctx.config.deadlineMs,
      // Through Proc: own process group, parent-death signal, output to the redacted log.
      docker: async (args) => {
        const r = await ctx.proc.run('docker', args, { allowFailure: true, quiet: true });
        return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
      },
      log: {
        info: (f, m) => ctx.log.pino.info(f, m),
        warn: (f, m) => ctx.log.warn(m, f),
        error: (f, m) => ctx.log.pino.error(f, m),
      },
    });
    for (const e of report.entries) {
      if (e.outcome !== 'left')
        ctx.log.info(`janitor: ${e.stack} ${e.outcome}${e.error ? ` (${e.error})` : ''}`);
    }
  } catch (error) {
    ctx.log.warn(`janitor pass failed: ${(error as Error).message}`);
  }
}

/**
 * The recipe's own `.ccci/` as the head has it, copied out of the work tree into the run's state
 * (read-only): what is hashed for approval is what runs, even after the work tree is checked out
 * at the upgrade base (whose `.ccci/` is another, unapproved content). Returns the folder that
 * holds the copy, as the loader's repo folder.
 */
function snapshotRepoCode(ctx: RunCtx): string {
  const root = join(ctx.paths.stateDir, 'repo-code');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const ccci = join(ctx.recipeDir, '.ccci');
  if (existsSync(ccci)) {
    cpSync(ccci, join(root, '.ccci'), { recursive: true, verbatimSymlinks: true });
    const readOnly = (p: string) => {
      const st = lstatSync(p);
      if (st.isSymbolicLink()) return;
      // Files only: folders stay the harness's to remove at teardown (the sandbox binds the
      // copy read-only anyway).
      if (st.isDirectory()) for (const e of readdirSync(p)) readOnly(join(p, e));
      else chmodSync(p, st.mode & 0o555);
    };
    readOnly(join(root, '.ccci'));
  }
  return root;
}

/** Clone the recipe at the head ref into the run's own recipes/, load meta, print the manifest. */
export async function fetchRecipe(ctx: RunCtx): Promise<void> {
  ctx.log.step('prepare', `clone ${ctx.settings.recipe} at ${ctx.settings.ref}`);
  try {
    ctx.clone = await cloneAt(
      ctx.proc,
      ctx.settings.src,
      ctx.settings.sha ?? ctx.settings.ref,
      ctx.recipeDir,
      ctx.signal,
    );
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new RefusedError(
      `cannot fetch ${ctx.settings.recipe} at ${ctx.settings.ref} from ${ctx.settings.src}: ${(error as Error).message}`,
    );
  }
  ctx.log.info(
    `recipe ${ctx.settings.recipe} at ${ctx.clone.headSha.slice(0, 12)}${ctx.clone.headTags.length ? ` (${ctx.clone.headTags.join(', ')})` : ''}`,
  );
  ctx.log.step('prepare', 'load recipe settings');
  ctx.loaded = loadMeta(ctx.config.enrolmentDir, ctx.settings.recipe, snapshotRepoCode(ctx));
  ctx.meta = ctx.loaded.meta;
  ctx.state.manifest = ctx.loaded.manifest;
  // Settings naming what this checkout of the recipe does not declare: said, not refused (a
  // pull request may rename what the operator's settings name; the operator fixes them).
  for (const p of checkAgainstRecipe(ctx.loaded.recipe, ctx.recipeDir))
    ctx.log.warn(`recipe settings: ${renderProblem(p)}`);
  // Pull-request code runs only in the sandbox: approved or not, never without it.
  if (ctx.loaded.recipe.files.repoApproved && !ctx.proc.sandboxHost?.bwrap)
    throw new RefusedError(
      `${ctx.settings.recipe}'s own .ccci/ is approved, but this host cannot sandbox recipe code (bwrap missing or without user namespaces): it does not run unsandboxed; install bubblewrap (docs/architecture.md#recipe-code-sandbox)`,
    );
  // The loader's warnings (a .ccci/ ignored: not approved, and the hash to approve).
  for (const p of ctx.loaded.recipe.problems)
    if (p.severity === 'warning') ctx.log.warn(`recipe settings: ${renderProblem(p)}`);
  ctx.log.info(
    `customization manifest:\n${ctx.loaded.manifest.map((l) => `  ${l}`).join('\n') || '  (defaults)'}`,
  );
}

/** The compose files a deploy may use: compose.yml, compose.*.yml in the recipe, the CI overlay. */
function composeFiles(ctx: RunCtx): { path: string; text: string }[] {
  const files = readdirSync(ctx.recipeDir)
    .filter((f) => f === 'compose.yml' || /^compose\.[A-Za-z0-9_.-]+\.yml$/.test(f))
    .sort()
    .map((f) => ({ path: f, text: readFileSync(join(ctx.recipeDir, f), 'utf8') }));
  if (ctx.loaded?.overlay) {
    files.push({
      path: `recipes/${ctx.settings.recipe}/compose.ccci.yml`,
      text: readFileSync(ctx.loaded.overlay, 'utf8'),
    });
  }
  // previous/compose.ccci.yml may be deployed too (an older base): it meets the same policy.
  const previous = ctx.loaded?.recipe.previous?.composeOverlay;
  if (previous) {
    files.push({
      path: `recipes/${ctx.settings.recipe}/previous/compose.ccci.yml`,
      text: readFileSync(previous.file, 'utf8'),
    });
  }
  return files;
}

/** Refuse, before any deploy, compose files that would give the recipe the host. */
export function policyCheck(ctx: RunCtx): void {
  ctx.log.step('prepare', 'compose policy');
  const files = composeFiles(ctx);
  if (!files.some((f) => f.path === 'compose.yml')) {
    throw new RefusedError(`${ctx.settings.recipe} has no compose.yml at ${ctx.settings.ref}`);
  }
  const sample = join(ctx.recipeDir, '.env.sample');
  const env = {
    ...(existsSync(sample) ? readEnvValues(sample) : {}),
    ...ctx.meta.EXTRA_ENV,
    DOMAIN: ctx.domain,
    STACK_NAME: ctx.stack,
  };
  const report = checkCompose({ files, exceptions: [...ctx.meta.COMPOSE_POLICY_EXCEPTIONS], env });
  for (const e of report.excepted) {
    const line = `compose policy exception: ${e.rule} for ${e.service} (${e.file}:${e.line}) — ${e.reason}`;
    ctx.state.policy.push(line);
    ctx.state.manifest.push(line);
    ctx.log.warn(line);
  }
  if (!report.ok) {
    const details = report.violations.map((v) => `${v.message}. ${v.hint}`);
    throw new RefusedError(
      `compose policy refused ${report.violations.length} setting(s) before any deploy:\n${report.violations.map((v) => `  ${v.message}`).join('\n')}`,
      details,
    );
  }
}

/**
 * Before any deploy, each deploy the run plans (the upgrade base, then the head) is judged as
 * it will be loaded: that version's files and `.env.sample` (what `abra app new` copies), the
 * app's DOMAIN and TYPE, and ccci's own wiring (EXTRA_ENV, deps' domains, the CI overlay
 * last). Every deploy is judged again at its door with the real app env (deploy-policy.ts).
 */
export async function previewDeploys(ctx: RunCtx, base: string | undefined): Promise<void> {
  const head = ctx.clone?.headSha as string;
  ctx.log.step('prepare', 'compose policy: planned deploys');
  try {
    for (const version of base === undefined ? [head] : [base, head]) {
      await checkoutDetached(ctx.proc, ctx.recipeDir, version);
      const previous = version === base ? previousFor(ctx, base) : null;
      const overlay = previous?.composeOverlay?.file ?? ctx.loaded?.overlay;
      const target = join(ctx.recipeDir, 'compose.ccci.yml');
      if (overlay) copyFileSync(overlay, target);
      try {
        const label = version === base ? `the upgrade base ${base}` : 'the head';
        const appEnv = plannedAppEnv(ctx, previous?.meta.EXTRA_ENV ?? ctx.meta.EXTRA_ENV, label);
        if (overlay) appEnv['COMPOSE_FILE'] = withCiOverlay(appEnv);
        const j = await judgeDeploy(
          ctx.proc,
          {
            label,
            recipeDir: ctx.recipeDir,
            appEnv,
            envSource: `.env.sample of ${label}`,
            stack: ctx.stack,
            exceptions: ctx.meta.COMPOSE_POLICY_EXCEPTIONS,
            planned: true,
          },
          ctx.signal,
        );
        recordJudgement(ctx, label, j);
        if (!j.ok) {
          throw new RefusedError(
            `compose policy refused ${label} before any deploy (${j.refusals.length} setting(s)):\n${j.refusals.map((r) => `  ${r}`).join('\n')}`,
            j.refusals,
          );
        }
      } finally {
        if (overlay) rmSync(target, { force: true });
      }
    }
  } finally {
    await checkoutDetached(ctx.proc, ctx.recipeDir, head);
  }
}

function plannedAppEnv(
  ctx: RunCtx,
  extra: Readonly<Record<string, string>>,
  label: string,
): Record<string, string> {
  const sample = join(ctx.recipeDir, '.env.sample');
  let env: Record<string, string> = {};
  try {
    if (existsSync(sample)) env = readEnvValues(sample);
  } catch (error) {
    if (error instanceof EnvFileError)
      throw new RefusedError(`${label}: abra cannot read .env.sample: ${error.message}`);
    throw error;
  }
  const typeKey = 'RECIPE' in env ? 'RECIPE' : 'TYPE';
  const planned: Record<string, string> = {
    ...env,
    [typeKey]: ctx.settings.recipe,
    DOMAIN: ctx.domain,
    ...extra,
    TIMEOUT: String(ctx.meta.DEPLOY_TIMEOUT),
  };
  for (const dep of ctx.meta.DEPS)
    planned[`${envName(dep)}_DOMAIN`] = appDomain(dep, ctx.config.ciDomain);
  return planned;
}
