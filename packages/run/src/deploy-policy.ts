// The compose policy judges what a deploy will load, not the text that describes it: the files
// `COMPOSE_FILE` selects from the app env (as abra selects them), merged and interpolated by
// Docker's own compose loader (`docker stack config`, the loader abra vendors) with exactly
// the env abra interpolates with (the app env file, `abra.sh` exports, STACK_NAME; nothing of
// the harness's own environment). Each file is also judged on its own, for file and line.
// Every path the deploy reads from the host (compose files, env_file, configs and secrets
// `file:`) must be a regular file inside the recipe checkout, reached through no symlink.
import { accessSync, constants, existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import {
  type Abra,
  abraShExports,
  composeFileNames,
  DEFAULT_DEPLOY_TIMEOUT_SEC,
  deployEnv,
  EnvFileError,
  envValues,
  parseEnvFile,
  setEnvValues,
} from '@ccci/abra';
import {
  checkCompose,
  type ExceptedViolation,
  interpolate,
  type PolicyException,
  type Violation,
} from '@ccci/compose-policy';
import { isRecipeName } from '@ccci/contracts';
import { stackName } from '@ccci/lock';
import { isMap, isSeq, LineCounter, parse, parseDocument } from 'yaml';
import type { RunCtx } from './context.js';
import { RefusedError } from './errors.js';
import { loadMeta } from './support/meta.js';
import type { Proc } from './support/proc.js';

export interface DeployToJudge {
  /** What is deployed, for messages: `head`, `upgrade base 1.2.0+1.0`, `dependency x`. */
  label: string;
  /** The recipe checkout the deploy loads files from. */
  recipeDir: string;
  /** The app env exactly as abra reads it (@ccci/abra parseEnvFile of the app env file). */
  appEnv: Readonly<Record<string, string>>;
  /** Where the app env comes from, for messages (`<domain>.env`, `.env.sample`). */
  envSource: string;
  stack: string;
  exceptions: readonly PolicyException[];
  /**
   * A plan, not the deploy: when Docker's loader cannot load the files with this (predicted)
   * env, say so in `notes` instead of refusing; the deploy itself is judged again at its door
   * with the real app env, strictly. Default false.
   */
  planned?: boolean;
}

export interface Judgement {
  ok: boolean;
  /** One line per refusal: file, line, key, what and what to do. */
  refusals: string[];
  excepted: ExceptedViolation[];
  /** What could not be judged yet (a planned deploy the loader could not load). */
  notes?: string[];
}

/** A file's size limit: compose files and env files of real recipes are a few kB. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Deepest flow-collection nesting a compose file may have (parsers recurse on it). */
const MAX_NESTING = 64;

/** The line where `[`/`{` nesting first exceeds MAX_NESTING, or undefined. */
function tooDeep(text: string): number | undefined {
  // Every bracket counts, quoted or not: no real compose file comes near the limit, and a
  // quote cannot hide nesting from the count.
  let depth = 0;
  let line = 1;
  for (const c of text) {
    if (c === '\n') line++;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return line;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Why `rel` (relative to the recipe) is not a file the deploy may read, or undefined. */
function outsideRecipe(root: string, rel: string): string | undefined {
  if (rel === '' || rel.includes('\0')) return 'is not a file name';
  // Plain names only: Docker splits --compose-file on commas, and other loaders may read
  // quotes or spaces their own way; what cannot be named unambiguously is not loaded.
  if (!/^[A-Za-z0-9._/-]+$/.test(rel))
    return 'has characters other than letters, digits, ".", "_", "-" and "/"';
  if (isAbsolute(rel)) return 'is an absolute path: it must be inside the recipe';
  const norm = normalize(rel);
  if (norm === '..' || norm.startsWith(`..${sep}`)) return 'leaves the recipe';
  const full = join(root, norm);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(full);
  } catch {
    return 'does not exist in the recipe';
  }
  if (st.isSymbolicLink()) return 'is a symlink (it could point anywhere on the host)';
  if (!st.isFile()) return 'is not a regular file';
  try {
    if (realpathSync(full) !== full) return 'is reached through a symlinked folder';
    accessSync(full, constants.R_OK);
  } catch {
    return 'cannot be read';
  }
  if (st.size > MAX_FILE_BYTES) return `is larger than ${MAX_FILE_BYTES} bytes`;
  return undefined;
}

/** The env abra interpolates the recipe's compose files with. */
function interpolationEnv(
  recipeDir: string,
  appEnv: Readonly<Record<string, string>>,
  stack: string,
): Record<string, string> {
  const sh = join(recipeDir, 'abra.sh');
  const exports = existsSync(sh) ? abraShExports(readFileSync(sh, 'utf8')) : {};
  return deployEnv(appEnv, exports, stack);
}

/** Judge one deploy; never throws for hostile content (that is a refusal). */
export async function judgeDeploy(
  proc: Proc,
  d: DeployToJudge,
  signal?: AbortSignal,
): Promise<Judgement> {
  const root = realpathSync(d.recipeDir);
  const env = interpolationEnv(root, d.appEnv, d.stack);
  const refusals: string[] = [];
  const names = composeFileNames(env);
  for (const name of names) {
    const why = outsideRecipe(root, name);
    if (why)
      refusals.push(
        `${d.envSource}: COMPOSE_FILE names "${name}", which ${why}. Name compose files inside the recipe, as plain files.`,
      );
  }
  if (refusals.length > 0) return { ok: false, refusals, excepted: [] };

  const files = names.map((name) => ({
    path: normalize(name),
    text: readFileSync(join(root, normalize(name)), 'utf8'),
  }));
  for (const f of files) {
    const deep = tooDeep(f.text);
    if (deep)
      refusals.push(
        `${f.path}:${deep}: nests collections deeper than ${MAX_NESTING} levels. Real compose files nest a few levels; flatten it.`,
      );
  }
  if (refusals.length > 0) return { ok: false, refusals, excepted: [] };
  // Each file on its own (file and line), with the deploy's env: what the text sets.
  const own = checkCompose({ files, env, exceptions: d.exceptions });
  const report = (v: Violation) => `${v.message}. ${v.hint}`;
  refusals.push(...own.violations.map(report));
  // Paths the loader itself reads (env_file) are checked before it runs: a FIFO or a device
  // named there would hang it.
  for (const f of files) refusals.push(...envFileRefusals(root, f.path, f.text, env));
  if (refusals.length > 0) return { ok: false, refusals, excepted: own.excepted };

  // What Docker's loader makes of them: merged (mappings deeply), interpolated, anchors
  // and merge keys resolved. This is what the deploy gets.
  const r = await proc
    .run('docker', ['stack', 'config', ...names.map((n) => `--compose-file=./${normalize(n)}`)], {
      cwd: root,
      env,
      exactEnv: true,
      quiet: true,
      allowFailure: true,
      timeoutMs: 30_000,
      ...(signal ? { signal } : {}),
    })
    .catch((error: Error) => {
      // A loader that does not finish (a file built to be slow) is refused, not an error.
      if (signal?.aborted) throw error;
      return { exitCode: 124, stdout: '', stderr: error.message, durationMs: 0 };
    });
  if (r.exitCode !== 0) {
    const why = r.stderr.trim().split('\n').slice(0, 3).join(' ').slice(0, 500);
    if (d.planned)
      return {
        ok: true,
        refusals: [],
        excepted: own.excepted,
        notes: [
          `${d.label}: Docker's compose loader cannot load ${names.join(' + ')} with ${d.envSource} alone (${why}); it is judged at its deploy with the app env`,
        ],
      };
    return {
      ok: false,
      refusals: [
        `${d.label}: Docker's compose loader refused ${names.join(' + ')}: ${why || `exit ${r.exitCode}`}. Fix the files so \`docker stack config\` loads them with the app env.`,
      ],
      excepted: own.excepted,
    };
  }
  const merged = checkCompose({
    files: [{ path: `${names.join(' + ')} (merged)`, text: r.stdout }],
    interpolated: true,
    recipeRoot: root,
    exceptions: d.exceptions,
    // Already interpolated; STACK_NAME is the namespace its secrets, configs and volumes need.
    env: { STACK_NAME: d.stack },
  });
  const seen = new Set(own.violations.map((v) => `${v.service}\0${v.rule}`));
  const sources = files.map((f) => ({ ...f, doc: parseDocument(f.text) }));
  for (const v of merged.violations) {
    if (seen.has(`${v.service}\0${v.rule}`)) continue;
    const at = locate(sources, v.service);
    refusals.push(
      `${at}: after merge and interpolation with the app env (${d.envSource}), ${v.message.replace(/^[^:]+:\d+: /, '')}. ${v.hint}`,
    );
  }
  refusals.push(...renderedPathRefusals(root, r.stdout, names.join(' + ')));
  return {
    ok: refusals.length === 0,
    refusals,
    excepted: [
      ...own.excepted,
      ...merged.excepted.filter((e) => !seen.has(`${e.service}\0${e.rule}`)),
    ],
  };
}

/** `file:line` of the service (or top-level object) in the last file that defines it. */
function locate(
  sources: { path: string; text: string; doc: ReturnType<typeof parseDocument> }[],
  service: string,
): string {
  const [kind, name] = service.includes('.')
    ? (service.split(/\.(.*)/s) as [string, string])
    : ['services', service];
  for (const s of [...sources].reverse()) {
    const section = s.doc.get(kind, true);
    if (!isMap(section)) continue;
    const pair = section.items.find((p) => String((p.key as { value?: unknown })?.value) === name);
    const start = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
    if (pair && start !== undefined) {
      const lines = new LineCounter();
      parseDocument(s.text, { lineCounter: lines });
      return `${s.path}:${lines.linePos(start).line}`;
    }
  }
  return sources[0]?.path ?? 'compose.yml';
}

/** env_file entries of one file: inside the recipe, plain files, before the loader reads them. */
function envFileRefusals(
  root: string,
  file: string,
  text: string,
  env: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 1000, merge: true });
  } catch {
    return []; // checkCompose already refused what does not parse
  }
  const services = (doc as { services?: Record<string, unknown> } | null)?.services;
  if (!services || typeof services !== 'object') return out;
  for (const [name, svc] of Object.entries(services)) {
    const raw = (svc as { env_file?: unknown } | null)?.env_file;
    if (raw === undefined || raw === null) continue;
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const path = typeof item === 'object' && item ? (item as { path?: unknown }).path : item;
      if (typeof path !== 'string') continue;
      const { value, unresolved } = interpolate(path, env);
      const why =
        unresolved.length > 0
          ? `depends on \${${unresolved.join('}, ${')}}, which has no value`
          : outsideRecipe(root, value);
      if (why)
        out.push(
          `${file}: service "${name}" env_file "${path}" ${why}. Keep env files inside the recipe, as plain files.`,
        );
    }
  }
  return out;
}

