// Reading and editing an app env file on disk, with the one reader of env-file.ts: what is
// written here reads back, through abra's rules, as exactly the value that was set.
import { readFileSync, writeFileSync } from 'node:fs';
import { type EnvEntry, envValues, parseEnvFile, scanEnvFile } from './env-file.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The entries of an env file as abra reads them; throws EnvFileError naming the line. */
export function readEnvFile(file: string): EnvEntry[] {
  return parseEnvFile(readFileSync(file, 'utf8'), file);
}

/** The values of an env file as abra reads them (later keys winning). */
export function readEnvValues(file: string): Record<string, string> {
  return envValues(readEnvFile(file));
}

/**
 * A value written so that abra reads back exactly it: plain when it holds nothing the reader
 * treats specially, else in single quotes (literal). A value with both a single quote and a
 * special character cannot be written literally (godotenv has no escape in single quotes, and
 * a double-quoted value loses a trailing `"` or `\`) and is refused with a TypeError.
 */
export function envFileValue(key: string, value: string): string {
  if (/^[A-Za-z0-9_.,:/@%+=-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  throw new TypeError(
    `env ${key}: a value with a single quote and spaces, "#", "$" or quotes cannot be written to an abra env file`,
  );
}

function assertEntry(key: string, value: string): void {
  if (!KEY.test(key))
    throw new TypeError(`env key ${JSON.stringify(key)}: expected [A-Za-z_][A-Za-z0-9_]*`);
  if (/[\n\r]/.test(value)) throw new TypeError(`env ${key}: a value cannot hold a line break`);
}

/** The text with [start, end) replaced; a line left blank by a removal goes with its break. */
function splice(src: string, start: number, end: number, text: string): string {
  const lineStart = src.lastIndexOf('\n', start - 1) + 1;
  const nl = src.indexOf('\n', end);
  const lineEnd = nl < 0 ? src.length : nl;
  const line = src.slice(lineStart, start) + text + src.slice(end, lineEnd);
  if (text !== '' || line.trim() !== '') return src.slice(0, start) + text + src.slice(end);
  return src.slice(0, lineStart) + src.slice(nl < 0 ? lineEnd : lineEnd + 1);
}

/**
 * Sets `KEY=value` lines so that abra reads exactly `value` for each KEY: the *last* line
 * setting the key is replaced (godotenv: later lines win; `$KEY` chains read the earlier ones),
 * keeping its trailing comment (abra's modifiers such as `# length=32`); else the first
 * commented-out `#KEY=` line; else the line is appended. Line breaks are written as `\n`.
 * Throws TypeError for a key that is not a variable name or a value that cannot be written.
 */
export function setEnvValues(file: string, values: Readonly<Record<string, string>>): void {
  let src = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  for (const [key, value] of Object.entries(values)) {
    assertEntry(key, value);
    const line = `${key}=${envFileValue(key, value)}`;
    const set = scanEnvFile(src, file).findLast((e) => e.key === key);
    if (set) {
      // `KEY= # c` would read "# c": an empty value before a comment is written as ''.
      const kept = set.comment
        ? `${line === `${key}=` ? `${key}=''` : line} # ${set.comment}`
        : line;
      src = splice(src, set.start, set.end, kept);
      continue;
    }
    const commented = new RegExp(`^[ \\t]*#[ \\t]*${key}=.*$`, 'm').exec(src);
    if (commented) {
      src = splice(src, commented.index, commented.index + commented[0].length, line);
      continue;
    }
    src = `${src}${src === '' || src.endsWith('\n') ? '' : '\n'}${line}\n`;
  }
  writeFileSync(file, src);
}

/** Removes every line setting one of `keys` (commented-out lines stay). */
export function unsetEnvValues(file: string, keys: readonly string[]): void {
  let src = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  const entries = scanEnvFile(src, file).filter((e) => keys.includes(e.key));
  // From the end, so that the offsets of the earlier entries still hold.
  for (const e of entries.reverse()) src = splice(src, e.start, e.end, '');
  writeFileSync(file, src);
}
