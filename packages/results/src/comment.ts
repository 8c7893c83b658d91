import { RUNG_NAMES, type RungName, type RungStatus } from '@ccci/contracts';
import { testTally } from './caps.js';
import { escapeMarkdown, escapeXml, safeUrl } from './escape.js';
import { formatDuration, STATUS_EMOJI, STATUS_TEXT, shortSha } from './format.js';
import { normalizeResults } from './normalize.js';
import { regressionOf } from './regression.js';
import { LEVEL_MEANINGS, type Level, RUNG_LABELS } from './rungs.js';
import { clipText } from './text.js';
import type { Results } from './types.js';

/** First line of every comment ccci writes, so the bot can find its own comment again. */
export const COMMENT_MARKER = '<!-- ccci -->';

/**
 * Longest comment body renderComment writes, in UTF-16 units: GitHub refuses one over 65 536
 * characters, and the bot appends a few lines (the run marker, a keep note).
 */
export const COMMENT_MAX_CHARS = 60_000;

/**
 * How much untrusted text a result comment shows, in characters before escaping (which can
 * multiply it: `$` becomes `<span>$</span>`). The first set whose comment fits is used.
 */
interface TextLimits {
  version: number;
  rungReason: number;
  regressionReason: number;
  items: number;
  testName: number;
  testReason: number;
  lintId: number;
  lintDescription: number;
}
const LIMITS: readonly TextLimits[] = [
  {
    version: 128,
    rungReason: 300,
    regressionReason: 200,
    items: 10,
    testName: 120,
    testReason: 200,
    lintId: 64,
    lintDescription: 200,
  },
  {
    version: 64,
    rungReason: 120,
    regressionReason: 100,
    items: 10,
    testName: 60,
    testReason: 80,
    lintId: 32,
    lintDescription: 80,
  },
  {
    version: 32,
    rungReason: 60,
    regressionReason: 60,
    items: 5,
    testName: 40,
    testReason: 40,
    lintId: 24,
    lintDescription: 40,
  },
];

interface CommentLinks {
  /** The run's page on the dashboard. */
  runUrl?: string | null;
  /** The run's (redacted) log. */
  logUrl?: string | null;
  /** The card image (PNG). */
  cardUrl?: string | null;
  /** The level badge image of this run. */
  badgeUrl?: string | null;
}

export type CommentInput =
  | {
      kind: 'queued';
      recipe: string;
      sha?: string | null;
      /** Place in the queue, 1 = next. */
      position?: number | null;
      links?: CommentLinks;
    }
  | {
      kind: 'running';
      recipe: string;
      sha?: string | null;
      /** The rung being climbed now; `null` while preparing/deploying. */
      currentRung: RungName | null;
      /** Rungs already finished, in any order. */
      done?: Partial<Record<RungName, RungStatus>>;
      links?: CommentLinks;
    }
  | {
      kind: 'result';
      /** results.json of any readable schema version. */
      results: unknown;
      links?: CommentLinks;
      /**
       * The recipe's level on its default branch (the verdict's baseline). A run below it gets a
       * regression line naming the rung that stopped it. Default none (no such line).
       */
      baseline?: Level | null;
    }
  | {
      kind: 'refused';
      /** Why the request was refused, e.g. "not a member of coop-cloud". */
      reason: string;
    };

const md = (text: string, max = 300) => escapeMarkdown(clipText(text, max));

function link(label: string, url: string | null | undefined): string | null {
  const safe = safeUrl(url);
  return safe ? `[${label}](${safe})` : null;
}

function linksLine(links: CommentLinks | undefined, log = 'Log'): string | null {
  const parts = [link('Run page', links?.runUrl), link(log, links?.logUrl)].filter(
    (p) => p !== null,
  );
  return parts.length ? parts.join(' · ') : null;
}

function shaPart(sha: string | null | undefined): string {
  return sha && /^[0-9a-f]{7,64}$/.test(sha) ? ` at ${shortSha(sha)}` : '';
}

/** The PR comment body (markdown, GitHub and Gitea), edited in place as the run goes. */
export function renderComment(input: CommentInput): string {
  const lines: string[] = [COMMENT_MARKER];
  switch (input.kind) {
    case 'queued': {
      const where =
        input.position && input.position > 0 ? ` (position ${input.position} in the queue)` : '';
      lines.push(
        `⏳ **ccci** queued a run of **${md(input.recipe, 100)}**${shaPart(input.sha)}${where}.`,
      );
      const l = linksLine(input.links);
      if (l) lines.push('', l);
      break;
    }
    case 'running': {
      const current = input.currentRung;
      const step = current
        ? `climbing rung ${RUNG_NAMES.indexOf(current) + 1}/${RUNG_NAMES.length}: **${RUNG_LABELS[current]}**`
        : 'preparing and deploying';
      lines.push(
        `🏃 **ccci** is running **${md(input.recipe, 100)}**${shaPart(input.sha)} — ${step}.`,
      );
      const done = RUNG_NAMES.filter((n) => input.done?.[n] !== undefined).map(
        (n) => `${RUNG_LABELS[n]} ${STATUS_EMOJI[input.done![n]!]}`,
      );
      if (done.length) lines.push('', `So far: ${done.join(' · ')}`);
      const l = linksLine(input.links, 'Live log');
      if (l) lines.push('', l);
      break;
    }
    case 'refused':
      lines.push(`🚫 **ccci** is not starting a run: ${md(input.reason, 500)}`);
      break;
    case 'result': {
      const r = normalizeResults(input.results);
      // Escaping multiplies hostile text: shorter excerpts until the body fits (the last set
      // fits whatever the text: at most 14 characters per character shown).
      for (const [i, limits] of LIMITS.entries()) {
        const body = `${[...lines, ...resultLines(r, input.links, input.baseline ?? null, limits)].join('\n')}\n`;
        if (body.length <= COMMENT_MAX_CHARS || i === LIMITS.length - 1) return body;
      }
      break;
    }
  }
  return `${lines.join('\n')}\n`;
}

