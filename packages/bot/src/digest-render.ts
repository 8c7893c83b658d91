import { escapeXml } from '@ccci/results';
import type { Digest, DigestEntry } from './digest.js';

const e = (s: unknown) => escapeXml(String(s ?? ''));
const short = (sha: string | null) => (sha ? sha.slice(0, 10) : '');
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'never');

type ListName = 'regressed' | 'improved' | 'failing' | 'outdated';
const SECTIONS: readonly [ListName, string][] = [
  ['regressed', 'Regressed'],
  ['improved', 'Improved'],
  ['failing', 'Failing (level 0 or error)'],
  ['outdated', 'Outdated'],
];

function what(list: ListName, x: DigestEntry): string {
  switch (list) {
    case 'regressed':
    case 'improved':
      return `level ${x.previous_level} → ${x.level}`;
    case 'failing':
      return x.level === 0 ? 'level 0' : `error: ${(x.error ?? '').slice(0, 120)}`;
    default:
      return `last tested ${day(x.finished_at)}`;
  }
}

function headline(d: Digest): string {
  const s = d.summary;
  return `ccci digest ${d.created_at.slice(0, 10)}: ${s.recipes} recipes · ${s.regressed} regressed · ${s.improved} improved · ${s.failing} failing · ${s.outdated} outdated · ${s.passing} passing`;
}

/** Plain text (Matrix `body`, logs): a headline and one line per listed recipe. */
export function renderDigestText(d: Digest): string {
  const lines = [headline(d)];
  for (const [list, title] of SECTIONS) {
    if (d[list].length === 0) continue;
    lines.push('', `${title}:`);
    for (const x of d[list]) {
      const link = x.run_url ? ` ${x.run_url}` : '';
      lines.push(`- ${x.recipe}: ${what(list, x)}${x.sha ? ` (${short(x.sha)})` : ''}${link}`);
    }
  }
  lines.push('', d.dashboard_url);
  return lines.join('\n');
}

function htmlList(list: ListName, entries: readonly DigestEntry[]): string {
  const items = entries.map((x) => {
    const name = x.run_url ? `<a href="${e(x.run_url)}">${e(x.recipe)}</a>` : e(x.recipe);
    const sha = x.sha ? ` <code>${e(short(x.sha))}</code>` : '';
    return `<li>${name}: ${e(what(list, x))}${sha}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

/**
 * HTML for Matrix's `formatted_body` (`org.matrix.custom.html`: only tags of the spec's
 * recommended subset — h4, ul, li, a, code, p, b) and the dashboard's digest section. Every
 * value is escaped.
 */
export function renderDigestHtml(d: Digest, options: { heading?: boolean } = {}): string {
  const parts = options.heading === false ? [] : [`<p><b>${e(headline(d))}</b></p>`];
  for (const [list, title] of SECTIONS) {
    if (d[list].length === 0) continue;
    parts.push(`<h4>${e(title)}</h4>`, htmlList(list, d[list]));
  }
  if (parts.length <= 1) parts.push('<p>Nothing to report.</p>');
  parts.push(`<p><a href="${e(d.dashboard_url)}">${e(d.dashboard_url)}</a></p>`);
  return parts.join('\n');
}

/** The dashboard's `/digest` page: the latest digest, server-rendered and escaped. */
export function renderDigestPage(d: Digest | null): string {
  const body =
    d === null
      ? '<p>No digest yet: the first one is made at the start of the next digest period (DIGEST_EVERY_HOURS).</p>'
      : `<p>${e(headline(d))}</p>
<p>Changes since ${e(d.since.replace('T', ' ').slice(0, 16))} UTC; outdated: not tested on the default branch for ${e(d.outdated_days)} days.</p>
${renderDigestHtml(d, { heading: false })}
<p><a href="/digest.json">/digest.json</a> (the JSON sent to the webhook)</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Digest · ccci</title>
<style>body{font:15px/1.4 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code{font-size:90%}</style></head>
<body><p><a href="/">ccci</a></p><h1>Digest</h1>
${body}
</body></html>`;
}
