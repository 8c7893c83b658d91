// The app `.env` file, read as abra reads it (a godotenv fork: `export`, quotes, inline
// comments, `$VAR` chains such as `COMPOSE_FILE="$COMPOSE_FILE:…"`). abra
// reads trailing `# length=N` / `# generate=false` modifiers on SECRET_*_VERSION lines.
import { readFileSync, writeFileSync } from 'node:fs';
import { EnvFileError, parseEnvFile } from '@ccci/abra/env-file';
import { fatal } from './log.js';

export interface EnvLine {
  key: string;
  value: string;
  /** Text after ` #` on the line (modifiers such as `length=32`), without the `#`. */
  comment: string;
}

/** abra's own reading (godotenv rules), shared with the harness: @ccci/abra env-file.ts. */
export function parseEnv(text: string, file = '.env'): EnvLine[] {
  try {
    return parseEnvFile(text, file);
  } catch (error) {
    if (error instanceof EnvFileError) fatal(`unable to read env file ${error.message}`);
    throw error;
  }
}

export function readEnvFile(path: string): Map<string, EnvLine> {
  return new Map(parseEnv(readFileSync(path, 'utf8'), path).map((l) => [l.key, l]));
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
