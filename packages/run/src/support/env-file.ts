import { readFileSync, writeFileSync } from 'node:fs';
import { envValues, parseEnvFile } from '@ccci/abra';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Sets `KEY=value` in an abra app env file so that abra reads exactly `value` for KEY. */
export function setEnvValues(file: string, values: Readonly<Record<string, string>>): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [key, value] of Object.entries(values)) {
    if (!KEY.test(key))
      throw new TypeError(`env key ${JSON.stringify(key)}: expected [A-Za-z_][A-Za-z0-9_]*`);
    if (/[\n\r]/.test(value)) throw new TypeError(`env ${key}: a value cannot hold a line break`);
    // The last set line decides what abra reads (later lines win, `$KEY` chains read the
    // earlier ones): replace it; else a commented-out line; else append.
    const set = lines.findLastIndex((l) => new RegExp(`^\\s*(export\\s+)?${key}\\s*[=:]`).test(l));
    const at = set >= 0 ? set : lines.findIndex((l) => new RegExp(`^\\s*#\\s*${key}=`).test(l));
    const line = `${key}=${envFileValue(key, value)}`;
    if (at >= 0) lines[at] = line;
    else lines.splice(lines.at(-1) === '' ? lines.length - 1 : lines.length, 0, line);
  }
  writeFileSync(file, lines.join('\n'));
}

/**
 * The values of an env file as abra reads them (godotenv rules: `export`, quotes, inline
 * comments, `$VAR` chains; @ccci/abra env-file.ts). Throws EnvFileError with the line.
 */
export function readEnvValues(file: string): Record<string, string> {
  return envValues(parseEnvFile(readFileSync(file, 'utf8'), file));
}

/**
 * A value written so that abra reads back exactly it: plain when it holds nothing the env
 * reader treats specially, else in single quotes (literal); a value with both a single quote
 * and a special character cannot be written literally and is refused.
 */
export function envFileValue(key: string, value: string): string {
  if (/^[A-Za-z0-9_.,:/@%+=-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  throw new TypeError(
    `env ${key}: a value with a single quote and spaces, "#", "$" or quotes cannot be written to an abra env file`,
  );
}

/** Removes the `KEY=value` lines of `keys` from an env file (commented-out lines stay). */
export function unsetEnvValues(file: string, keys: readonly string[]): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept = lines.filter(
    (l) => !keys.some((k) => new RegExp(`^\\s*(export\\s+)?${k}\\s*[=:]`).test(l)),
  );
  writeFileSync(file, kept.join('\n'));
}
