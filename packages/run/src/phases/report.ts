import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUNG_NAMES } from '@ccci/contracts';
import type { RunStatePaths } from '@ccci/lock';
import type { Redactor } from '@ccci/redact';
import {
  createResultsBuilder,
  type Results,
  renderBadge,
  renderCardPng,
  renderCardSvg,
  renderComment,
  safeWriteResults,
} from '@ccci/results';
import type { EngineConfig, RunState } from '../context.js';
import type { RunSettings } from '../settings.js';
import type { Clone } from '../support/git.js';
import type { RunLog } from '../support/log.js';
import type { LoadedMeta } from '../support/meta.js';

/** What reporting reads of a run: RunCtx narrowed to it (a RunCtx is one). */
export interface ReportCtx {
  settings: Pick<RunSettings, 'recipe' | 'runId' | 'ref' | 'pr' | 'quick'>;
  clone: Pick<Clone, 'headSha' | 'headTags'> | undefined;
  loaded: Pick<LoadedMeta, 'manifestData'> | undefined;
  state: RunState;
  redactor: Pick<Redactor, 'redactString' | 'scan' | 'unmaskable'>;
  paths: Pick<RunStatePaths, 'artifactsDir'>;
  log: Pick<RunLog, 'file' | 'warn' | 'error'>;
  config?: Pick<EngineConfig, 'fontsDir'>;
}

/**
 * Builds results.json from the run state, so that a run always gets one: when the full results
 * cannot be built (a harness bug, or state the builder refuses), the rungs' statuses and reasons
 * are kept without tests, lint rules or manifest, and the manifest says why. Throws only when the
 * run's identity (recipe, run id, ref) is not one results.json can hold; settings parsing rules
 * that out.
 */
function buildResults(ctx: ReportCtx): Results {
  try {
    return fullResults(ctx);
  } catch (error) {
    // Builder errors quote a little of the value they refused: mask known secrets in it.
    const why = ctx.redactor.redactString(reasonOf(error));
    ctx.log.error(`results could not be built in full (${why}); keeping the rungs' statuses`);
    return rungsOnlyResults(ctx, why);
  }
}

function newBuilder(ctx: ReportCtx) {
  return createResultsBuilder({
    recipe: ctx.settings.recipe,
    runId: ctx.settings.runId,
    sha: ctx.clone?.headSha ?? '0000000000000000000000000000000000000000',
    ref: ctx.settings.ref,
    version: ctx.clone?.headTags[0] ?? null,
    pr: ctx.settings.pr ?? null,
    deployBudget: ctx.state.budget,
    quick: ctx.settings.quick,
    clock: runClock(ctx.state.startedAt.getTime()),
    redact: (s) => ctx.redactor.redactString(s),
  });
}

function fullResults(ctx: ReportCtx): Results {
  const b = newBuilder(ctx);
  if (ctx.state.abortReason) b.abort(ctx.state.abortReason);
  for (const name of RUNG_NAMES) {
    const r = ctx.state.rungs.get(name);
    if (!r) continue;
    for (const t of r.tests)
      b.addTest({ name: t.name, status: t.status, ms: t.ms, reason: t.reason ?? null }, name);
    b.setRung(name, r.status, r.reason ?? null, r.durationMs > 0 ? r.durationMs : null);
  }
  b.setLint(ctx.state.lintFailed);
  for (let i = 0; i < ctx.state.deployCount; i++) b.countDeploy();
  if (ctx.state.appCreated)
    // At most the budget: a run that failed before its deploy made fewer, and is no breach.
    b.setFlag('deploy_budget_ok', ctx.state.deployCount <= ctx.state.budget);
  b.setFlag('clean_teardown', ctx.state.cleanTeardown ?? null);
  b.setFlag('quick', ctx.settings.quick);
  b.setManifest({
    ...(ctx.loaded ? { customization: ctx.loaded.manifestData } : {}),
    lines: ctx.state.manifest,
    compose_policy: ctx.state.policy,
    ...(ctx.state.base ? { upgrade_base: ctx.state.base } : {}),
    ...(ctx.state.refused ? { refused: ctx.state.refused } : {}),
    deps: ctx.state.deps,
    // Secrets too short to be masked, by name (never a value): said, not silently unmasked.
    ...(ctx.redactor.unmaskable.length > 0
      ? { unmaskable_secrets: [...ctx.redactor.unmaskable] }
      : {}),
  });
  if (ctx.state.screenshot) b.addArtifact('screenshot', ctx.state.screenshot);
  addOwnArtifacts(b);
  return b.finish(ctx.state.abortReason ? { abortReason: ctx.state.abortReason } : {});
}

/** The part of the results nothing odd in the state can spoil: which rung ended how. */
function rungsOnlyResults(ctx: ReportCtx, why: string): Results {
  const b = newBuilder(ctx);
  if (ctx.state.abortReason) b.abort(String(ctx.state.abortReason));
  for (const name of RUNG_NAMES) {
    const r = ctx.state.rungs.get(name);
    if (!r) continue;
    try {
      b.setRung(name, r.status, typeof r.reason === 'string' ? r.reason : null, null);
    } catch {
      b.setRung(name, 'unver', 'its result could not be recorded', null);
    }
  }
  b.setManifest({ results_incomplete: `tests, lint rules and manifest left out: ${why}` });
  addOwnArtifacts(b);
  return b.finish();
}

