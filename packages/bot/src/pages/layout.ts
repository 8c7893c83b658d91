import { escapeXml, LEVEL_COLORS, type Level, UNKNOWN_COLOR } from '@ccci/results';
import type { RunBranch, RunStatus } from '@ccci/store';

// What escapeXml would change: markup characters, controls XML forbids, surrogates.
const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Escapes anything for HTML text and attribute values (null/undefined → empty). */
export function e(value: unknown): string {
  const text = String(value ?? '');
  // Most text on these pages has nothing to escape: one scan instead of escapeXml's seven.
  return NEEDS_ESCAPE.test(text) ? escapeXml(text) : text;
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:68rem;margin:1.5rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}
a{color:#0b57a4}a:focus-visible{outline:2px solid #0b57a4;outline-offset:2px}
nav{display:flex;gap:1rem;align-items:baseline;border-bottom:1px solid #ccc;padding-bottom:.4rem}
h1{font-size:1.5rem;margin:.8rem 0}h2{font-size:1.2rem;margin:1.4rem 0 .5rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f3f4f6}tbody th{background:none}code{font-size:90%}td time,td code{white-space:nowrap}.muted{color:#555}
.pill{display:inline-block;min-width:1.4rem;padding:0 .35rem;border-radius:.3rem;text-align:center;font-weight:600}
.tag{display:inline-block;padding:0 .3rem;border:1px solid #888;border-radius:.25rem;font-size:85%}
.warn{color:#8a1c12;font-weight:600}.ok{color:#1d6b2f}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:end;margin:.6rem 0}
form.filters div{display:flex;flex-direction:column;font-size:90%}
.pager{display:flex;gap:1.5rem;margin:.8rem 0}
figure{margin:.5rem 0}figcaption{font-size:90%;color:#555}
.chart{width:100%;height:auto;max-width:52rem}
.log{list-style:none;padding:0;margin:0;font:13px/1.45 ui-monospace,monospace}
.log li{white-space:pre-wrap;word-break:break-word;padding:0 .3rem}
.log .ln{color:#555;text-decoration:none;display:inline-block;min-width:3.5rem;text-align:right}
.log .lv{display:inline-block;min-width:3rem;font-weight:600}
.log .f{color:#444}.log .step{font-weight:700;background:#eef3fb;margin-top:.3rem}
.log .l-warn{background:#fff6d6}.log .l-error,.log .l-fatal{background:#fde7e5}
details.phase{border:1px solid #ddd;border-radius:.3rem;margin:.4rem 0}
details.phase>summary{cursor:pointer;padding:.3rem .5rem;background:#f3f4f6}
details.phase>summary h2{display:inline;font-size:1.05rem;margin:0}
.notice{border-left:4px solid #9a6700;background:#fff6d6;padding:.4rem .7rem}
.rungs{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0}
.rungs li{border:1px solid #bbb;border-radius:.3rem;padding:.1rem .5rem}
.rungs .st-pass{background:#e3f4e6}.rungs .st-fail{background:#fde7e5}.rungs .st-running{background:#eef3fb;font-weight:600}
.rungs .st-skip,.rungs .st-unver{background:#f3f4f6}
.log .lvl-warn{background:#fff6d6}.log .lvl-error{background:#fde7e5}.log .ev-step,.log .ev-rung{font-weight:700}
.log time{color:#555;margin-right:.4rem}`;

export interface PageOptions {
  /** Extra markup for `<head>` (already escaped). Default none. */
  head?: string;
  /** Breadcrumb links after "Recipes": `[label, href]`. Default none. */
  trail?: readonly (readonly [string, string])[];
}

/** The one layout of every dashboard page: no script needed, one stylesheet. */
export function page(title: string, body: string, options: PageOptions = {}): string {
  const trail = (options.trail ?? []).map(
    ([label, href]) => ` › <a href="${e(href)}">${e(label)}</a>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · ccci</title>${options.head ?? ''}
<style>${STYLE}</style></head>
<body><nav aria-label="site"><a href="/"><strong>ccci</strong></a><span><a href="/">Recipes</a>${trail.join('')}</span><span class="muted">API: <a href="/api/recipes">recipes</a> · <a href="/api/runs">runs</a></span></nav>
<main><h1>${e(title)}</h1>
${body}
</main></body></html>`;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Of white and near-black, the text colour with more contrast on `fill` (WCAG AA for body text). */
function textOn(fill: string): string {
  const l = luminance(fill);
  return (l + 0.05) / (luminance('#1b1b1b') + 0.05) >= 1.05 / (l + 0.05) ? '#1b1b1b' : '#ffffff';
}

/** A level as a coloured pill (the palette of badges and cards); `–` when there is none. */
export function levelPill(level: number | null): string {
  const fill =
    level === null
      ? UNKNOWN_COLOR.fill
      : (LEVEL_COLORS[level as Level]?.fill ?? UNKNOWN_COLOR.fill);
  return `<span class="pill" style="background:${fill};color:${textOn(fill)}">${level === null ? '–' : level}</span>`;
}

/** `2026-11-22 03:00Z` from an ISO timestamp, in a `<time>` element. */
export function when(iso: string | null): string {
  if (!iso) return '–';
  return `<time datetime="${e(iso)}">${e(iso.slice(0, 16).replace('T', ' '))}Z</time>`;
}

/** "default branch" or "PR #4", as a reader should tell them apart. */
export function branchLabel(branch: RunBranch, pr: number | null): string {
  if (branch === 'default')
    return pr === null ? 'default branch' : `default branch (PR #${pr} merged)`;
  return `PR #${pr}`;
}

const STATUS_WORDS: Record<RunStatus, string> = {
  queued: 'queued',
  running: 'running',
  success: 'success',
  failure: 'failure',
  error: 'error (no verdict)',
  cancelled: 'cancelled',
  replaced: 'replaced by a newer run',
};

export function statusLabel(status: RunStatus): string {
  return STATUS_WORDS[status];
}

/** What a dashboard route answers; the server writes it (with its security headers). */
export interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export const htmlReply = (status: number, body: string): Reply => ({
  status,
  type: 'text/html; charset=utf-8',
  body,
});

export const jsonReply = (status: number, value: unknown): Reply => ({
  status,
  type: 'application/json',
  body: `${JSON.stringify(value)}\n`,
});

/** A page that says what is wrong, with the status it goes out with. */
export function problemPage(
  status: number,
  title: string,
  message: string,
  options?: PageOptions,
): Reply {
  return htmlReply(status, page(title, `<p class="notice">${e(message)}</p>`, options));
}
