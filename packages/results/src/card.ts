import { RUNG_NAMES } from '@ccci/contracts';
import { testTally } from './caps.js';
import { escapeXml } from './escape.js';
import { formatDuration, STATUS_TEXT, shortSha } from './format.js';
import { fitText, textWidth } from './measure.js';
import { normalizeResults } from './normalize.js';
import { LEVEL_COLORS, STATUS_COLORS } from './palette.js';
import { pngSize } from './png.js';
import { LEVEL_MEANINGS, RUNG_LABELS } from './rungs.js';
import type { Results } from './types.js';

export interface CardOptions {
  /** The install screenshot (PNG bytes), embedded as a data: URI. Default: none. */
  screenshot?: Uint8Array | null;
  /** A line under the screenshot saying what it shows (which version). Default: none. */
  screenshotLabel?: string | null;
  /** Tallest the screenshot may be drawn, in card pixels (it is cropped from the top). Default 340. */
  maxScreenshotHeight?: number;
}

/** Card width in SVG user units: the width of a PR comment image. */
export const CARD_WIDTH = 600;
const PAD = 24;
const FONT = "'DejaVu Sans', 'Liberation Sans', 'Helvetica Neue', Arial, sans-serif";
const INK = '#1f2328';
const MUTED = '#57606a';
const RULE = '#d0d7de';

const x = (n: number) => String(Math.round(n * 10) / 10);