/** Paths in Docker's rendering (absolute) that the deploy reads: inside the recipe, plain files. */
function renderedPathRefusals(root: string, rendered: string, what: string): string[] {
  const out: string[] = [];
  let doc: Record<string, unknown>;
  try {
    doc = (parse(rendered) ?? {}) as Record<string, unknown>;
  } catch {
    return [`${what}: Docker's rendering could not be read back; refusing what cannot be judged.`];
  }
  const check = (where: string, path: unknown) => {
    if (typeof path !== 'string') return;
    const rel = relative(root, path);
    const why = isAbsolute(path) ? outsideRecipe(root, rel) : outsideRecipe(root, path);
    if (why) out.push(`${what}: ${where} reads "${path}", which ${why}.`);
  };
  for (const kind of ['configs', 'secrets']) {
    const section = doc[kind];
    if (!section || typeof section !== 'object') continue;
    for (const [name, def] of Object.entries(section as Record<string, unknown>)) {
      check(`${kind}.${name}.file`, (def as { file?: unknown } | null)?.file);
    }
  }
  const services = doc['services'];
  if (services && typeof services === 'object') {
    for (const [name, svc] of Object.entries(services as Record<string, unknown>)) {
      const ef = (svc as { env_file?: unknown } | null)?.env_file;
      for (const item of isSeqLike(ef) ? ef : ef === undefined ? [] : [ef]) {
        check(
          `service "${name}" env_file`,
          typeof item === 'object' && item ? (item as { path?: unknown }).path : item,
        );
      }
    }
  }
  return out;
}

