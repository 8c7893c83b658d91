// `abra app secret generate <domain> --all [--machine]` and `abra app new --secrets`: one
// docker secret per compose secret, named `<stack>_<name>_<version>` with the version from
// `SECRET_<NAME>_VERSION` in the app env (docs.coopcloud.tech "Managing secret data"). Like
// abra, the generated values are PRINTED — callers must redact them.
import { randomBytes } from 'node:crypto';
import { type App, loadApp } from './app.js';
import { composeFiles, deployEnv, loadCompose, secretName } from './compose.js';
import { docker } from './docker.js';
import { readEnvFile } from './env-file.js';
import { fatal, out } from './log.js';
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
  const compose = loadCompose(composeFiles(app.recipeDir, env), env);
  const modifiers = readEnvFile(app.envPath);
  const created: Array<{ name: string; value: string }> = [];
  const keys = Object.keys(compose.secrets).filter((k) => !opts.only || k === opts.only);
  if (opts.only && keys.length === 0) fatal(`secret ${opts.only} not found in recipe config`);
  for (const key of keys) {
    const line = modifiers.get(`SECRET_${key.toUpperCase()}_VERSION`);
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
