import { readFileSync, writeFileSync } from 'node:fs';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Sets `KEY=value` lines in an abra app env file (replacing a set or commented-out line). */
export function setEnvValues(file: string, values: Readonly<Record<string, string>>): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [key, value] of Object.entries(values)) {
    if (!KEY.test(key))
      throw new TypeError(`env key ${JSON.stringify(key)}: expected [A-Za-z_][A-Za-z0-9_]*`);
    if (/[\n\r]/.test(value)) throw new TypeError(`env ${key}: a value cannot hold a line break`);
    const at = lines.findIndex((l) => new RegExp(`^\\s*#?\\s*${key}=`).test(l));
    const line = `${key}=${value}`;
    if (at >= 0) lines[at] = line;
    else lines.splice(lines.at(-1) === '' ? lines.length - 1 : lines.length, 0, line);
  }
  writeFileSync(file, lines.join('\n'));
}

/** The `KEY=value` pairs of an env file (comments and blanks skipped, inline comments cut). */
export function readEnvValues(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m)
      out[m[1] as string] = (m[2] as string).replace(/\s+#.*$/, '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/** Removes the `KEY=value` lines of `keys` from an env file (commented-out lines stay). */
export function unsetEnvValues(file: string, keys: readonly string[]): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept = lines.filter((l) => !keys.some((k) => new RegExp(`^\\s*${k}=`).test(l)));
  writeFileSync(file, kept.join('\n'));
}
