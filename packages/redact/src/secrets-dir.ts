import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsDirError } from './errors.js';

/**
 * The secret values in `dir`: one per regular file (symlinks followed), one trailing newline
 * (`\n` or `\r\n`) removed. A missing directory holds no secrets. Entries whose names start
 * with `..` are skipped: Kubernetes-style secret mounts keep timestamped copies there.
 */
export function readSecretsDir(dir: string): Buffer[] {
  return readSecretsEntries(dir).map((entry) => entry.value);
}

/** `readSecretsDir` with each value's file name, in file name order. */
export function readSecretsEntries(dir: string): Array<{ name: string; value: Buffer }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return [];
    throw new SecretsDirError(dir, 'directory', error);
  }
  const entries: Array<{ name: string; value: Buffer }> = [];
  for (const name of names.sort()) {
    if (name.startsWith('..')) continue;
    const path = join(dir, name);
    let value: Buffer;
    try {
      if (!statSync(path).isFile()) continue;
      value = readFileSync(path);
    } catch (error) {
      // A dangling symlink is not a secret; anything else we cannot read might be one.
      if (isCode(error, 'ENOENT')) continue;
      throw new SecretsDirError(path, 'file', error);
    }
    entries.push({ name, value: stripNewline(value) });
  }
  return entries;
}

function stripNewline(value: Buffer): Buffer {
  let end = value.length;
  if (end > 0 && value[end - 1] === 0x0a) {
    end--;
    if (end > 0 && value[end - 1] === 0x0d) end--;
  }
  return value.subarray(0, end);
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
