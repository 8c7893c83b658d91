import type { RunPoint } from '@ccci/store';
import { e } from './layout.js';

const W = 720;
const H = 250;
const LEFT = 70;
const RIGHT = 20;
const TOP = 40;
const BOTTOM = 40;
/** Rows from the top: levels 5…0, then runs that ended without a level. */
const ROWS = ['5', '4', '3', '2', '1', '0', 'none'] as const;
const ROW_H = (H - TOP - BOTTOM) / (ROWS.length - 1);
const DEFAULT_COLOR = '#0b57a4';
const PR_COLOR = '#a34a00';

const rowY = (level: number | null) =>
  TOP + ROWS.indexOf(level === null ? 'none' : (String(level) as '0')) * ROW_H;

function marker(p: RunPoint, x: number, y: number): string {
  return p.branch === 'default'
    ? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="6" fill="${DEFAULT_COLOR}" stroke="#fff" stroke-width="1.5"/>`
    : `<path d="M${x.toFixed(1)} ${(y - 7).toFixed(1)}l7 7l-7 7l-7 -7z" fill="#fff" stroke="${PR_COLOR}" stroke-width="2.5"/>`;
}

function describe(p: RunPoint): string {
  const level = p.level === null ? `no level (${p.status})` : `level ${p.level}`;
  const of = p.branch === 'default' ? 'default branch' : `PR #${p.pr}`;
  return `${of}, ${level}, ${p.finishedAt.slice(0, 16).replace('T', ' ')}Z, run ${p.id}`;
}

/**
 * The level of each finished run over time as inline SVG: default-branch runs are filled blue
 * circles joined by a line, PR runs hollow orange diamonds, runs without a level sit on the
 * bottom row. Each point links to its run. Server-rendered; a legend, a title and a text
 * description say the same for readers who cannot see it.
 */
export function trendChart(recipe: string, points: readonly RunPoint[]): string {
  const id = `trend-${recipe}`;
  const times = points.map((p) => Date.parse(p.finishedAt));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (t: number) =>
    t1 === t0 ? LEFT + (W - LEFT - RIGHT) / 2 : LEFT + ((t - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
  const grid = ROWS.map((row, i) => {
    const y = TOP + i * ROW_H;
    return `<line x1="${LEFT - 8}" x2="${W - RIGHT}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${LEFT - 14}" y="${y + 4}" text-anchor="end">${row === 'none' ? 'no level' : `level ${row}`}</text>`;
  }).join('');
  const defaults = points.flatMap((p, i) =>
    p.branch === 'default' && p.level !== null
      ? [`${x(times[i] as number).toFixed(1)},${rowY(p.level).toFixed(1)}`]
      : [],
  );
  const line =
    defaults.length > 1
      ? `<polyline points="${defaults.join(' ')}" fill="none" stroke="${DEFAULT_COLOR}" stroke-width="2" opacity=".6"/>`
      : '';
  const marks = points
    .map((p, i) => {
      const label = describe(p);
      return `<a href="/runs/${e(p.id)}" aria-label="${e(label)}"><title>${e(label)}</title>${marker(p, x(times[i] as number), rowY(p.level))}</a>`;
    })
    .join('');
  const dates = points.length
    ? [t0, t1]
        .filter((t, i) => i === 0 || t !== t0)
        .map(
          (t, i) =>
            `<text x="${x(t).toFixed(1)}" y="${H - 12}" text-anchor="${i === 0 && t1 !== t0 ? 'start' : 'end'}">${new Date(t).toISOString().slice(0, 10)}</text>`,
        )
        .join('')
    : '';
  const legend = `<g transform="translate(${LEFT},14)"><circle cx="6" cy="0" r="6" fill="${DEFAULT_COLOR}"/><text x="18" y="4">default branch</text><path d="M146 -7l7 7l-7 7l-7 -7z" fill="#fff" stroke="${PR_COLOR}" stroke-width="2.5"/><text x="160" y="4">pull request</text></g>`;
  const nDefault = points.filter((p) => p.branch === 'default').length;
  const lastDefault = points.findLast((p) => p.branch === 'default' && p.level !== null);
  const desc = points.length
    ? `${points.length} finished runs from ${new Date(t0).toISOString().slice(0, 10)} to ${new Date(t1).toISOString().slice(0, 10)}: ${nDefault} on the default branch, ${points.length - nDefault} of pull requests.${lastDefault ? ` Latest default-branch level: ${lastDefault.level}.` : ''} The runs table below lists the same runs.`
    : 'No finished runs yet.';
  return `<figure><svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" aria-labelledby="${e(id)}-t ${e(id)}-d" font-family="system-ui,sans-serif" font-size="12" fill="#1b1b1b">
<title id="${e(id)}-t">Level trend of ${e(recipe)}</title><desc id="${e(id)}-d">${e(desc)}</desc>
${legend}${grid}${line}<g class="points">${marks}</g>${dates}
</svg><figcaption>Level of each finished run over time (newest ${points.length}); a point links to its run. Blue circles: default branch. Orange diamonds: pull requests.</figcaption></figure>`;
}
