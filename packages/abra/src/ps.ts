import { parseTable, type TableRow } from './table.js';

/** One service of `abra app ps`. */
export interface PsService {
  service: string;
  image: string | undefined;
  status: string | undefined;
  state: string | undefined;
  /** Every column abra printed, keyed by lower-cased header. */
  columns: TableRow;
}

function fromRow(row: TableRow): PsService {
  return {
    service: row['service'] ?? row['name'] ?? '',
    image: row['image'],
    status: row['status'],
    state: row['state'],
    columns: row,
  };
}

function parseJson(output: string): TableRow[] | undefined {
  const start = output.indexOf('[');
  if (start === -1) return undefined;
  try {
    const value: unknown = JSON.parse(output.slice(start, output.lastIndexOf(']') + 1));
    if (!Array.isArray(value)) return undefined;
    return value.map((entry) =>
      Object.fromEntries(
        Object.entries(entry as Record<string, unknown>).map(([k, v]) => [
          k.toLowerCase(),
          String(v),
        ]),
      ),
    );
  } catch {
    return undefined;
  }
}

/**
 * Parses `abra app ps` output: its table (SERVICE, IMAGE, STATUS, ... — columns vary by
 * release) or, with `--machine`, its JSON array of objects keyed by lower-cased header.
 * `undefined` when neither is there.
 */
export function parsePs(output: string): PsService[] | undefined {
  const json = parseJson(output);
  if (json) return json.map(fromRow);
  const table = parseTable(output, ['service']);
  return table?.rows.filter((row) => row['service'] !== '').map(fromRow);
}
