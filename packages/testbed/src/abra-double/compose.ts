// Reading a recipe's compose files the way abra does: `COMPOSE_FILE` from the app env selects
// the files (colon-separated, default `compose.yml`); `export X=Y` lines of `abra.sh` (config
// versions) join the app env; `STACK_NAME` is set by abra; `${VAR}`/`${VAR:-default}` are
// interpolated from that env only.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { App } from './app.js';
import { fatal } from './log.js';

export function composeFiles(recipeDir: string, env: Record<string, string>): string[] {
  const names = (env['COMPOSE_FILE'] || 'compose.yml').split(':').filter(Boolean);
  return names.map((name) => {
    const path = join(recipeDir, name);
    if (!existsSync(path)) fatal(`${path} does not exist (COMPOSE_FILE=${env['COMPOSE_FILE']})`);
    return path;
  });
}

export function abraShExports(recipeDir: string): Record<string, string> {
  const path = join(recipeDir, 'abra.sh');
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const m of readFileSync(path, 'utf8').matchAll(/^\s*export\s+([A-Za-z_]\w*)=(.*)$/gm)) {
    vars[m[1] as string] = (m[2] ?? '').trim().replace(/^["']|["']$/g, '');
  }
  return vars;
}

/** The env a deploy interpolates compose files with. */
export function deployEnv(app: App): Record<string, string> {
  return { ...abraShExports(app.recipeDir), ...app.env, STACK_NAME: app.stack };
}

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

/** Load and shallow-merge the app's compose files (later files win per top-level entry). */
export function loadCompose(files: string[], env: Record<string, string>): Compose {
  const merged: Compose = { services: {}, secrets: {}, volumes: {}, configs: {} };
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
