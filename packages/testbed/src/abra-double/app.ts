// Where abra keeps things: `$ABRA_DIR` (default ~/.abra), app env files at
// `servers/<server>/<domain>.env`, recipes at `recipes/<recipe>` (docs.coopcloud.tech,
// operators handbook "Understanding ~/.abra"; maintainers handbook ".env.sample").
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readEnvValues } from '@ccci/abra/env-file';
import { fatal } from './log.js';

export function abraDir(): string {
  return process.env['ABRA_DIR'] || join(homedir(), '.abra');
}

/** abra names the stack after the domain with dots (and other non-word chars) as underscores. */
function stackName(domain: string): string {
  return domain.replace(/\./g, '_');
}

export interface App {
  domain: string;
  server: string;
  envPath: string;
  env: Record<string, string>;
  /** Recipe name from `TYPE=` (or `RECIPE=`), version suffix (`name:version`) removed. */
  recipe: string;
  /** Version recorded in `TYPE=<recipe>:<version>` by the last deploy, if any. */
  envVersion: string | undefined;
  stack: string;
  recipeDir: string;
}

export function findEnvFile(domain: string): { server: string; path: string } | undefined {
  const servers = join(abraDir(), 'servers');
  if (!existsSync(servers)) return undefined;
  for (const server of readdirSync(servers)) {
    const path = join(servers, server, `${domain}.env`);
    if (existsSync(path)) return { server, path };
  }
  return undefined;
}

export function loadApp(domain: string | undefined): App {
  if (!domain) fatal('no app provided');
  const found = findEnvFile(domain);
  if (!found) fatal(`cannot find app with name ${domain}`);
  const env = readEnvValues(found.path);
  const type = env['RECIPE'] ?? env['TYPE'];
  if (!type) fatal(`${found.path}: TYPE or RECIPE not set`);
  const [recipe, envVersion] = type.split(':') as [string, string | undefined];
  return {
    domain,
    server: found.server,
    envPath: found.path,
    env,
    recipe,
    envVersion: envVersion || undefined,
    stack: stackName(domain),
    recipeDir: join(abraDir(), 'recipes', recipe),
  };
}

export function recipeDir(recipe: string): string {
  const dir = join(abraDir(), 'recipes', recipe);
  if (!existsSync(join(dir, 'compose.yml'))) fatal(`unable to find recipe ${recipe} in ${dir}`);
  return dir;
}
