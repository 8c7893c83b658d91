import { RUN_STATUSES, type RunListQuery, type RunRecord, runBranch, runStatus } from '@ccci/store';
import { type DashboardContext, recipeSummary, stoppingRung } from './catalogue.js';
import {
  branchLabel,
  e,
  htmlReply,
  levelPill,
  page,
  problemPage,
  type Reply,
  statusLabel,
  when,
} from './layout.js';
import { DEFAULT_PAGE_SIZE, parseRunQuery, runQueryString } from './run-query.js';
import { trendChart } from './trend-chart.js';

/** Finished runs the recipe page's chart plots (each a link: two clicks from home). */
const CHART_RUNS = 200;

function stoppedCell(run: RunRecord): string {
  const stop = stoppingRung(run);
  if (stop === 'unreadable') return '<span class="warn">results unreadable</span>';
  if (stop === null) return run.error ? `<span class="muted">${e(run.error)}</span>` : '';
  const verb = stop.status === 'fail' ? 'failed' : 'unverified';
  return `<strong>${e(stop.label)}</strong> ${verb}${stop.reason ? `: ${e(stop.reason)}` : ''}`;
}

function row(dash: DashboardContext, run: RunRecord): string {
  const branch = runBranch(run);
  const logged = dash.store.listArtifacts(run.id).some((a) => a.name === 'run.log');
  const ref = branch === 'pr' ? ` <code>${e(run.headRef)}</code>` : '';
  return `<tr><td><a href="/runs/${e(run.id)}">${e(run.id)}</a></td><td>${when(run.finishedAt ?? run.createdAt)}</td><td>${e(branchLabel(branch, run.pr))}${ref}</td><td><code>${e(run.headSha.slice(0, 10))}</code></td><td>${e(statusLabel(runStatus(run)))}</td><td>${levelPill(run.level)}</td><td>${stoppedCell(run)}</td><td>${logged ? `<a href="/runs/${e(run.id)}/log">log</a>` : ''}</td></tr>`;
}

function option(value: string, label: string, selected: boolean): string {
  return `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`;
}

function field(name: string, label: string, control: string): string {
  return `<div><label for="f-${name}">${label}</label>${control}</div>`;
}

function filterForm(recipe: string, q: RunListQuery): string {
  const status = q.statuses?.length === 1 ? q.statuses[0] : '';
  return `<form class="filters" method="get" action="/recipes/${e(recipe)}" aria-label="filter runs">
${field('branch', 'Branch', `<select id="f-branch" name="branch">${option('', 'any', !q.branch)}${option('default', 'default branch', q.branch === 'default')}${option('pr', 'pull requests', q.branch === 'pr')}</select>`)}
${field('pr', 'PR number', `<input id="f-pr" name="pr" inputmode="numeric" pattern="[0-9]*" size="6" value="${e(q.pr ?? '')}">`)}
${field('status', 'Status', `<select id="f-status" name="status">${option('', 'any', !status)}${RUN_STATUSES.map((s) => option(s, statusLabel(s), s === status)).join('')}</select>`)}
${field('limit', 'Per page', `<select id="f-limit" name="limit">${[50, 100, 200].map((n) => option(String(n), String(n), q.limit === n)).join('')}</select>`)}
<button type="submit">Show runs</button> <a href="/recipes/${e(recipe)}">clear filters</a>
</form>`;
}

/**
 * `/recipes/<recipe>`: default-branch level and regressions, an SVG level trend, the runs
 * (filters and pages through the same query as `/api/runs`), each with where it stopped.
 */
export function renderRecipe(
  dash: DashboardContext,
  recipe: string,
  params: URLSearchParams,
): Reply {
  const trail = [[recipe, `/recipes/${recipe}`]] as const;
  const summary = recipeSummary(dash, recipe);
  if (!summary) return problemPage(404, 'No such recipe', `ccci knows no recipe named ${recipe}.`);
  const parsed = parseRunQuery(params, {
    accept: ['branch', 'pr', 'status', 'before', 'limit'],
    strict: false,
  });
  if (!parsed.ok) {
    const { parameter, expected, found } = parsed.problem;
    return problemPage(
      400,
      `${recipe}: bad filter`,
      `${parameter}: expected ${expected}, found ${found}.`,
      { trail },
    );
  }
  const query = { ...parsed.query, recipe };
  const list = dash.store.listRuns(query);
  const history = dash.store.levelHistory(recipe, CHART_RUNS);
  const d = summary.defaultBranch;
  const head = `<p>${summary.repo ? `Repository <code>${e(summary.repo)}</code>` : '<span class="tag">not enrolled</span>'} · <img alt="badge: level ${d?.level ?? 'unknown'}" src="/badge/${e(recipe)}.svg" height="20"> · default-branch level ${levelPill(d?.level ?? null)} ${d ? `measured ${when(d.finishedAt)} (<a href="/runs/${e(d.id)}">run</a>)` : 'not measured yet'}${summary.outdated ? ` <span class="warn">outdated (over ${dash.outdatedDays} days)</span>` : ''}</p>
${summary.regressions
  .map((r) =>
    r.kind === 'default-branch'
      ? `<p class="notice">Regression: the default branch fell from level ${r.previousLevel} (<a href="/runs/${e(r.previousRunId)}">run</a>) to level ${r.level} (<a href="/runs/${e(r.runId)}">run</a>).</p>`
      : `<p class="notice">Regression: <a href="/runs/${e(r.runId)}">PR #${r.pr}</a> reached level ${r.level}, below the default branch's ${r.defaultBranchLevel}.</p>`,
  )
  .join('')}`;
  const chart = history.length ? trendChart(recipe, history) : '<p>No finished runs yet.</p>';
  const filtered = query.branch || query.pr || query.statuses?.length;
  const pager = [
    query.before
      ? `<a href="/recipes/${e(recipe)}${e(runQueryString(query, null, ['recipe']))}">← newest runs</a>`
      : '',
    list.next
      ? `<a href="/recipes/${e(recipe)}${e(runQueryString(query, list.next, ['recipe']))}" rel="next">older runs →</a>`
      : '',
  ].join('');
  const body = `${head}
<h2>Level trend</h2>${chart}
<h2 id="runs">Runs</h2>${filterForm(recipe, query)}
<table><thead><tr><th scope="col">run</th><th scope="col">when</th><th scope="col">of</th><th scope="col">commit</th><th scope="col">status</th><th scope="col">level</th><th scope="col">stopped at</th><th scope="col">log</th></tr></thead>
<tbody>${list.runs.map((r) => row(dash, r)).join('') || `<tr><td colspan="8">${filtered ? 'no runs match these filters' : 'no runs yet'}</td></tr>`}</tbody></table>
${pager ? `<nav class="pager" aria-label="pages">${pager}</nav>` : ''}
<p class="muted">${query.limit === DEFAULT_PAGE_SIZE ? '' : `${query.limit} per page · `}As JSON: <a href="/api/runs${e(runQueryString(query, query.before ?? null))}">/api/runs</a></p>`;
  return htmlReply(200, page(recipe, body, { trail }));
}
