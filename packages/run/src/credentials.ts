import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redactor } from '@ccci/redact';
import type { RunCtx } from './context.js';

/**
 * Credentials of the provisioned deps (compose secret name → value), kept in memory for this
 * run only: never in `RunState` (which reaches results.json), never logged. Hooks get the values
 * (`HookContext.deps[name].credentials`); child processes get files (`credentialFileEnv`).
 */
const credentials = new WeakMap<object, Map<string, Readonly<Record<string, string>>>>();

/** What `maskSecret` and `warnUnmaskable` need of a run: its redactor and its log. */
export type SecretSink = Pick<RunCtx, 'redactor' | 'log'>;

/** Names already warned about, per redactor: each unmaskable secret is named once. */
const warned = new WeakMap<Redactor, Set<string>>();

/**
 * Makes a secret known to the redactor, by name. A value too short to mask (under the
 * redactor's `minLength`) is never silent: the run log warns with the secret's name — never
 * its value — and `unmaskableSecrets` lists it for the results. Returns whether it is masked.
 */
export function maskSecret(run: SecretSink, name: string, value: string): boolean {
  const masked = run.redactor.add(value, { name });
  if (!masked) warnUnmaskable(run);
  return masked;
}

/**
 * Warns once for every secret the redactor knows but cannot mask — those added by
 * `maskSecret`, and those it read before the log existed (the secrets directory).
 */
export function warnUnmaskable(run: SecretSink): void {
  const done = warned.get(run.redactor) ?? new Set<string>();
  warned.set(run.redactor, done);
  for (const name of run.redactor.unmaskable) {
    if (done.has(name)) continue;
    done.add(name);
    run.log.warn(
      `secret ${name} is shorter than ${run.redactor.minLength} bytes: it cannot be masked, and may appear in logs and results`,
      { unmaskable: name },
    );
  }
}

/** Names of the secrets this run could not mask, for the results (never the values). */
export function unmaskableSecrets(run: Pick<RunCtx, 'redactor'>): readonly string[] {
  return run.redactor.unmaskable;
}

/** `<NAME>` in variable names: upper-case, anything not a letter or digit → `_`. */
export const envName = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/**
 * Where the creator of a warm instance leaves its credentials: one file per compose secret
 * (file name = secret name, the value inside, a trailing newline ignored), like a secrets dir.
 */
export function warmCredentialsDir(sharedAbraDir: string, warmDomain: string): string {
  return join(sharedAbraDir, 'ccci-warm', warmDomain);
}

/**
 * Records a dep's credentials; every value goes to the redactor first, named
 * `<recipe>/<secret>` (one too short to mask is named in the log, see `maskSecret`).
 */
export function recordDepCredentials(
  ctx: SecretSink,
  recipe: string,
  values: Readonly<Record<string, string>>,
): void {
  for (const [name, v] of Object.entries(values))
    if (v.length > 0) maskSecret(ctx, `${recipe}/${name}`, v);
  const byDep = credentials.get(ctx) ?? new Map<string, Readonly<Record<string, string>>>();
  credentials.set(ctx, byDep);
  byDep.set(recipe, Object.freeze({ ...values }));
}

/** A dep's credentials; `{}` when it has none (or none are known). */
export function depCredentials(ctx: RunCtx, recipe: string): Readonly<Record<string, string>> {
  return credentials.get(ctx)?.get(recipe) ?? {};
}

/**
 * The record a warm instance's creator left, or undefined when there is none (the caller
 * says so in the log). Names that are not plain secret names are skipped.
 */
export function readWarmCredentials(dir: string): Record<string, string> | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const name of names.sort()) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) continue;
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    out[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  }
  return out;
}

const written = new WeakMap<RunCtx, Record<string, string>>();

/**
 * `CCCI_DEP_<NAME>_<CREDENTIAL>_FILE` for every credential of every dep: each names a 0600
 * file in the run's state dir holding the value (no value in any env var). The files are
 * written once per run and removed with the state dir by teardown.
 */
export function credentialFileEnv(ctx: RunCtx): Record<string, string> {
  const known = written.get(ctx);
  if (known) return known;
  const env: Record<string, string> = {};
  const root = join(ctx.paths.stateDir, 'dep-credentials');
  for (const dep of ctx.state.deps) {
    const values = depCredentials(ctx, dep.recipe);
    if (Object.keys(values).length === 0) continue;
    const dir = join(root, dep.recipe);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [name, value] of Object.entries(values)) {
      const file = join(dir, name);
      writeFileSync(file, value, { mode: 0o600 });
      env[`CCCI_DEP_${envName(dep.recipe)}_${envName(name)}_FILE`] = file;
    }
  }
  // Written once all deps are provisioned (first use is install_steps.sh or a later step).
  if (ctx.state.phase !== 'deps') written.set(ctx, env);
  return env;
}
