import { escapeXml, RUNG_LABELS, RUNG_NAMES } from '@ccci/results';
import type { RunRecord, Store } from '@ccci/store';
import { renderLiveSection } from './live-view.js';

const e = (s: unknown) => escapeXml(String(s ?? ''));
const BARS = '▁▂▃▄▅▆';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${e(title)} · ccci</title>
<style>body{font:15px/1.4 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd}
code{font-size:90%}.trend{font-size:1.3rem;letter-spacing:.1rem}</style></head>
<body><p><a href="/">ccci</a></p><h1>${e(title)}</h1>
${body}
</body></html>`;
}

function levelCell(run: RunRecord): string {
  if (run.level !== null) return `level ${run.level}`;
  return e(run.state === 'done' ? 'error' : run.state);
}

function when(run: RunRecord): string {
  return e((run.finishedAt ?? run.createdAt).replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
}

/** `/`: the latest finished run per recipe. */
export function renderHome(store: Store): string {
  const rows = store
    .latestPerRecipe()
    .map(
      ({ recipe, run }) =>
        `<tr><td><a href="/recipes/${e(recipe)}">${e(recipe)}</a></td><td><img alt="badge" src="/badge/${e(recipe)}.svg"></td><td><a href="/runs/${e(run.id)}">${levelCell(run)}</a></td><td>${run.pr === null ? 'default branch' : `PR #${run.pr}`}</td><td><code>${e(run.headSha.slice(0, 10))}</code></td><td>${when(run)}</td></tr>`,
    );
  const active = store
    .activeRuns()
    .map(
      (r) => `<li><a href="/runs/${e(r.id)}">${e(r.recipe)} PR #${e(r.pr)}</a>: ${e(r.state)}</li>`,
    );
  return page(
    'Recipes',
    `<table><tr><th>recipe</th><th>badge</th><th>latest run</th><th>of</th><th>commit</th><th>finished</th></tr>${rows.join('') || '<tr><td colspan="6">no finished runs yet</td></tr>'}</table>
<h2>Active runs</h2><ul>${active.join('') || '<li>none</li>'}</ul>
<p><a href="/api/results">/api/results</a> (JSON)</p>`,
  );
}

/** `/recipes/<recipe>`: history with a level trend (oldest → newest). */
export function renderRecipe(store: Store, recipe: string): string | null {
  const runs = store.runsOfRecipe(recipe, 50);
  if (runs.length === 0) return null;
  const trend = runs
    .filter((r) => r.state === 'done')
    .reverse()
    .map((r) => (r.level === null ? '·' : (BARS[r.level] ?? '?')))
    .join('');
  const rows = runs.map(
    (r) =>
      `<tr><td><a href="/runs/${e(r.id)}">${e(r.id)}</a></td><td>${levelCell(r)}</td><td>${r.pr === null ? 'default branch' : `PR #${r.pr}`}</td><td><code>${e(r.headSha.slice(0, 10))}</code></td><td>${e(r.requestedBy ?? '')}</td><td>${when(r)}</td></tr>`,
  );
  return page(
    recipe,
    `<p>Level trend (oldest → newest): <span class="trend" title="levels 0–5">${e(trend) || '–'}</span></p>
<table><tr><th>run</th><th>level</th><th>of</th><th>commit</th><th>by</th><th>when</th></tr>${rows.join('')}</table>`,
  );
}

/** `/runs/<id>`: state, rungs and artifacts of one run. */
export function renderRun(store: Store, id: string): string | null {
  const run = store.getRun(id);
  if (!run) return null;
  const results = run.resultsJson
    ? (JSON.parse(run.resultsJson) as {
        rungs?: Record<string, { status: string; reason: string | null }>;
      })
    : null;
  const rungs = results?.rungs
    ? `<table><tr><th>rung</th><th>status</th><th>reason</th></tr>${RUNG_NAMES.map((n) => {
        const r = results.rungs?.[n];
        return `<tr><td>${e(RUNG_LABELS[n])}</td><td>${e(r?.status ?? '')}</td><td>${e(r?.reason ?? '')}</td></tr>`;
      }).join('')}</table>`
    : '';
  const artifacts = store
    .listArtifacts(id)
    .map(
      (a) =>
        `<li><a href="/runs/${e(id)}/artifacts/${e(a.name)}">${e(a.name)}</a> (${a.size} bytes)</li>`,
    );
  const card = artifacts.some((a) => a.includes('card.svg'))
    ? `<p><img alt="card" src="/runs/${e(id)}/artifacts/card.svg" width="600"></p>`
    : '';
  return page(
    `${run.recipe} · ${run.id}`,
    `<p><a href="/recipes/${e(run.recipe)}">${e(run.recipe)}</a> · ${run.pr === null ? 'default branch' : `PR #${e(run.pr)}`} · <code>${e(run.headSha)}</code></p>
<p>State: <strong>${e(run.state)}</strong>${run.level !== null ? ` · level <strong>${run.level}</strong>` : ''}${run.commitState ? ` · status ${e(run.commitState)}` : ''}</p>
${run.error ? `<p>${e(run.error)}</p>` : ''}${card}${rungs}${renderLiveSection(store, run)}
<h2>Artifacts</h2><ul>${artifacts.join('') || '<li>none</li>'}</ul>`,
  );
}
