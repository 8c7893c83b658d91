import { RUNG_NAMES } from '@ccci/contracts';
import { RUNG_LABELS } from '@ccci/results';
import type { Store } from '@ccci/store';
import { renderLiveSection } from './live-view.js';
import { e, page } from './pages/layout.js';

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
  const stored = store.listArtifacts(id);
  const has = (name: string) => stored.some((a) => a.name === name);
  const artifacts = stored.map(
    (a) =>
      `<li><a href="/runs/${e(id)}/artifacts/${e(a.name)}">${e(a.name)}</a> (${a.size} bytes)</li>`,
  );
  const card = has('card.svg')
    ? `<p><img alt="card" src="/runs/${e(id)}/artifacts/card.svg" width="600"></p>`
    : '';
  return page(
    `${run.recipe} · ${run.id}`,
    `<p><a href="/recipes/${e(run.recipe)}">${e(run.recipe)}</a> · ${run.pr === null ? 'default branch' : `PR #${e(run.pr)}`} · <code>${e(run.headSha)}</code></p>
<p>State: <strong>${e(run.state)}</strong>${run.level !== null ? ` · level <strong>${run.level}</strong>` : ''}${run.commitState ? ` · status ${e(run.commitState)}` : ''}</p>
${run.error ? `<p>${e(run.error)}</p>` : ''}${card}${rungs}${renderLiveSection(store, run)}
<h2>Artifacts</h2>${has('run.log') ? `<p><a href="/runs/${e(id)}/log">Read the log</a> (by phase, with times and levels)</p>` : ''}<ul>${artifacts.join('') || '<li>none</li>'}</ul>`,
  );
}