function addOwnArtifacts(b: ReturnType<typeof createResultsBuilder>): void {
  b.addArtifact('log', 'run.log');
  b.addArtifact('results', 'results.json');
  b.addArtifact('badge', 'badge.svg');
  b.addArtifact('card_svg', 'card.svg');
  b.addArtifact('card_png', 'card.png');
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}

/**
 * A run cut short writes results.json at once, before teardown (the rungs say what was
 * interrupted): whatever happens to teardown, a results.json is there. The final report
 * replaces it.
 */
export async function writeProvisionalResults(ctx: ReportCtx): Promise<void> {
  try {
    const out = await safeWriteResults(
      join(ctx.paths.artifactsDir, 'results.json'),
      buildResults(ctx),
    );
    if (!out.ok) ctx.log.warn(`provisional results.json not written: ${out.error.message}`);
  } catch (error) {
    ctx.log.warn(`provisional results.json not written: ${(error as Error).message}`);
  }
}

/**
 * Writes results.json, card (SVG + PNG), badge, comment body into the artifacts folder, then
 * scans everything that leaves the run for registered secrets (`no_secret_leak`).
 */
export async function writeReport(ctx: ReportCtx): Promise<Results | undefined> {
  const dir = ctx.paths.artifactsDir;
  const results = buildResults(ctx);
  const shot =
    ctx.state.screenshot && existsSync(join(dir, ctx.state.screenshot))
      ? readFileSync(join(dir, ctx.state.screenshot))
      : null;
  const leaks = (text: string) => ctx.redactor.scan(text).length > 0;
  const log = existsSync(ctx.log.file) ? readFileSync(ctx.log.file, 'utf8') : '';
  // Scan what leaves the run before rendering, so the card and comment show the flag; then
  // scan the renderings too and render again if one of them leaks.
  results.flags.no_secret_leak = !leaks(JSON.stringify(results)) && !leaks(log);
  const rendered = render(ctx, results, shot);
  if (rendered.some(leaks)) {
    results.flags.no_secret_leak = false;
    render(ctx, results, shot);
  }
  const out = await safeWriteResults(join(dir, 'results.json'), results);
  if (!out.ok) ctx.log.error(`results.json not written: ${out.error.message}`);
  return results;
}

/** The one-screen summary at the end. */
export function summary(ctx: ReportCtx, results: Results | undefined): string {
  const lines = [
    '',
    `── ccci ${ctx.settings.recipe} @ ${ctx.clone?.headSha.slice(0, 12) ?? ctx.settings.ref} (run ${ctx.settings.runId}) ──`,
  ];
  if (ctx.state.refused) lines.push(`REFUSED before any deploy: ${ctx.state.refused}`);
  if (results) {
    lines.push(`level ${results.level}`);
    for (const name of RUNG_NAMES) {
      const r = results.rungs[name];
      const d = r.duration_ms === null ? '' : ` ${(r.duration_ms / 1000).toFixed(1)}s`;
      lines.push(
        `  ${name.padEnd(15)} ${r.status.padEnd(5)}${d}${r.reason ? `  ${r.reason}` : ''}`,
      );
    }
    lines.push(
      `deploys ${results.deploys.count}/${results.deploys.budget ?? '?'} · clean teardown ${fmt(results.flags.clean_teardown)} · no secret leak ${fmt(results.flags.no_secret_leak)}`,
    );
  }
  if (ctx.state.teardownLeft) lines.push(`left behind: ${ctx.state.teardownLeft}`);
  lines.push(`results: ${ctx.paths.artifactsDir}`);
  return ctx.redactor.redactString(lines.join('\n'));
}

const fmt = (v: boolean | null) => (v === null ? '?' : v ? 'yes' : 'NO');

/** Which version the card's screenshot shows: the head, or the upgrade base when the head's is missing. */
function screenshotLabel(ctx: ReportCtx): string | null {
  const of = ctx.state.screenshotOf;
  if (of === undefined) return null;
  const head = ctx.clone?.headSha.slice(0, 8) ?? ctx.settings.ref;
  return of === 'head'
    ? `Screenshot: the head (${head})`
    : `Screenshot: ${of}, the upgrade base — the head's was not taken (the upgrade did not pass)`;
}

/** Writes badge, comment, card SVG and PNG; returns the text renderings for the leak scan. */
function render(ctx: ReportCtx, results: Results, shot: Buffer | null): string[] {
  const label = shot ? screenshotLabel(ctx) : null;
  const renders: [string, () => string | Buffer][] = [
    ['badge.svg', () => renderBadge(results.level)],
    ['comment.md', () => renderComment({ kind: 'result', results })],
    ['card.svg', () => renderCardSvg(results, { screenshot: shot, screenshotLabel: label })],
    [
      'card.png',
      () =>
        renderCardPng(results, {
          screenshot: shot,
          screenshotLabel: label,
          onWarning: (m) => ctx.log.warn(m),
          ...(ctx.config?.fontsDir ? { fontsRoot: ctx.config.fontsDir } : {}),
        }),
    ],
  ];
  const texts: string[] = [];
  for (const [file, make] of renders) {
    try {
      const body = make();
      if (typeof body === 'string') texts.push(body);
      writeFileSync(join(ctx.paths.artifactsDir, file), body);
    } catch (error) {
      ctx.log.warn(`${file} not rendered: ${(error as Error).message}`);
    }
  }
  return texts;
}

/** The builder's clock: the run's start on its first reading, then the time now. */
function runClock(startedAt: number): () => number {
  let first = true;
  return () => {
    if (!first) return Date.now();
    first = false;
    return startedAt;
  };
}
