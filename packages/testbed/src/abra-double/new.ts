// `abra server add` and `abra app new`. The double has one server: the local swarm. Like
// `abra server add --local`, the local server is named `default`; any other name is accepted
// and also targets the local swarm (the double never reaches a remote docker).
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setEnvValues } from '@ccci/abra/env-file';
import { abraDir, findEnvFile, loadApp, recipeDir } from './app.js';
import { allocatePorts } from './deploy.js';
import { checkout, isClean, releases } from './git.js';
import { fatal, info } from './log.js';
import { generateSecrets } from './secrets.js';

export function serverAdd(name: string | undefined, local: boolean): void {
  const server = local || !name ? 'default' : name;
  const dir = join(abraDir(), 'servers', server);
  if (existsSync(dir) && !local) fatal(`server at ${dir} already exists`);
  mkdirSync(dir, { recursive: true });
  info(`server ${server} added`);
}

export async function appNew(
  recipe: string | undefined,
  wanted: string | undefined,
  opts: {
    server?: string | undefined;
    domain?: string | undefined;
    secrets: boolean;
    chaos: boolean;
  },
): Promise<void> {
  if (!recipe) fatal('no recipe name provided');
  if (!opts.domain) fatal('no domain provided (--domain)');
  const server = opts.server ?? 'default';
  const serverDir = join(abraDir(), 'servers', server);
  if (!existsSync(serverDir)) fatal(`server ${server} not found; run "abra server add"`);
  if (findEnvFile(opts.domain)) fatal(`${opts.domain} already exists`);
  const dir = recipeDir(recipe);
  const sample = join(dir, '.env.sample');
  if (!existsSync(sample)) fatal(`${sample} does not exist`);

  // Without --chaos, abra moves the recipe checkout to the latest release (a real-abra gotcha:
  // a later --chaos deploy deploys that tree unless the caller checks out its ref again).
  let version: string | undefined;
  if (!opts.chaos) {
    const all = await releases(dir);
    if (wanted && !all.includes(wanted)) fatal(`${wanted} is not a published version of ${recipe}`);
    version = wanted ?? all.at(-1);
    if (version) {
      if (!(await isClean(dir)))
        fatal(
          `${recipe} has locally unstaged changes? please commit/remove your changes before proceeding`,
        );
      await checkout(dir, version);
    }
  }
  const envPath = join(serverDir, `${opts.domain}.env`);
  copyFileSync(sample, envPath);
  const text = readFileSync(envPath, 'utf8');
  if (!/^\s*(TYPE|RECIPE)=/m.test(text)) writeFileSync(envPath, `TYPE=${recipe}\n${text}`);
  const typeKey = /^\s*RECIPE=/m.test(text) ? 'RECIPE' : 'TYPE';
  setEnvValues(envPath, {
    [typeKey]: version ? `${recipe}:${version}` : recipe,
    DOMAIN: opts.domain,
  });
  await allocatePorts(loadApp(opts.domain));
  info(`${opts.domain} created (${envPath})`);
  if (opts.secrets) await generateSecrets(loadApp(opts.domain), { machine: false });
}
