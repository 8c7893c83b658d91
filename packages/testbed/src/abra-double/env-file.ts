// The app `.env` file: docker env-file syntax, one `KEY=VALUE` a line, `#` comments. abra
// reads trailing `# length=N` / `# generate=false` modifiers on SECRET_*_VERSION lines.
import { readFileSync, writeFileSync } from 'node:fs';

export interface EnvLine {
  key: string;
  value: string;
  /** Text after ` #` on the line (modifiers such as `length=32`), without the `#`. */
  comment: string;
}

export function parseEnv(text: string): EnvLine[] {
  const lines: EnvLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line
      .slice(0, eq)
      .replace(/^export\s+/, '')
      .trim();
    let rest = line.slice(eq + 1);
    let comment = '';
    const hash = rest.search(/\s#/);
    if (hash >= 0 && !/^["']/.test(rest)) {
      comment = rest.slice(hash).replace(/^\s*#\s*/, '');
      rest = rest.slice(0, hash);
    }
    let value = rest.trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2)
      value = value.slice(1, -1);
    lines.push({ key, value, comment });
  }
  return lines;
}

export function readEnvFile(path: string): Map<string, EnvLine> {
  return new Map(parseEnv(readFileSync(path, 'utf8')).map((l) => [l.key, l]));
}

export function envValues(env: Map<string, EnvLine>): Record<string, string> {
  return Object.fromEntries([...env].map(([k, l]) => [k, l.value]));
}

/** Set KEY=value in an env file, replacing the first uncommented KEY line or appending. */
export function setEnvValue(path: string, key: string, value: string): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  const at = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${key}=`).test(l));
  if (at >= 0) {
    const comment = /\s#.*$/.exec(lines[at] ?? '')?.[0] ?? '';
    lines[at] = `${key}=${value}${comment}`;
  } else {
    if (lines.at(-1) === '') lines.pop();
    lines.push(`${key}=${value}`, '');
  }
  writeFileSync(path, lines.join('\n'));
}
