// `abra app secret generate <domain> --all [--machine]` and `abra app new --secrets`: one
// docker secret per compose secret, named `<stack>_<name>_<version>` with the version from
// `SECRET_<NAME>_VERSION` in the app env (docs.coopcloud.tech "Managing secret data"). Like
// abra, the generated values are PRINTED — callers must redact them.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readEnvFile } from '@ccci/abra/env-file';
import { type App, loadApp } from './app.js';
import { composeFiles, deployEnv, loadCompose, secretName } from './compose.js';
import { docker } from './docker.js';
import { fatal, info, out } from './log.js';
import { renderTable } from './table.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function generate(length: number): string {
  const bytes = randomBytes(length);
  return [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

export async function generateSecrets(
  app: App,
  opts: { only?: string; machine: boolean },
): Promise<void> {
  const env = deployEnv(app);
  const compose = await loadCompose(composeFiles(app.recipeDir, env), env, app.recipeDir);
  const entries = readEnvFile(app.envPath);
  const created: Array<{ name: string; value: string }> = [];
  const keys = Object.keys(compose.secrets).filter((k) => !opts.only || k === opts.only);
  if (opts.only && keys.length === 0) fatal(`secret ${opts.only} not found in recipe config`);
  for (const key of keys) {
    const line = entries.findLast((e) => e.key === `SECRET_${key.toUpperCase()}_VERSION`);
    if (/generate=false/.test(line?.comment ?? '')) continue;
    const length = Number(/length=(\d+)/.exec(line?.comment ?? '')?.[1] ?? 32);
    const name = secretName(app.stack, key, compose.secrets[key] ?? null, env);
    const value = generate(length);
    const r = await docker(['secret', 'create', name, '-'], { input: value });
    if (r.exitCode !== 0) fatal(r.stderr.trim());
    created.push({ name: key, value });
  }
  if (opts.machine) out(JSON.stringify(created));
  else if (created.length > 0) {
    out(
      renderTable(
        ['name', 'value'],
        created.map((c) => [c.name, c.value]),
      ),
    );
  }
}

export async function secretCommand(
  domain: string | undefined,
  opts: {
    all: boolean;
    machine: boolean;
    secret: string | undefined;
  },
): Promise<void> {
  const app = loadApp(domain);
  if (!opts.all && !opts.secret) fatal("missing arguments [secret]/[version] or '--all'");
  await generateSecrets(app, {
    machine: opts.machine,
    ...(opts.all || !opts.secret ? {} : { only: opts.secret }),
  });
}

/** The app's compose secrets with the docker secret name each has now (env version). */
async function composeSecrets(app: App): Promise<Map<string, string>> {
  const env = deployEnv(app);
  const compose = await loadCompose(composeFiles(app.recipeDir, env), env, app.recipeDir);
  return new Map(
    Object.entries(compose.secrets).map(([k, def]) => [k, secretName(app.stack, k, def, env)]),
  );
}

/**
 * `abra app secret rm <domain> <secret> | --all`: removes the docker secret of each named
 * compose secret at the version the app env gives (abra's `SECRET_<NAME>_VERSION`, default v1);
 * a named secret that has no docker secret → `FATA <secret> doesn't exist on server?`.
 */
export async function secretRm(
  domain: string | undefined,
  opts: { all: boolean; secret: string | undefined },
): Promise<void> {
  const app = loadApp(domain);
  if (!opts.all && !opts.secret) fatal('no secret(s) specified?');
  const wanted = [...(await composeSecrets(app))].filter(([k]) => opts.all || k === opts.secret);
  const existing = new Set(
    (await docker(['secret', 'ls', '--format', '{{.Name}}'])).stdout.split('\n'),
  );
  let removed = 0;
  for (const [, name] of wanted) {
    if (!existing.has(name)) continue;
    const r = await docker(['secret', 'rm', name]);
    if (r.exitCode !== 0) fatal(r.stderr.trim());
    removed++;
  }
  if (opts.secret && removed === 0) fatal(`${opts.secret} doesn't exist on server?`);
}

/**
 * `abra app secret insert <domain> <secret> <version> <data> [-f/--file] [-t/--trim]`: creates
 * the docker secret `<stack>_<secret>_<version>` from `<data>` (with `--file`, the contents of
 * the file `<data>` names); `--trim` trims surrounding whitespace. An existing secret of that
 * name is docker's error, passed on as abra does (`FATA … AlreadyExists …`).
 */
export async function secretInsert(
  domain: string | undefined,
  args: string[],
  opts: { file: boolean; trim: boolean },
): Promise<void> {
  const app = loadApp(domain);
  const [secret, version, data] = args;
  if (!secret || !version || data === undefined)
    fatal('missing arguments <secret>/<version>/<data>');
  if (!(await composeSecrets(app)).has(secret)) fatal(`${secret} doesn't exist in the env config?`);
  let value = data;
  if (opts.file) {
    try {
      value = readFileSync(data, 'utf8');
    } catch (e) {
      fatal(
        `open ${data}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
      );
    }
  }
  if (opts.trim) value = value.trim();
  const name = `${app.stack}_${secret}_${version}`;
  const r = await docker(['secret', 'create', name, '-'], { input: value });
  if (r.exitCode !== 0) fatal(r.stderr.trim());
  info(`${name} successfully stored on server`);
}
