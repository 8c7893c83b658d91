/**
 * Reads the tables abra prints. abra has drawn them three ways over its releases: ASCII
 * (olekukonko/tablewriter: `+---+` rules, `|` cells), box drawing (charmbracelet/lipgloss:
 * `┌─┬─┐`, `│`), and borderless columns padded with spaces. Long cells may wrap onto
 * continuation lines whose first cell is empty. Input is plain text (see cleanTerminalOutput).
 */
export type TableRow = Record<string, string>;

export interface ParsedTable {
  /** Header names, lower-cased, in column order. */
  headers: string[];
  rows: TableRow[];
  /** 1-based line number of the header within the input. */
  headerLine: number;
}

const CELL_SEPARATOR = /[│┃║|]/;
/** A rule line: only border, junction and padding characters. */
const RULE_LINE = /^[\s─━═┄┈\-+=:┌┐└┘├┤┬┴┼╭╮╰╯┏┓┗┛┣┫┳┻╋╔╗╚╝╠╣╦╩╬╞╡╪╟╢╫│┃║|]+$/;

function isRule(line: string): boolean {
  return RULE_LINE.test(line) && !/^\s*$/.test(line);
}

function splitBordered(line: string, width: number): string[] {
  const cells = line.split(CELL_SEPARATOR).map((c) => c.trim());
  // Leading and trailing borders leave empty outer cells.
  if (cells.length > 0 && cells[0] === '' && /^\s*[│┃║|]/.test(line)) cells.shift();
  if (cells.length > 0 && cells.at(-1) === '' && /[│┃║|]\s*$/.test(line)) cells.pop();
  if (cells.length > width) {
    // A `|` inside the last cell (free text such as a resolve hint): keep it in that cell.
    const head = cells.slice(0, width - 1);
    head.push(cells.slice(width - 1).join(' | '));
    return head;
  }
  while (Number.isFinite(width) && cells.length < width) cells.push('');
  return cells;
}

function splitPlain(line: string, starts: number[]): string[] {
  const parts = line.trim().split(/\s{2,}/);
  if (parts.length === starts.length) return parts;
  // Fall back to the header's column positions.
  return starts.map((start, i) => line.slice(start, starts[i + 1] ?? line.length).trim());
}

/**
 * Finds the first table in `text` whose header holds every name in `required`
 * (case-insensitive) and returns its rows keyed by lower-cased header. `undefined` when no
 * such header exists.
 */
export function parseTable(text: string, required: readonly string[]): ParsedTable | undefined {
  const lines = text.split('\n');
  const want = required.map((r) => r.toLowerCase());
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const bordered = CELL_SEPARATOR.test(line);
    const headerCells = bordered
      ? splitBordered(line, Number.POSITIVE_INFINITY).filter((c) => c !== '')
      : line.trim().split(/\s{2,}/);
    const headers = headerCells.map((c) => c.toLowerCase());
    if (!want.every((w) => headers.includes(w))) continue;

    const starts = bordered ? [] : headerCells.map((cell) => line.indexOf(cell));
    const rows: string[][] = [];
    for (let next = index + 1; next < lines.length; next += 1) {
      const rowLine = lines[next]!;
      if (isRule(rowLine)) {
        if (/^\s*[└╰┗╚]/.test(rowLine) || (!bordered && rows.length > 0)) break;
        continue;
      }
      if (rowLine.trim() === '') break;
      if (bordered && !CELL_SEPARATOR.test(rowLine)) break;
      const cells = bordered ? splitBordered(rowLine, headers.length) : splitPlain(rowLine, starts);
      const previous = rows.at(-1);
      if (previous && cells[0] === '') {
        // Continuation of a wrapped row.
        cells.forEach((cell, i) => {
          if (cell !== '') previous[i] = previous[i] ? `${previous[i]} ${cell}` : cell;
        });
        continue;
      }
      rows.push(cells);
    }
    return {
      headers,
      headerLine: index + 1,
      rows: rows.map((cells) =>
        Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? ''] as const)),
      ),
    };
  }
  return undefined;
}
