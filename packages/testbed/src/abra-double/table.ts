// abra renders tables with lipgloss: a box-drawn border, upper-case headers, one row a line.
export function renderTable(headers: string[], rows: string[][]): string {
  // Emoji such as ✅ ❌ take two terminal columns (lipgloss measures with runewidth too).
  const width = (s: string) =>
    [...s].reduce((n, ch) => {
      const cp = ch.codePointAt(0) ?? 0;
      return n + (cp >= 0x1f300 || cp === 0x2705 || cp === 0x274c ? 2 : 1);
    }, 0);
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (s: string, i: number) => ` ${s}${' '.repeat((widths[i] ?? 0) - width(s))} `;
  const rule = (l: string, m: string, r: string) =>
    `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const row = (cells: string[]) => `│${cells.map((c, i) => pad(c, i)).join('│')}│`;
  return [
    rule('┌', '┬', '┐'),
    row(headers.map((h) => h.toUpperCase())),
    rule('├', '┼', '┤'),
    ...rows.map(row),
    rule('└', '┴', '┘'),
  ].join('\n');
}