function resultLines(
  r: Results,
  links: CommentLinks | undefined,
  baseline: Level | null,
  limits: TextLimits,
): string[] {
  const out: string[] = [];
  const levelText = `level ${r.level}`;
  const badgeUrl = safeUrl(links?.badgeUrl);
  const runUrl = safeUrl(links?.runUrl);
  const badge = badgeUrl ? `![ccci ${levelText}](${badgeUrl})` : '';
  const badgeLinked = badge && runUrl ? `[${badge}](${runUrl})` : badge;
  const version = r.version ? ` ${md(r.version, limits.version)}` : '';
  out.push(
    `${badgeLinked ? `${badgeLinked} ` : ''}**${md(r.recipe, 100)}**${version}${shaPart(r.sha)}: ` +
      `**${levelText}** — ${LEVEL_MEANINGS[r.level]}`,
  );
  const regression = regressionLine(r, baseline, limits.regressionReason);
  if (regression) out.push('', regression);
  out.push('', '| | rung | status | reason | time |', '| --- | --- | --- | --- | --- |');
  for (const [i, name] of RUNG_NAMES.entries()) {
    const rung = r.rungs[name];
    const { passed, total } = testTally(rung.tests);
    const testsNote = total ? `${passed}/${total} tests passed` : '';
    const reason = [rung.reason ? md(rung.reason, limits.rungReason) : '', testsNote]
      .filter(Boolean)
      .join(' · ');
    out.push(
      `| ${i + 1} | ${RUNG_LABELS[name]} | ${STATUS_EMOJI[rung.status]} ${STATUS_TEXT[rung.status]} | ${reason} | ${formatDuration(rung.duration_ms)} |`,
    );
  }

  const problems = RUNG_NAMES.flatMap((name) =>
    r.rungs[name].tests
      .filter((t) => t.status === 'fail' || t.status === 'unver')
      .map(
        (t) =>
          `- ${STATUS_EMOJI[t.status]} ${RUNG_LABELS[name]} › ${md(t.name, limits.testName)}${t.reason ? `: ${md(t.reason, limits.testReason)}` : ''}`,
      ),
  );
  if (problems.length) {
    out.push('', '**Tests that did not pass**', '', ...problems.slice(0, limits.items));
    if (problems.length > limits.items)
      out.push(`- … and ${problems.length - limits.items} more (see the log)`);
  }
  const lintRules = r.lint.rules_failed;
  if (lintRules.length) {
    out.push('', '**Lint rules not satisfied**', '');
    for (const rule of lintRules.slice(0, limits.items)) {
      out.push(
        `- ${rule.severity === 'error' ? '❌' : '⚠️'} ${md(rule.id, limits.lintId)} (${rule.severity}): ${md(rule.description, limits.lintDescription)}`,
      );
    }
    if (lintRules.length > limits.items)
      out.push(`- … and ${lintRules.length - limits.items} more`);
  }

  const notes = flagNotes(r);
  if (notes.length) out.push('', notes.join('  \n'));

  const cardUrl = safeUrl(links?.cardUrl);
  if (cardUrl) {
    const img = `<img src="${escapeXml(cardUrl)}" width="600" alt="${escapeXml(`ccci card: ${clipText(r.recipe, 100)} ${levelText}`)}">`;
    out.push('', runUrl ? `<a href="${escapeXml(runUrl)}">${img}</a>` : img);
  }
  const footer = [
    link('Run page', links?.runUrl),
    link('Log', links?.logUrl),
    `run ${md(r.run_id, 128)}`,
    `took ${formatDuration(Date.parse(r.finished_at) - Date.parse(r.started_at))}`,
  ].filter((p) => p !== null);
  out.push('', footer.join(' · '));
  return out;
}

function regressionLine(r: Results, baseline: Level | null, max: number): string | null {
  const reg = regressionOf(r, baseline);
  if (!reg) return null;
  const head = `📉 **Regression:** level ${reg.level}, default branch ${reg.baseline}`;
  if (reg.rung === null || reg.status === null) return head;
  const verb = reg.status === 'fail' ? 'fails' : 'is unverified';
  const reason = reg.reason ? `: ${md(reg.reason, max)}` : '';
  return `${head} — **${RUNG_LABELS[reg.rung]}** ${verb}${reason}`;
}

function flagNotes(r: Results): string[] {
  const notes: string[] = [];
  const f = r.flags;
  if (f.no_secret_leak === false)
    notes.push("🚨 A known secret value was found in this run's output.");
  if (f.clean_teardown === false) notes.push('⚠️ Teardown left objects of this run on the swarm.');
  if (f.deploy_budget_ok === false) {
    const budget = r.deploys.budget === null ? '' : ` (budget ${r.deploys.budget})`;
    notes.push(`⚠️ Deploy count off: ${r.deploys.count} deploys${budget}.`);
  }
  if (f.quick) notes.push('⚡ Quick run: only some rungs were climbed.');
  if (f.flaky) notes.push('🔁 Flaky: a test passed only on a retry.');
  return notes;
}
