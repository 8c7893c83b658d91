import { isUtf8 } from 'node:buffer';
import { type Dirent, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { type MetaProblem, problem } from './problems.js';
import { OVERLAY_OPS, PREVIOUS_ENTRIES } from './registry.js';
import { countSpecTests } from './spec-static.js';
import { nearest } from './suggest.js';

/** Files of one settings folder (`recipes/<name>/` or a recipe's `.ccci/`). */
export interface FolderFiles {
  dir: string;
  metaFile: string | null;
  hooksFile: string | null;
  /** `compose.ccci.yml` with the reason given on its first line. */
  composeOverlay: { file: string; why: string } | null;
  installSteps: string | null;
  testOverlays: { op: (typeof OVERLAY_OPS)[number]; file: string }[];
  functionalTests: string[];
  playwrightTests: { file: string; tests: number }[];
  /** What `previous/` holds; null when there is no `previous/`. */
  previous: PreviousFiles | null;
}

/** The files of `previous/`: the base deploy's settings when that deploy is an older version. */
export interface PreviousFiles {
  dir: string;
  /** Every file under it, relative to it (ignored names left out). */
  files: string[];
  metaFile: string | null;
  composeOverlay: { file: string; why: string } | null;
  installSteps: string | null;
}

export const META_FILE = 'recipe_meta.yml';
export const HOOKS_FILE = 'hooks.ts';
export const COMPOSE_OVERLAY = 'compose.ccci.yml';
export const INSTALL_STEPS = 'install_steps.sh';
const KNOWN_ENTRIES = [META_FILE, HOOKS_FILE, COMPOSE_OVERLAY, INSTALL_STEPS, 'tests', 'previous'];
const IGNORED = /^(\.|_)|^README(\..*)?$|^LICENSE/i;

function list(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function filesUnder(dir: string, base = ''): string[] {
  return list(dir).flatMap((e) => {
    if (IGNORED.test(e.name)) return [];
    const rel = base ? `${base}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(join(dir, e.name), rel) : [rel];
  });
}

/** A settings folder in which nothing was found. */
export function emptyFolder(dir: string): FolderFiles {
  return {
    dir,
    metaFile: null,
    hooksFile: null,
    composeOverlay: null,
    installSteps: null,
    testOverlays: [],
    functionalTests: [],
    playwrightTests: [],
    previous: null,
  };
}

/**
 * Finds the known files of a settings folder; reports near-miss names (silently ignored before).
 * Null when `dir` is not a folder (one readdir, no separate stat).
 */
export function discoverFolder(dir: string, problems: MetaProblem[]): FolderFiles | null {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const files = emptyFolder(dir);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (wrongKind(e, path, e.name, problems)) continue;
    if (e.name === META_FILE && e.isFile()) files.metaFile = path;
    else if (e.name === HOOKS_FILE && e.isFile()) files.hooksFile = path;
    else if (e.name === INSTALL_STEPS && e.isFile()) files.installSteps = path;
    else if (e.name === COMPOSE_OVERLAY && e.isFile())
      files.composeOverlay = readOverlay(path, problems);
    else if (e.name === 'tests' && e.isDirectory()) discoverTests(path, files, problems);
    else if (e.name === 'previous' && e.isDirectory())
      files.previous = discoverPrevious(path, problems);
    else if (!IGNORED.test(e.name)) {
      const suggestion = nearest(e.name, KNOWN_ENTRIES);
      problems.push(
        problem({
          code: 'unknown_file',
          file: path,
          message: `${e.name} is not a file ccci reads${suggestion ? ` — did you mean ${suggestion}?` : ''}`,
          hint: `known entries: ${KNOWN_ENTRIES.join(', ')}; names starting with _ or . are ignored`,
        }),
      );
    }
  }
  return files;
}

/**
 * `previous/` holds only what deploying an older base version needs: its own
 * `recipe_meta.yml` (deploy keys), `compose.ccci.yml` and `install_steps.sh`. Anything else is
 * reported like an unknown top-level file, with "did you mean".
 */
function discoverPrevious(dir: string, problems: MetaProblem[]): PreviousFiles {
  const found: PreviousFiles = {
    dir,
    files: filesUnder(dir).sort(),
    metaFile: null,
    composeOverlay: null,
    installSteps: null,
  };
  const known: readonly string[] = PREVIOUS_ENTRIES;
  for (const e of list(dir)) {
    const path = join(dir, e.name);
    if (wrongKind(e, path, `previous/${e.name}`, problems, PREVIOUS_IS_DIR)) continue;
    if (e.isFile() && e.name === META_FILE) found.metaFile = path;
    else if (e.isFile() && e.name === INSTALL_STEPS) found.installSteps = path;
    else if (e.isFile() && e.name === COMPOSE_OVERLAY)
      found.composeOverlay = readOverlay(path, problems);
    else if (!IGNORED.test(e.name)) {
      // A compose file here can only be meant as the base deploy's overlay.
      const suggestion =
        nearest(e.name, known) ?? (/^compose.*\.ya?ml$/.test(e.name) ? COMPOSE_OVERLAY : null);
      problems.push(
        problem({
          code: 'unknown_file',
          file: path,
          message: `previous/${e.name}${e.isDirectory() ? '/' : ''} is not a file ccci reads${suggestion ? ` — did you mean previous/${suggestion}?` : ''}`,
          hint: `previous/ may hold only ${known.join(', ')} (the base deploy of an older version); names starting with _ or . are ignored`,
        }),
      );
    }
  }
  return found;
}

/** Entries ccci reads by name, and whether each is a folder. */
const ENTRY_IS_DIR: ReadonlyMap<string, boolean> = new Map([
  [META_FILE, false],
  [HOOKS_FILE, false],
  [COMPOSE_OVERLAY, false],
  [INSTALL_STEPS, false],
  ['tests', true],
  ['previous', true],
]);

/** What `previous/` reads by name: files only. */
const PREVIOUS_IS_DIR: ReadonlyMap<string, boolean> = new Map(
  PREVIOUS_ENTRIES.map((name) => [name, false]),
);

function kindOf(e: Dirent): string {
  if (e.isSymbolicLink()) return 'a symbolic link';
  if (e.isDirectory()) return 'a folder';
  if (e.isFile()) return 'a file';
  return 'not a regular file';
}

/**
 * A known name that is not of its kind (a link, a folder named recipe_meta.yml, a file named
 * tests): said as such, rather than "not a file ccci reads — did you mean <the same name>?".
 * A link is never followed: its target is not part of the content an approval names.
 */
function wrongKind(
  e: Dirent,
  path: string,
  shown: string,
  problems: MetaProblem[],
  known: ReadonlyMap<string, boolean> = ENTRY_IS_DIR,
): boolean {
  const isDir = known.get(e.name);
  if (isDir === undefined || (isDir ? e.isDirectory() : e.isFile())) return false;
  const want = isDir ? 'a folder' : 'a regular file';
  problems.push(
    problem({
      code: 'wrong_file_kind',
      file: path,
      message: `${shown} is ${kindOf(e)}; ccci reads only ${want} here`,
      hint: e.isSymbolicLink()
        ? `replace the link with the ${isDir ? 'folder' : 'file'} itself`
        : `make ${shown} ${want}, or remove it`,
    }),
  );
  return true;
}

function readOverlay(file: string, problems: MetaProblem[]): { file: string; why: string } | null {
  const text = readRegular(file, COMPOSE_OVERLAY, problems);
  if (text === null) return null;
  const first = text.split('\n', 1)[0] ?? '';
  const why = /^#\s*(\S.*)$/.exec(first)?.[1]?.trim();
  if (!why) {
    problems.push(
      problem({
        code: 'compose_overlay_no_why',
        file,
        line: 1,
        message: `${COMPOSE_OVERLAY} must start with a comment saying why this CI needs it`,
        hint: '# e.g. "# ghost migrates its database on first start: allow 5 minutes before health counts"',
      }),
    );
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  for (const e of doc.errors) {
    problems.push(
      problem({
        code: 'compose_overlay_syntax',
        file,
        line: lc.linePos(e.pos[0]).line,
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
        hint: 'fix the YAML syntax at this line',
      }),
    );
  }
  return why ? { file, why } : null;
}

const OVERLAY_NAMES = OVERLAY_OPS.map((op) => `test_${op}`);

function discoverTests(dir: string, files: FolderFiles, problems: MetaProblem[]): void {
  for (const e of list(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'functional') files.functionalTests = filesUnder(path).sort();
      else if (e.name === 'playwright') files.playwrightTests = playwrightTests(path, problems);
      else if (!IGNORED.test(e.name)) {
        const suggestion = nearest(e.name, ['functional', 'playwright']);
        if (suggestion)
          problems.push(
            problem({
              code: 'unknown_file',
              file: path,
              message: `tests/${e.name}/ is not read by ccci — did you mean tests/${suggestion}/?`,
              hint: `rename it to tests/${suggestion}/`,
            }),
          );
      }
      continue;
    }
    const m = /^(test_[^.]+)\.[A-Za-z0-9]+$/.exec(e.name);
    if (!m?.[1]) continue; // helpers used by overlays
    const op = OVERLAY_OPS.find((o) => `test_${o}` === m[1]);
    if (op) files.testOverlays.push({ op, file: path });
    else {
      const suggestion = nearest(m[1], OVERLAY_NAMES);
      problems.push(
        problem({
          code: 'unknown_test_overlay',
          file: path,
          message: `${e.name} is not an overlay of a known op${suggestion ? ` — did you mean ${suggestion}?` : ''}`,
          hint: `overlays are ${OVERLAY_NAMES.map((n) => `${n}.*`).join(', ')}; rename helpers so they do not start with test_`,
        }),
      );
    }
  }
  files.testOverlays.sort((a, b) => OVERLAY_OPS.indexOf(a.op) - OVERLAY_OPS.indexOf(b.op));
}

const SPEC_FILE = /\.(spec|test)\.(ts|js|mjs|cjs)$/;
/**
 * The specs of `tests/playwright/` with their test counts by the harness's spec contract (a
 * default-exported function, or a `tests` object: see spec-static.ts). A spec whose count
 * cannot be told statically counts as one; a spec that plainly exports no test is an error,
 * found here rather than after a deploy.
 */
function playwrightTests(dir: string, problems: MetaProblem[]): { file: string; tests: number }[] {
  return filesUnder(dir)
    .filter((f) => SPEC_FILE.test(f))
    .sort()
    .flatMap((f) => {
      const path = join(dir, f);
      const text = readRegular(path, f, problems);
      if (text === null) return [];
      const tests = countSpecTests(text);
      if (tests === 0)
        problems.push(
          problem({
            code: 'spec_no_tests',
            file: path,
            message: `${f} exports no test ccci can run`,
            hint: 'export a test as `export default async ({ page, baseUrl }) => { … }` or several as `export const tests = { "name": async ({ page }) => { … } }` (Playwright Test `test()` calls are not run)',
          }),
        );
      return [{ file: f, tests: tests ?? 1 }];
    });
}

/**
 * The text of a regular file, else a problem and null: a link is not followed (it could name
 * /dev/zero or a file outside the approved content) and an unreadable file is said, not thrown.
 */
function readRegular(path: string, shown: string, problems: MetaProblem[]): string | null {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(path);
  } catch (e) {
    problems.push(
      problem({
        code: 'unreadable',
        file: path,
        message: `cannot read ${shown} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        hint: 'check the file permissions',
      }),
    );
    return null;
  }
  if (st.isFile()) return readText(path, problems);
  problems.push(
    problem({
      code: 'wrong_file_kind',
      file: path,
      message: `${shown} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; ccci reads only a regular file here`,
      hint: st.isSymbolicLink() ? 'replace the link with the file itself' : `remove ${shown}`,
    }),
  );
  return null;
}

/** A file's text, checked as UTF-8; else a problem (`unreadable`) and null. */
export function readText(file: string, problems: MetaProblem[]): string | null {
  try {
    const bytes = readFileSync(file);
    const text = bytes.toString('utf8');
    if (isUtf8(bytes)) return text;
    // Decoding would put U+FFFD in place of the bad bytes, silently changing a value.
    const line = text.slice(0, Math.max(0, text.indexOf('\uFFFD'))).split('\n').length;
    problems.push(
      problem({
        code: 'unreadable',
        file,
        line,
        message: `${basename(file)} is not UTF-8 text (first bad byte on line ${line})`,
        hint: 'save the file as UTF-8',
      }),
    );
    return null;
  } catch (e) {
    problems.push(
      problem({
        code: 'unreadable',
        file,
        message: `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        hint: 'check the file permissions',
      }),
    );
    return null;
  }
}
