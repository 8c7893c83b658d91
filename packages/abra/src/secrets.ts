import { parseTable } from './table.js';

/** A secret abra generated, with its value: register it with the redactor at once. */
export interface GeneratedSecret {
  name: string;
  value: string;
}

/**
 * Parses the secrets `abra app secret generate` and `abra app new --secrets` print: a
 * NAME/VALUE table, or with `--machine` a JSON array of `{name, value}`. Returns `[]` when
 * neither is present (nothing was generated).
 */
export function parseGeneratedSecrets(output: string): GeneratedSecret[] {
  const start = output.indexOf('[');
  if (start !== -1) {
    try {
      const value: unknown = JSON.parse(output.slice(start, output.lastIndexOf(']') + 1));
      if (Array.isArray(value)) {
        return value.flatMap((entry) => {
          const e = entry as Record<string, unknown>;
          return typeof e['name'] === 'string' && typeof e['value'] === 'string'
            ? [{ name: e['name'], value: e['value'] }]
            : [];
        });
      }
    } catch {
      // Not JSON: fall through to the table.
    }
  }
  const table = parseTable(output, ['name', 'value']);
  return (table?.rows ?? [])
    .filter((row) => row['name'] && row['value'])
    .map((row) => ({ name: row['name']!, value: row['value']! }));
}

/** Replaces every occurrence of each secret value in `text` with `***`. */
export function maskSecrets(text: string, secrets: readonly GeneratedSecret[]): string {
  let masked = text;
  for (const { value } of secrets) if (value.length > 0) masked = masked.replaceAll(value, '***');
  return masked;
}
