import { RUNG_NAMES } from '@ccci/contracts';
import { escapeXml, type LiveEvent, liveState, RUNG_LABELS } from '@ccci/results';
import { ACTIVE_RUN_STATES, type RunRecord, type Store } from '@ccci/store';
import { toLiveEvents } from './live.js';

const e = (s: unknown) => escapeXml(String(s ?? ''));

/** Log lines the run page shows on load (the live view appends the rest). */
const LIVE_LINES_SHOWN = 300;

function time(at: string): string {
  return at.slice(11, 19);
}

/** One line of the live log, as the page renders it and as live.js builds it. */
function lineHtml(ev: LiveEvent): string {
  const text =
    ev.kind === 'log'
      ? ev.text
      : ev.kind === 'step'
        ? `▸ ${ev.phase}: ${ev.step}`
        : `${RUNG_LABELS[ev.rung]}: ${ev.status}${ev.reason ? ` — ${ev.reason}` : ''}`;
  const cls = ev.kind === 'log' ? `lvl-${ev.level}` : `ev-${ev.kind}`;
  return `<li class="${cls}"><time datetime="${e(ev.at)}">${e(time(ev.at))}</time> ${e(text)}</li>`;
}

/**
 * The run page's progress section: where the run is, each rung's state, the latest log lines.
 * Server-rendered (a reader without script reloads every 10 s); `/static/live.js` appends what
 * `/runs/<id>/events` streams.
 */
export function renderLiveSection(store: Store, run: RunRecord): string {
  const active = ACTIVE_RUN_STATES.includes(run.state);
  const shown = toLiveEvents(
    store.lastRunEvents(run.id, ['step', 'rung', 'log'], LIVE_LINES_SHOWN),
  );
  if (!active && shown.length === 0) return '';
  const state = liveState(toLiveEvents(store.lastRunEvents(run.id, ['step', 'rung'], 500)));
  const last = shown.at(-1)?.seq ?? 0;
  const now =
    run.state === 'queued' || run.state === 'dispatching' || run.state === 'dispatched'
      ? 'waiting for a runner'
      : state.phase
        ? `${state.phase}: ${state.step ?? ''}`
        : 'starting';
  const rungs = RUNG_NAMES.map((r) => {
    const status = state.done[r] ?? (state.currentRung === r ? 'running' : 'waiting');
    return `<li data-rung="${r}" class="st-${status}">${e(RUNG_LABELS[r])}: <span>${e(status)}</span></li>`;
  }).join('');
  return `<section id="live" data-run="${e(run.id)}" data-after="${last}" data-active="${active}">
<h2>Progress</h2>
${active ? `<p>Now: <strong id="live-now">${e(now)}</strong></p>` : ''}
<ol class="rungs" id="live-rungs">${rungs}</ol>
<h3>Log${active ? ' (as it happens)' : ''}</h3>
<ol class="log" id="live-log">${shown.map(lineHtml).join('')}</ol>
${active ? '<noscript><p>Without script this page shows the run as it was when loaded: reload it to follow.</p></noscript><script src="/static/live.js" defer></script>' : ''}
</section>`;
}

/**
 * The live view's script: follows `/runs/<id>/events` (Server-Sent Events) and updates the
 * progress section in place; text goes in with textContent only. Reloads once when the run ends
 * (to show its results).
 */
export const LIVE_JS = `(() => {
  const sec = document.getElementById('live');
  if (!sec || sec.dataset.active !== 'true' || !window.EventSource) return;
  const log = document.getElementById('live-log');
  const now = document.getElementById('live-now');
  const labels = ${JSON.stringify(RUNG_LABELS)};
  const setRung = (r, status) => {
    const li = document.querySelector('#live-rungs li[data-rung="' + r + '"]');
    if (!li) return;
    li.className = 'st-' + status;
    li.querySelector('span').textContent = status;
  };
  let current = null;
  const es = new EventSource('/runs/' + encodeURIComponent(sec.dataset.run) + '/events?after=' + Number(sec.dataset.after || 0));
  es.onmessage = (m) => {
    let ev;
    try { ev = JSON.parse(m.data); } catch { return; }
    let text;
    if (ev.kind === 'log') text = ev.text;
    else if (ev.kind === 'step') {
      text = '▸ ' + ev.phase + ': ' + ev.step;
      if (now) now.textContent = ev.phase + ': ' + ev.step;
      if (current && current !== ev.phase) {
        const li = document.querySelector('#live-rungs li[data-rung="' + current + '"]');
        if (li && li.className === 'st-running') setRung(current, 'waiting');
      }
      current = ev.phase;
      if (labels[ev.phase]) setRung(ev.phase, 'running');
    } else if (ev.kind === 'rung') {
      text = (labels[ev.rung] || ev.rung) + ': ' + ev.status + (ev.reason ? ' — ' + ev.reason : '');
      setRung(ev.rung, ev.status);
    } else return;
    const li = document.createElement('li');
    li.className = ev.kind === 'log' ? 'lvl-' + ev.level : 'ev-' + ev.kind;
    const t = document.createElement('time');
    t.dateTime = ev.at;
    t.textContent = String(ev.at).slice(11, 19);
    li.append(t, ' ' + text);
    log.append(li);
    sec.dataset.after = String(ev.seq);
  };
  es.addEventListener('end', () => { es.close(); location.reload(); });
})();
`;
