import { runBranch, runStatus } from '@ccci/store';
import type { DashboardContext } from './catalogue.js';
import { branchLabel, e, htmlReply, page, problemPage, type Reply, statusLabel } from './layout.js';
import { excerptLog, LOG_LIMITS, type LogLine } from './run-log.js';

interface Section {
  phase: string;
  lines: LogLine[];
}

const LEVEL_WORDS: Record<LogLine['level'], string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
  text: '',
};

const bad = (l: LogLine) => l.level === 'error' || l.level === 'fatal';

/** Consecutive lines of one phase; a step line of another phase starts the next section. */
function sections(lines: readonly LogLine[], first: string): Section[] {
  const out: Section[] = [];
  let current: Section | undefined;
  for (const line of lines) {
    if (!current || (line.phase !== null && line.phase !== current.phase)) {
      current = { phase: line.phase ?? current?.phase ?? first, lines: [] };
      out.push(current);
    }
    current.lines.push(line);
  }
  return out;
}

function lineHtml(l: LogLine): string {
  const time = l.at ? `<time datetime="${l.at}" title="${l.at}">${l.at.slice(11, 23)}</time> ` : '';
  const lv = LEVEL_WORDS[l.level] ? `<span class="lv">${LEVEL_WORDS[l.level]}</span> ` : '';
  const text = l.step !== null ? `▸ ${e(l.phase)}: ${e(l.step)}` : e(l.msg);
  const fields = l.fields && l.step === null ? ` <span class="f">${e(l.fields)}</span>` : '';
  return `<li id="L${l.n}" class="l-${l.level}${l.step !== null ? ' step' : ''}"><a class="ln" href="#L${l.n}">${l.n}</a> ${time}${lv}${text}${fields}</li>`;
}

function sectionHtml(s: Section, open: boolean): string {
  const warnings = s.lines.filter((l) => l.level === 'warn').length;
  const errors = s.lines.filter(bad).length;
  const times = s.lines.flatMap((l) => (l.at ? [l.at.slice(11, 19)] : []));
  const span = times.length ? ` · ${times[0]}–${times.at(-1)}` : '';
  const counts = `${s.lines.length} lines${warnings ? ` · ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}${errors ? ` · <span class="warn">${errors} error${errors > 1 ? 's' : ''}</span>` : ''}${span}`;
  return `<details class="phase"${open ? ' open' : ''}><summary><h2>${e(s.phase)}</h2> <span class="muted">${counts}</span></summary>
<ol class="log">${s.lines.map(lineHtml).join('')}</ol></details>`;
}

/**
 * `/runs/<id>/log`: the run.log artifact for a person — timestamps, levels, one section per
 * phase (open when it holds a warning or an error, and the last), line anchors. `?format=ndjson`
 * answers the artifact as it is. A long log shows its first and last lines and says how many
 * are left out, with a link to the whole.
 */
export function renderRunLog(dash: DashboardContext, id: string, params: URLSearchParams): Reply {
  const run = dash.store.getRun(id);
  if (!run) return problemPage(404, 'No such run', `ccci has no run ${id}.`);
  const trail = [
    [run.recipe, `/recipes/${run.recipe}`],
    [run.id, `/runs/${run.id}`],
  ] as const;
  const format = params.get('format') ?? 'html';
  if (format !== 'html' && format !== 'ndjson')
    return problemPage(
      400,
      'Bad format',
      `format: expected html or ndjson, found ${JSON.stringify(format.slice(0, 40))}.`,
      { trail },
    );
  const bytes = dash.store.getArtifact(id, 'run.log');
  if (!bytes) {
    return problemPage(
      404,
      `Log of ${run.id}`,
      `This run has no run.log (yet): the harness sends it with its report. The run page shows progress while it runs.`,
      { trail },
    );
  }
  if (format === 'ndjson') {
    return {
      status: 200,
      type: 'application/x-ndjson; charset=utf-8',
      body: bytes,
      headers: { 'content-disposition': `inline; filename="${run.id}-run.log"` },
    };
  }
  const log = excerptLog(bytes);
  const raw = `/runs/${e(run.id)}/log?format=ndjson`;
  // Without a gap the tail goes on where the head stopped; after one, its phase is unknown
  // until its next step line.
  const headSections = sections(log.omitted ? log.head : [...log.head, ...log.tail], 'start');
  const tailSections = log.omitted
    ? sections(log.tail, `${headSections.at(-1)?.phase ?? 'start'} (continued)`)
    : [];
  const all = [...headSections, ...tailSections];
  const last = all.at(-1);
  const shown = [...log.head, ...log.tail];
  const firstError = shown.find(bad);
  const firstWarn = shown.find((l) => l.level === 'warn');
  const stamps = shown.flatMap((l) => (l.at ? [l.at] : []));
  const render = (list: Section[]) =>
    list
      .map((s) =>
        sectionHtml(
          s,
          all.length === 1 || s === last || s.lines.some((l) => bad(l) || l.level === 'warn'),
        ),
      )
      .join('\n');
  const omitted = log.omitted
    ? `<p class="notice" id="omitted">${log.omitted} lines omitted (lines ${log.head.length + 1}–${log.head.length + log.omitted}); the page shows the first ${log.head.length} and the last ${log.tail.length}. <a href="${raw}">The whole log</a> (NDJSON, ${bytes.length} bytes).</p>`
    : '';
  const body = `<p><a href="/recipes/${e(run.recipe)}">${e(run.recipe)}</a> · ${e(branchLabel(runBranch(run), run.pr))} · <code>${e(run.headSha.slice(0, 10))}</code> · ${e(statusLabel(runStatus(run)))}${run.level !== null ? ` · level ${run.level}` : ''}</p>
<p>${log.total} lines${stamps.length ? `, ${e(stamps[0]?.replace('T', ' '))} to ${e(stamps.at(-1)?.replace('T', ' '))}` : ''}${firstError ? ` · <a href="#L${firstError.n}">first error (line ${firstError.n})</a>` : ''}${firstWarn ? ` · <a href="#L${firstWarn.n}">first warning (line ${firstWarn.n})</a>` : ''} · <a href="${raw}">raw NDJSON</a></p>
${render(headSections)}
${omitted}
${render(tailSections)}
<p class="muted">Lines longer than ${LOG_LIMITS.lineChars} characters are cut. Secrets were masked by the harness before the log left it.</p>`;
  return htmlReply(200, page(`Log of ${run.id}`, body, { trail }));
}
