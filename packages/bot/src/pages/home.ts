import { runBranch, runStatus } from '@ccci/store';
import { type DashboardContext, type RecipeRegression, recipeSummaries } from './catalogue.js';
import { branchLabel, e, levelPill, page, statusLabel, when } from './layout.js';

function regressionText(r: RecipeRegression): string {
  return r.kind === 'default-branch'
    ? `default branch fell from level ${r.previousLevel} to <a href="/runs/${e(r.runId)}">level ${r.level}</a>`
    : `<a href="/runs/${e(r.runId)}">PR #${r.pr} at level ${r.level}</a>, below the default branch's ${r.defaultBranchLevel}`;
}

/**
 * `/`: the catalogue. Every enrolled recipe (and any other with runs) with its default-branch
 * level and badge, when that level was measured (outdated after `outdatedDays`), its latest
 * run; regressions first. Active runs below, default branch and PRs told apart.
 */
export function renderHome(dash: DashboardContext): string {
  const summaries = recipeSummaries(dash, 1);
  const rows = summaries.map((s) => {
    const name = `<a href="/recipes/${e(s.recipe)}">${e(s.recipe)}</a>${s.repo === null ? ' <span class="tag">not enrolled</span>' : ''}`;
    const measured = s.defaultBranch
      ? `${when(s.defaultBranch.finishedAt)}${s.outdated ? ' <span class="warn">outdated</span>' : ''}`
      : `<span class="warn">${s.lastRun ? 'no default-branch run' : 'never tested'}</span>`;
    const last = s.lastRun
      ? `<a href="/runs/${e(s.lastRun.id)}">${levelPill(s.lastRun.level)} ${e(statusLabel(s.lastRun.status))}</a> · ${e(branchLabel(s.lastRun.branch, s.lastRun.pr))} · ${when(s.lastRun.finishedAt)}`
      : 'none';
    const regressed = s.regressions.length
      ? `<span class="warn">regression:</span> ${s.regressions.map(regressionText).join('; ')}`
      : '';
    return `<tr><th scope="row">${name}</th><td><img alt="badge: level ${s.defaultBranch?.level ?? 'unknown'}" src="/badge/${e(s.recipe)}.svg" height="20"></td><td>${levelPill(s.defaultBranch?.level ?? null)}</td><td>${measured}</td><td>${last}</td><td>${regressed}</td></tr>`;
  });
  const regressed = summaries.filter((s) => s.regressions.length > 0).length;
  const outdated = summaries.filter((s) => s.outdated).length;
  const active = dash.store.activeRuns().map((r) => {
    const kind =
      runBranch(r) === 'default'
        ? `default branch <code>${e(r.baseRef || r.headRef)}</code>`
        : `pull request #${e(r.pr)} <code>${e(r.headRef)}</code> → <code>${e(r.baseRef)}</code>`;
    return `<tr><td><a href="/runs/${e(r.id)}">${e(r.id)}</a></td><td><a href="/recipes/${e(r.recipe)}">${e(r.recipe)}</a></td><td>${kind}</td><td>${e(statusLabel(runStatus(r)))}</td><td>${when(r.createdAt)}</td></tr>`;
  });
  return page(
    'Recipes',
    `<p>${summaries.length} recipes · <span class="${regressed ? 'warn' : 'ok'}">${regressed} with a regression</span> · ${outdated} outdated (no default-branch level in the last ${dash.outdatedDays} days)</p>
<table><caption class="muted">Regressions first, then by name. The level is the default branch's (what the badge shows).</caption>
<thead><tr><th scope="col">recipe</th><th scope="col">badge</th><th scope="col">level</th><th scope="col">default branch measured</th><th scope="col">latest run</th><th scope="col">regression</th></tr></thead>
<tbody>${rows.join('') || '<tr><td colspan="6">no recipes enrolled and no runs yet</td></tr>'}</tbody></table>
<h2 id="active">Active runs</h2>
<table><thead><tr><th scope="col">run</th><th scope="col">recipe</th><th scope="col">tests</th><th scope="col">status</th><th scope="col">since</th></tr></thead>
<tbody>${active.join('') || '<tr><td colspan="5">none</td></tr>'}</tbody></table>`,
  );
}
