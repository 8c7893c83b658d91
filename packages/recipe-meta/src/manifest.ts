import { relative } from 'node:path';
import type { ComposePolicyException } from './generated/types.js';
import type { LoadedRecipe, Source } from './load.js';
import { looksSecret, MASK, maskSecrets } from './mask.js';
import { HOOK_BY_NAME, hookSignatureText, KEY_BY_NAME } from './registry.js';

/**
 * The customization manifest: what of a run differs from the defaults. JSON-serialisable; a type
 * alias (not an interface) so it is assignable to `Record<string, unknown>` (results.json).
 */
export type CustomizationManifest = {
  recipe: string;
  /** True when nothing is customized and no dev skip is active. */
  defaults: boolean;
  sources: {
    operator: string | null;
    repo: string | null;
    repoApproved: boolean;
    /** The content hash of the recipe's `.ccci/` (what an approval names). */
    repoHash?: string | null;
  };
  /** Non-default keys; secret-looking values (and nested entries) masked. */
  keys: { key: string; value: unknown; source: Source; file: string; line: number }[];
  hooks: { name: string; signature: string; expected: string; source: Source; line: number }[];
  overlays: {
    compose: { file: string; why: string; source: Source } | null;
    tests: { op: string; file: string; source: Source }[];
  };
  customTests: { functional: number; playwright: number; playwrightFiles: number };
  installSteps: { file: string; source: Source } | null;
  previous: { dir: string; files: number; source: Source } | null;
  composePolicyExceptions: ComposePolicyException[];
  /** Active dev-only skip switches: a run with any of them is not a real result. */
  devSkips: string[];
};

export interface BuildManifestOptions {
  /** Paths are shown relative to this folder. Default: process.cwd(). */
  cwd?: string;
  /** Names of active dev-only skip switches (e.g. `CCCI_DEV_SKIP_LINT`). Default: none. */
  devSkips?: readonly string[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Builds the manifest of a loaded recipe. */
export function buildManifest(
  loaded: LoadedRecipe,
  options: BuildManifestOptions = {},
): CustomizationManifest {
  const cwd = options.cwd ?? process.cwd();
  const rel = (p: string) => relative(cwd, p) || p;
  const keys = loaded.set
    .filter((s) => s.key !== 'COMPOSE_POLICY_EXCEPTIONS')
    .filter((s) => !same(s.value, KEY_BY_NAME.get(s.key)?.default))
    .map((s) => ({
      key: s.key,
      value: looksSecret(s.key) ? MASK : maskSecrets(s.value),
      source: s.source,
      file: rel(s.file),
      line: s.line,
    }));
  const f = loaded.files;
  const m: CustomizationManifest = {
    recipe: loaded.recipe,
    defaults: false,
    sources: {
      operator: f.operatorDir ? rel(f.operatorDir) : null,
      repo: f.repoDir ? rel(f.repoDir) : null,
      repoApproved: f.repoApproved,
      repoHash: f.repoHash,
    },
    keys,
    hooks: (loaded.hooks?.exports ?? []).map((h) => {
      const sig = HOOK_BY_NAME.get(h.name);
      return {
        name: h.name,
        signature: h.signature,
        expected: sig ? hookSignatureText(sig) : h.signature,
        source: loaded.hooks!.source,
        line: h.line,
      };
    }),
    overlays: {
      compose: f.composeOverlay ? { ...f.composeOverlay, file: rel(f.composeOverlay.file) } : null,
      tests: f.testOverlays.map((t) => ({ op: t.op, file: rel(t.file), source: t.source })),
    },
    customTests: {
      functional: f.functionalTests.length,
      playwright: f.playwrightTests.reduce((n, t) => n + t.tests, 0),
      playwrightFiles: f.playwrightTests.length,
    },
    installSteps: f.installSteps ? { ...f.installSteps, file: rel(f.installSteps.file) } : null,
    previous: f.previous
      ? { dir: rel(f.previous.dir), files: f.previous.files.length, source: f.previous.source }
      : null,
    composePolicyExceptions: [...loaded.meta.COMPOSE_POLICY_EXCEPTIONS],
    devSkips: [...(options.devSkips ?? [])],
  };
  m.defaults =
    m.keys.length === 0 &&
    m.hooks.length === 0 &&
    !m.overlays.compose &&
    m.overlays.tests.length === 0 &&
    m.customTests.functional + m.customTests.playwrightFiles === 0 &&
    !m.installSteps &&
    !m.previous &&
    m.devSkips.length === 0;
  return m;
}

/** Human rendering, a few lines; dev skips flagged loudly. */
export function renderManifest(m: CustomizationManifest): string {
  const out: string[] = [];
  for (const s of m.devSkips)
    out.push(`!!! DEV-ONLY SKIP ACTIVE: ${s} — this run is not a real result !!!`);
  out.push(`customization of ${m.recipe}${m.defaults ? ': none (defaults)' : ':'}`);
  if (m.sources.repo)
    out.push(
      `  recipe .ccci/: ${m.sources.repo} ${m.sources.repoHash ?? ''} (${m.sources.repoApproved ? 'approved' : 'NOT approved: ignored'})`,
    );
  for (const k of m.keys)
    out.push(
      `  ${k.key} = ${JSON.stringify(k.value)}  (${k.file}:${k.line}${k.source === 'repo' ? ', recipe .ccci' : ''})`,
    );
  for (const h of m.hooks) out.push(`  hook ${h.signature}  (${h.source})`);
  if (m.overlays.compose)
    out.push(
      `  compose overlay ${m.overlays.compose.file} — ${m.overlays.compose.why} (chaos deploy)`,
    );
  for (const t of m.overlays.tests) out.push(`  ${t.op} overlay ${t.file}`);
  if (m.customTests.functional || m.customTests.playwright)
    out.push(
      `  custom tests: ${m.customTests.functional} functional, ${m.customTests.playwright} playwright (${m.customTests.playwrightFiles} files)`,
    );
  if (m.installSteps) out.push(`  install steps ${m.installSteps.file}`);
  if (m.previous)
    out.push(`  previous/ ${m.previous.dir} (${m.previous.files} files, base deploy only)`);
  for (const e of m.composePolicyExceptions)
    out.push(`  compose-policy exception: ${e.rule} for service ${e.service} — ${e.reason}`);
  return out.join('\n');
}
