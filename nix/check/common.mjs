// Shared by the nix/ checks: where nix/ is, how results are recorded.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nix/ folder. */
export const here = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(here);

/** A path relative to the repository root, for messages. */
export const rel = (file) => relative(root, file);

/** Every .nix file under `dir`, sorted. */
export function nixFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...nixFiles(path));
    else if (entry.name.endsWith('.nix')) out.push(path);
  }
  return out.sort();
}

/** The path of `cmd` on PATH, or null. */
export function which(cmd) {
  const r = spawnSync('sh', ['-c', 'command -v "$0"', cmd], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Collects passes, failures (each a message naming file, line, expected) and skips. */
export function createReport() {
  const failures = [];
  const skipped = [];
  let passed = 0;
  return {
    failures,
    skipped,
    get passed() {
      return passed;
    },
    pass() {
      passed++;
    },
    fail(message) {
      failures.push(message);
    },
    skip(message) {
      skipped.push(message);
    },
    check(ok, message) {
      if (ok) passed++;
      else failures.push(message);
    },
  };
}
