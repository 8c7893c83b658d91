import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { RefusedError } from '../errors.js';

/** The recipe settings the engine reads (RECIPE-META.md registry; data keys). */
export interface RunMeta {
  HEALTH_PATH: string;
  HEALTH_OK: number[];
  DEPLOY_TIMEOUT: number;
  HTTP_TIMEOUT: number;
  UPGRADE_BASE_VERSION: string | undefined;
  UNTESTABLE_VERSIONS: Record<string, string>;
  EXTRA_ENV: Record<string, string>;
  UPGRADE_EXTRA_ENV: Record<string, string>;
  READY_PROBE: ReadyProbe[];
  BACKUP_CAPABLE: boolean | 'auto';
  EXPECTED_NA: Record<string, string>;
  SCREENSHOT: boolean;
  DEPS: string[];
  WARM_CANONICAL: boolean;
  COMPOSE_POLICY_EXCEPTIONS: { service: string; rule: string; reason: string }[];
}

export type ReadyProbe = { tcp: number; stable?: number } | { http: string; statuses?: number[] };

export const DEFAULT_META: RunMeta = Object.freeze({
  HEALTH_PATH: '/',
  HEALTH_OK: [200, 301, 302],
  DEPLOY_TIMEOUT: 600,
  HTTP_TIMEOUT: 300,
  UPGRADE_BASE_VERSION: undefined,
  UNTESTABLE_VERSIONS: {},
  EXTRA_ENV: {},
  UPGRADE_EXTRA_ENV: {},
  READY_PROBE: [],
  BACKUP_CAPABLE: 'auto',
  EXPECTED_NA: {},
  SCREENSHOT: true,
  DEPS: [],
  WARM_CANONICAL: false,
  COMPOSE_POLICY_EXCEPTIONS: [],
}) as RunMeta;

export interface LoadedMeta {
  meta: RunMeta;
  /** Non-default keys and overlays, one line each, secret-looking values masked. */
  manifest: string[];
  /** The enrolment folder, when the recipe has one. */
  dir: string | undefined;
  overlay: string | undefined;
}

const SECRETISH = /SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL/i;

/**
 * Loads `recipes/<recipe>/recipe_meta.yml` over the defaults. Stand-in adapter until the
 * @ccci/recipe-meta loader lands (it will own validation); bad files refuse the run here too.
 */
export function loadMeta(enrolmentDir: string, recipe: string): LoadedMeta {
  const dir = join(enrolmentDir, recipe);
  const file = join(dir, 'recipe_meta.yml');
  const meta: RunMeta = structuredClone(DEFAULT_META);
  const manifest: string[] = [];
  if (!existsSync(dir))
    return {
      meta,
      manifest: ['(no enrolment folder: defaults)'],
      dir: undefined,
      overlay: undefined,
    };
  if (existsSync(file)) {
    const lc = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc });
    if (doc.errors[0]) {
      const line = lc.linePos(doc.errors[0].pos[0]).line;
      throw new RefusedError(
        `${file}:${line}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`,
      );
    }
    const data = (doc.toJS() ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(data)) {
      if (key.startsWith('_')) continue;
      if (!(key in DEFAULT_META)) {
        throw new RefusedError(`${file}: unknown key ${key}; see docs/recipe-meta.md for the keys`);
      }
      (meta as unknown as Record<string, unknown>)[key] = value;
      const shown = SECRETISH.test(key) ? '****' : JSON.stringify(value);
      manifest.push(`${key}: ${shown}`);
    }
  }
  const overlay = existsSync(join(dir, 'compose.ccci.yml'))
    ? join(dir, 'compose.ccci.yml')
    : undefined;
  if (overlay)
    manifest.push(`overlay compose.ccci.yml: ${readFileSync(overlay, 'utf8').split('\n')[0]}`);
  for (const sub of ['functional', 'playwright']) {
    const t = join(dir, 'tests', sub);
    if (existsSync(t)) manifest.push(`tests/${sub}: ${readdirSync(t).length} file(s)`);
  }
  for (const e of meta.COMPOSE_POLICY_EXCEPTIONS) {
    manifest.push(`compose policy exception: ${e.rule} for ${e.service} — ${e.reason}`);
  }
  return { meta, manifest, dir, overlay };
}
