// Enrolled settings against the recipe they are for: every name the settings use must be one
// the recipe declares. Read from a checkout of the recipe (its compose files, in any
// subfolder, with any overlay name; its .env.sample), never deployed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { LoadedRecipe } from './load.js';
import { type MetaProblem, problem } from './problems.js';

interface RecipeNames {
  services: Set<string>;
  /** `configs.x`, `secrets.x`, `volumes.x`, `networks.x`. */
  objects: Set<string>;
  ports: Set<number>;
  /** Variables the compose files read (`${X}`, `$X`) and keys of .env.sample (set or commented). */
  variables: Set<string>;
}

const COMPOSE = /^compose(\.[\w.-]+)?\.ya?ml$/;

function composeFiles(dir: string, depth = 0): string[] {
  if (depth > 2) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...composeFiles(path, depth + 1));
    else if (st?.isFile() && COMPOSE.test(name)) out.push(path);
  }
  return out;
}

function portsOf(entry: unknown): number[] {
  if (typeof entry === 'number') return [entry];
  if (typeof entry === 'string') {
    return (entry.split('/')[0] ?? '')
      .split(':')
      .flatMap((p) => p.split('-'))
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
  }
  if (entry && typeof entry === 'object') {
    const e = entry as { target?: unknown; published?: unknown };
    return [e.target, e.published].map(Number).filter((n) => Number.isInteger(n) && n > 0);
  }
  return [];
}

/** What a recipe checkout declares. */
function recipeNames(recipeDir: string): RecipeNames {
  const names: RecipeNames = {
    services: new Set(),
    objects: new Set(),
    ports: new Set(),
    variables: new Set(),
  };
  for (const file of composeFiles(recipeDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
      names.variables.add(m[1] as string);
    let doc: Record<string, unknown>;
    try {
      doc = (parse(text, { maxAliasCount: 1000 }) ?? {}) as Record<string, unknown>;
    } catch {
      continue;
    }
    const services = (doc['services'] ?? {}) as Record<string, Record<string, unknown> | null>;
    for (const [name, svc] of Object.entries(services)) {
      names.services.add(name);
      for (const key of ['ports', 'expose']) {
        const list = svc ? svc[key] : undefined;
        for (const p of Array.isArray(list) ? list : [])
          for (const n of portsOf(p)) names.ports.add(n);
      }
    }
    for (const kind of ['configs', 'secrets', 'volumes', 'networks'])
      for (const name of Object.keys((doc[kind] ?? {}) as object))
        names.objects.add(`${kind}.${name}`);
  }
  const sample = join(recipeDir, '.env.sample');
  if (existsSync(sample))
    for (const m of readFileSync(sample, 'utf8').matchAll(
      /^[ \t]*#?[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/gm,
    ))
      names.variables.add(m[1] as string);
  return names;
}

/**
 * Problems (`not_in_recipe`, errors) for each name the settings use that the recipe does not
 * declare: EXTRA_ENV keys it never reads, COMPOSE_POLICY_EXCEPTIONS services, READY_PROBE tcp
 * ports. Each names the settings file and line.
 */
export function checkAgainstRecipe(loaded: LoadedRecipe, recipeDir: string): MetaProblem[] {
  const names = recipeNames(recipeDir);
  const where = relative(process.cwd(), recipeDir) || recipeDir;
  const out: MetaProblem[] = [];
  const at = (key: string) => loaded.set.find((s) => s.key === key);
  const add = (key: string, message: string, hint: string) => {
    const s = at(key);
    out.push(
      problem({
        code: 'not_in_recipe',
        file: s?.file ?? loaded.recipe,
        line: s?.line ?? null,
        key,
        message,
        hint,
      }),
    );
  };
  if (at('EXTRA_ENV'))
    for (const k of Object.keys(loaded.meta.EXTRA_ENV))
      if (!names.variables.has(k))
        add(
          'EXTRA_ENV',
          `EXTRA_ENV sets ${k}, which ${where} never reads (not in .env.sample, no \${${k}} in its compose files)`,
          'Check the spelling against the recipe’s .env.sample, or drop the key.',
        );
  if (at('COMPOSE_POLICY_EXCEPTIONS'))
    for (const e of loaded.meta.COMPOSE_POLICY_EXCEPTIONS)
      if (!names.services.has(e.service) && !names.objects.has(e.service))
        add(
          'COMPOSE_POLICY_EXCEPTIONS',
          `COMPOSE_POLICY_EXCEPTIONS names service "${e.service}", which no compose file of ${where} declares (services: ${[...names.services].join(', ') || 'none'})`,
          'Name a service of the recipe, or drop the exception.',
        );
  if (at('READY_PROBE'))
    for (const p of loaded.meta.READY_PROBE)
      if (p.tcp !== undefined && !names.ports.has(p.tcp))
        add(
          'READY_PROBE',
          `READY_PROBE tcp ${p.tcp}: no compose file of ${where} publishes or exposes port ${p.tcp}`,
          'Probe a port the recipe publishes (an overlay named in COMPOSE_FILE counts), or enable that overlay in EXTRA_ENV.',
        );
  return out;
}