function isSeqLike(v: unknown): v is unknown[] {
  return Array.isArray(v) || isSeq(v);
}

export interface DeployGuard {
  /** The abra dir the wrapped client runs with (its servers/ and recipes/). */
  abraDir: string;
  server: string;
  proc: Proc;
  /** COMPOSE_POLICY_EXCEPTIONS of a recipe (the run's own, or a dependency's). */
  exceptionsFor(recipe: string): readonly PolicyException[];
  /** Told of every judgement (excepted settings for the manifest, refusals for the results). */
  onJudged?(domain: string, judgement: Judgement): void;
  signal?: AbortSignal;
}

/**
 * The one door to a deploy: every `deploy` of the wrapped client first writes the deploy's
 * TIMEOUT into the app env file (abra reads its wait from there, not from its process env),
 * then judges exactly what abra will load, and refuses (RefusedError) before abra starts.
 */
export function guardDeploys(abra: Abra, g: DeployGuard): Abra {
  const deploy: Abra['deploy'] = async (o) => {
    await judgeBeforeDeploy(g, o.domain, o.timeoutSec ?? DEFAULT_DEPLOY_TIMEOUT_SEC);
    return abra.deploy(o);
  };
  return new Proxy(abra, {
    get: (target, key, receiver) =>
      key === 'deploy' ? deploy : Reflect.get(target, key, receiver),
  });
}

