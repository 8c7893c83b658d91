// Reading a recipe's compose files the way abra does: `COMPOSE_FILE` from the app env selects
// the files (colon-separated, default `compose.yml`); `export X=Y` lines of `abra.sh` (config
// versions) join the app env; `STACK_NAME` is set by abra; the files are loaded by Docker's
// own compose loader with that env only.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { abraShExports, composeFileNames, deployEnv as sharedDeployEnv } from '@ccci/abra/env-file';
import { parse, stringify } from 'yaml';
import type { App } from './app.js';
import { docker } from './docker.js';
import { fatal } from './log.js';

export function composeFiles(recipeDir: string, env: Record<string, string>): string[] {
  return composeFileNames(env).map((name) => {
    const path = join(recipeDir, name);
    if (!existsSync(path)) fatal(`${path} does not exist (COMPOSE_FILE=${env['COMPOSE_FILE']})`);
    return path;
  });
}

/** The env a deploy interpolates compose files with (shared with the harness's policy). */
export function deployEnv(app: App): Record<string, string> {
  const sh = join(app.recipeDir, 'abra.sh');
  return sharedDeployEnv(
    app.env,
    existsSync(sh) ? abraShExports(readFileSync(sh, 'utf8')) : {},
    app.stack,
  );
}

/** Compose-style interpolation from `env` only; used by lint, which reads files uninterpolated. */
export function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_]\w*)/g,
    (m, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (m === '$$') return '$';
      const name = (braced ?? bare) as string;
      const value = env[name];
      if (op === ':-') return value ? value : (arg ?? '');
      if (op === '-') return value ?? arg ?? '';
      return value ?? '';
    },
  );
}

export interface ComposeService {
  image?: string;
  healthcheck?: { test?: unknown; disable?: boolean };
  deploy?: { labels?: Record<string, string> | string[] };
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  secrets?: Array<string | { source: string }>;
}

export interface Compose {
  version?: string;
  services: Record<string, ComposeService>;
  secrets: Record<string, { name?: string; external?: boolean } | null>;
  volumes: Record<string, unknown>;
  configs: Record<string, { name?: string; file?: string } | null>;
}

/**
 * Load the app's compose files with Docker's own loader (`docker stack config`, the loader
 * abra vendors): mappings merged deeply, later files winning, `${VAR}` interpolated from
 * exactly `env` (never the process environment), relative paths made absolute from `cwd`.
 */
export async function loadCompose(
  files: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<Compose> {
  const r = await docker(['stack', 'config', ...files.flatMap((f) => ['-c', f])], {
    env,
    cwd,
  });
  if (r.exitCode !== 0) fatal(`unable to load compose files: ${r.stderr.trim()}`);
  return normalize(parse(r.stdout) as Partial<Compose> & Record<string, unknown>);
}

/** The lint's reading: each file uninterpolated with `env`'s markers, merged per service. */
export function loadComposeText(files: string[], env: Record<string, string>): Compose {
  const merged: Compose = normalize({});
  for (const file of files) {
    let doc: Partial<Compose> & { version?: unknown };
    try {
      doc = (parse(interpolate(readFileSync(file, 'utf8'), env)) ?? {}) as typeof doc;
    } catch (e) {
      fatal(`unable to parse ${file}: ${(e as Error).message}`);
    }
    if (typeof doc.version === 'string') merged.version = doc.version;
    for (const key of ['secrets', 'volumes', 'configs'] as const) {
      Object.assign(merged[key], doc[key] ?? {});
    }
    for (const [name, svc] of Object.entries(doc.services ?? {})) {
      merged.services[name] = { ...(merged.services[name] ?? {}), ...(svc ?? {}) };
    }
  }
  return merged;
}

function normalize(doc: Partial<Compose> & Record<string, unknown>): Compose {
  return {
    ...doc,
    services: doc.services ?? {},
    secrets: doc.secrets ?? {},
    volumes: doc.volumes ?? {},
    configs: doc.configs ?? {},
  };
}

/**
 * A loaded config as a compose file Docker reads back unchanged: every `$` of a value doubled,
 * so a second interpolation (docker stack deploy's) changes nothing.
 */
export function renderLoaded(compose: Compose): string {
  const doubled = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replaceAll('$', '$$$$');
    if (Array.isArray(v)) return v.map(doubled);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, doubled(x)]));
    return v;
  };
  return stringify(doubled(compose));
}

export function labelsOf(svc: ComposeService): Record<string, string> {
  const labels = svc.deploy?.labels;
  if (!labels) return {};
  if (Array.isArray(labels)) {
    return Object.fromEntries(
      labels.map((l) => {
        const eq = l.indexOf('=');
        return eq < 0 ? [l, ''] : [l.slice(0, eq), l.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
}

/** Docker secret name of a compose secret: its `name:`, else `<stack>_<key>_<version>`. */
export function secretName(
  stack: string,
  key: string,
  def: { name?: string } | null,
  env: Record<string, string>,
): string {
  if (def?.name) return def.name;
  return `${stack}_${key}_${env[`SECRET_${key.toUpperCase()}_VERSION`] ?? 'v1'}`;
}
