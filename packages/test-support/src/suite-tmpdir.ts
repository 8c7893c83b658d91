import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The run's suite folder, while it exists: the projects of one run share the first's. */
const SUITE_TMPDIR = 'CCCI_SUITE_TMPDIR';

/**
 * Caches that tools keep under the temp folder across runs, linked from the suite folder to
 * the real one: tsx's transform cache (`tsx-<uid>`), or every tsx child of a run would compile
 * its sources afresh.
 */
function caches(): string[] {
  return [`tsx-${process.geteuid?.() ?? userInfo().username}`];
}

/**
 * Vitest `globalSetup` of the root vitest.config.ts: the run's temporary files go to a new
 * folder `<tmpdir>/ccci-suite-XXXXXX`, made TMPDIR before any worker starts, so every test
 * file and every child it starts inherits it. At teardown what the tests left there is named
 * on stderr ({@link leftoverWarning}), and the folder is removed with it.
 *
 * Every project of the root config (`extends: true`) runs this file too: only the first call
 * of a run makes the folder and returns the teardown; the others find it made.
 */
export default function setup(): (() => void) | undefined {
  if (process.env[SUITE_TMPDIR]) return undefined;
  const previous = process.env['TMPDIR'];
  const real = tmpdir();
  const dir = mkdtempSync(join(real, 'ccci-suite-'));
  const linked = caches();
  for (const name of linked) {
    mkdirSync(join(real, name), { recursive: true, mode: 0o700 });
    symlinkSync(join(real, name), join(dir, name));
  }
  process.env[SUITE_TMPDIR] = dir;
  process.env['TMPDIR'] = dir;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    delete process.env[SUITE_TMPDIR];
    const names = readdirSync(dir).filter((name) => !linked.includes(name));
    const folders = names.filter((name) => lstatSync(join(dir, name)).isDirectory()).length;
    const warning = leftoverWarning(names, folders === names.length);
    if (warning) process.stderr.write(`\n${warning}\n`);
    rmSync(dir, { recursive: true, force: true }); // the links, not what they point to
  };
}

/**
 * The warning for the `names` tests left in the suite folder, or undefined for none: their
 * count, then each prefix once (`ccci-recipe-*` for `ccci-recipe-XXXXXX`) with how many had it.
 */
export function leftoverWarning(names: readonly string[], allFolders = true): string | undefined {
  if (names.length === 0) return undefined;
  const prefixes = new Map<string, number>();
  for (const name of names) {
    const m = /^(.*[-_.])[A-Za-z0-9]{6}$/.exec(name);
    const prefix = m ? `${m[1]}*` : name;
    prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
  }
  const listed = [...prefixes]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([prefix, n]) => (n > 1 ? `${prefix} (${n})` : prefix));
  const one = names.length === 1;
  const what = allFolders
    ? `temporary folder${one ? '' : 's'}`
    : `temporary file${one ? '' : 's and folders'}`;
  return `warning: ${names.length} ${what} left by tests: ${listed.join(', ')}`;
}