async function judgeBeforeDeploy(
  g: DeployGuard,
  domain: string,
  timeoutSec: number,
): Promise<void> {
  const name = `${domain}.env`;
  const envFile = join(g.abraDir, 'servers', g.server, name);
  let appEnv: Record<string, string>;
  try {
    // Setting a value reads the file too: a file abra could not read is refused either way.
    setEnvValues(envFile, { TIMEOUT: String(timeoutSec) });
    appEnv = envValues(parseEnvFile(readFileSync(envFile, 'utf8'), name));
  } catch (error) {
    if (error instanceof EnvFileError)
      throw new RefusedError(`abra cannot read the app env: ${error.message}`, [error.message]);
    throw error;
  }
  const recipe = (appEnv['RECIPE'] ?? appEnv['TYPE'] ?? '').split(':')[0] ?? '';
  if (!isRecipeName(recipe))
    throw new RefusedError(`${name}: TYPE names no recipe (found ${JSON.stringify(recipe)})`);
  const judgement = await judgeDeploy(
    g.proc,
    {
      label: domain,
      recipeDir: join(g.abraDir, 'recipes', recipe),
      appEnv,
      envSource: name,
      stack: stackName(domain),
      exceptions: g.exceptionsFor(recipe),
    },
    g.signal,
  );
  g.onJudged?.(domain, judgement);
  if (!judgement.ok) {
    throw new RefusedError(
      `compose policy refused the deploy of ${domain} (${judgement.refusals.length} setting(s)):\n${judgement.refusals.map((r) => `  ${r}`).join('\n')}`,
      judgement.refusals,
    );
  }
}

/** The guard of a run's deploys: its exceptions, its manifest, its refusal. */
export function runDeployGuard(ctx: RunCtx, abraDir: string): DeployGuard {
  return {
    abraDir,
    server: ctx.config.server,
    proc: ctx.proc,
    signal: ctx.signal,
    exceptionsFor: (recipe) => {
      if (recipe === ctx.settings.recipe) return ctx.meta.COMPOSE_POLICY_EXCEPTIONS;
      try {
        return loadMeta(ctx.config.enrolmentDir, recipe).meta.COMPOSE_POLICY_EXCEPTIONS;
      } catch {
        return [];
      }
    },
    onJudged: (domain, j) => recordJudgement(ctx, `the deploy of ${domain}`, j),
  };
}

/** Excepted settings into the manifest (once each), refusals into the log and the results. */
export function recordJudgement(ctx: RunCtx, what: string, j: Judgement): void {
  for (const e of j.excepted) {
    const line = `compose policy exception: ${e.rule} for ${e.service} (${e.file}:${e.line}) — ${e.reason}`;
    if (ctx.state.policy.includes(line)) continue;
    ctx.state.policy.push(line);
    ctx.state.manifest.push(line);
    ctx.log.warn(line);
  }
  if (!j.ok) {
    ctx.state.refused ??= `compose policy refused ${what}: ${j.refusals[0] ?? ''}`;
    for (const r of j.refusals) ctx.log.error(`compose policy: ${r}`);
  } else if (j.notes?.length) for (const n of j.notes) ctx.log.warn(`compose policy: ${n}`);
  else ctx.log.info(`compose policy: ${what} is clean`);
}