interface TextOpts {
  size: number;
  fill?: string;
  bold?: boolean;
  anchor?: 'start' | 'middle' | 'end';
}
function text(px: number, py: number, content: string, o: TextOpts): string {
  const attrs = [
    `x="${x(px)}"`,
    `y="${x(py)}"`,
    `font-size="${o.size}"`,
    `fill="${o.fill ?? INK}"`,
  ];
  if (o.bold) attrs.push('font-weight="bold"');
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

function formatWhen(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * The run's card as SVG: recipe, version, level, the rung table, the flags and (optionally) the
 * screenshot. Laid out for 600 px; accepts results of any readable schema version.
 */
export function renderCardSvg(input: unknown, options: CardOptions = {}): string {
  const r = normalizeResults(input);
  const maxShot = options.maxScreenshotHeight ?? 340;
  if (!(Number.isFinite(maxShot) && maxShot >= 40)) {
    throw new TypeError(
      `renderCardSvg: option maxScreenshotHeight must be a number ≥ 40, got ${String(maxShot)}`,
    );
  }
  const body: string[] = [];
  let y = 0;

  // Header: recipe, version line, when; level block on the right.
  const blockW = 120;
  const headW = CARD_WIDTH - PAD * 2 - blockW - 16;
  body.push(text(PAD, 44, fitText(r.recipe, 26, headW, true), { size: 26, bold: true }));
  const sub = [r.version ?? 'unversioned', r.pr === null ? null : `PR #${r.pr}`, shortSha(r.sha)]
    .filter((s) => s !== null)
    .join('  ·  ');
  body.push(text(PAD, 70, fitText(sub, 15, headW), { size: 15, fill: MUTED }));
  const took = formatDuration(Date.parse(r.finished_at) - Date.parse(r.started_at));
  body.push(
    text(PAD, 92, fitText(`${formatWhen(r.finished_at)}  ·  took ${took}`, 13, headW), {
      size: 13,
      fill: MUTED,
    }),
  );
  const lc = LEVEL_COLORS[r.level];
  const bx = CARD_WIDTH - PAD - blockW;
  body.push(`<rect x="${bx}" y="20" width="${blockW}" height="80" rx="10" fill="${lc.fill}"/>`);
  body.push(
    text(bx + blockW / 2, 42, 'LEVEL', { size: 13, bold: true, fill: lc.text, anchor: 'middle' }),
  );
  body.push(
    text(bx + blockW / 2, 88, String(r.level), {
      size: 44,
      bold: true,
      fill: lc.text,
      anchor: 'middle',
    }),
  );
  body.push(
    text(
      PAD,
      124,
      fitText(`Level ${r.level}: ${LEVEL_MEANINGS[r.level]}`, 15, CARD_WIDTH - PAD * 2, true),
      {
        size: 15,
        bold: true,
      },
    ),
  );
  y = 140;
  body.push(`<line x1="${PAD}" y1="${y}" x2="${CARD_WIDTH - PAD}" y2="${y}" stroke="${RULE}"/>`);

  // Rung table: one row per rung; the reason (or tests tally) on a second, smaller line.
  const pillX = 236;
  const pillW = 108;
  for (const [i, name] of RUNG_NAMES.entries()) {
    const rung = r.rungs[name];
    const { passed, total } = testTally(rung.tests);
    const detail = [rung.reason, total ? `${passed}/${total} tests passed` : null]
      .filter((s) => s)
      .join(' · ');
    const rowH = detail ? 52 : 36;
    const base = y + 24;
    if (i % 2 === 1)
      body.push(
        `<rect x="${PAD - 8}" y="${y + 2}" width="${CARD_WIDTH - PAD * 2 + 16}" height="${rowH - 4}" rx="6" fill="#f6f8fa"/>`,
      );
    body.push(text(PAD, base, String(i + 1), { size: 15, fill: MUTED, bold: true }));
    body.push(text(PAD + 22, base, RUNG_LABELS[name], { size: 16, bold: true }));
    const sc = STATUS_COLORS[rung.status];
    body.push(
      `<rect x="${pillX}" y="${base - 16}" width="${pillW}" height="22" rx="11" fill="${sc.fill}"/>`,
    );
    body.push(
      text(pillX + pillW / 2, base, STATUS_TEXT[rung.status].toUpperCase(), {
        size: 12,
        bold: true,
        fill: sc.text,
        anchor: 'middle',
      }),
    );
    body.push(
      text(CARD_WIDTH - PAD, base, formatDuration(rung.duration_ms), {
        size: 14,
        fill: MUTED,
        anchor: 'end',
      }),
    );
    if (detail) {
      body.push(
        text(PAD + 22, base + 20, fitText(detail, 13, CARD_WIDTH - PAD * 2 - 22), {
          size: 13,
          fill: MUTED,
        }),
      );
    }
    y += rowH;
  }
  body.push(
    `<line x1="${PAD}" y1="${y + 6}" x2="${CARD_WIDTH - PAD}" y2="${y + 6}" stroke="${RULE}"/>`,
  );
  y += 18;

  // Flags as chips.
  let cx = PAD;
  for (const chip of flagChips(r)) {
    const label = `${chip.ok === true ? '✓' : chip.ok === false ? '✗' : '?'} ${chip.label}`;
    const w = Math.ceil(textWidth(label, 13) + 20);
    if (cx + w > CARD_WIDTH - PAD) {
      cx = PAD;
      y += 32;
    }
    const colors = chip.ok === true ? CHIP_OK : chip.ok === false ? CHIP_BAD : CHIP_UNKNOWN;
    body.push(
      `<rect x="${cx}" y="${y}" width="${w}" height="24" rx="12" fill="${colors.fill}" stroke="${colors.stroke}"/>`,
    );
    body.push(text(cx + 10, y + 17, label, { size: 13, fill: colors.text }));
    cx += w + 8;
  }
  y += 24 + 16;

  // Screenshot, cropped from the top to at most maxShot tall.
  if (options.screenshot) {
    const size = pngSize(options.screenshot);
    if (size) {
      const w = CARD_WIDTH - PAD * 2;
      const h = Math.min(Math.round((w * size.height) / size.width), maxShot);
      const data = Buffer.from(options.screenshot).toString('base64');
      body.push(
        `<clipPath id="shot"><rect x="${PAD}" y="${y}" width="${w}" height="${h}" rx="8"/></clipPath>`,
        `<image x="${PAD}" y="${y}" width="${w}" height="${h}" preserveAspectRatio="xMidYMin slice" clip-path="url(#shot)" href="data:image/png;base64,${data}"/>`,
        `<rect x="${PAD}" y="${y}" width="${w}" height="${h}" rx="8" fill="none" stroke="${RULE}"/>`,
      );
      y += h + 16;
      if (options.screenshotLabel) {
        body.push(
          text(PAD, y + 4, fitText(options.screenshotLabel, 12, w), { size: 12, fill: MUTED }),
        );
        y += 22;
      }
    } else {
      body.push(text(PAD, y + 14, 'screenshot unreadable (not a PNG)', { size: 13, fill: MUTED }));
      y += 30;
    }
  }

  body.push(
    text(PAD, y + 6, fitText(`ccci · run ${r.run_id}`, 12, CARD_WIDTH - PAD * 2), {
      size: 12,
      fill: MUTED,
    }),
  );
  const height = y + 22;
  const title = `${r.recipe} ${r.version ?? ''}: level ${r.level}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${height}" viewBox="0 0 ${CARD_WIDTH} ${height}" font-family="${escapeXml(FONT)}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0.5" y="0.5" width="${CARD_WIDTH - 1}" height="${height - 1}" rx="12" fill="#ffffff" stroke="${RULE}"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

const CHIP_OK = { fill: '#dafbe1', stroke: '#8fd19e', text: '#116329' };
const CHIP_BAD = { fill: '#ffebe9', stroke: '#ff8182', text: '#a40e26' };
const CHIP_UNKNOWN = { fill: '#f6f8fa', stroke: RULE, text: MUTED };

function flagChips(r: Results): { label: string; ok: boolean | null }[] {
  const f = r.flags;
  const chips: { label: string; ok: boolean | null }[] = [
    { label: 'clean teardown', ok: f.clean_teardown },
    { label: 'no secret leak', ok: f.no_secret_leak },
    {
      label: `deploys ${r.deploys.count}${r.deploys.budget === null ? '' : `/${r.deploys.budget}`}`,
      ok: f.deploy_budget_ok,
    },
  ];
  if (f.quick) chips.push({ label: 'quick run', ok: null });
  if (f.flaky) chips.push({ label: 'flaky tests', ok: false });
  if (r.skips.unintentional.length)
    chips.push({ label: `${r.skips.unintentional.length} unverified`, ok: false });
  if (r.skips.intentional.length)
    chips.push({ label: `${r.skips.intentional.length} skipped on purpose`, ok: null });
  return chips;
}
