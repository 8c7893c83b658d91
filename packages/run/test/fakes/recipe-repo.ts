import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Clone } from '../../src/support/git.js';

/** The release the recipe repository has besides its head (its only one). */
export const BASE_RELEASE = '1.0.0+1.0';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'ccci test',
  GIT_AUTHOR_EMAIL: 'test@ccci.localhost',
  GIT_COMMITTER_NAME: 'ccci test',
  GIT_COMMITTER_EMAIL: 'test@ccci.localhost',
};

/** The template repository's folders and files (paths relative to it), held in memory. */
interface Template {
  readonly folders: string[];
  readonly files: [path: string, data: Buffer][];
  readonly headSha: string;
}

let template: Template | undefined;

/**
 * A real git repository of a recipe at `dir`: a compose.yml and .env.sample, the annotated
 * release tag {@link BASE_RELEASE}, and one commit after it (the head under test), checked out
 * detached like the harness's clone. Built once per test file, kept in memory (its temp folder
 * is removed at once: a worker that is ended runs no exit handler) and written out for each
 * call; returns what `describeClone` reads from it.
 */
export function recipeRepo(dir: string): Clone {
  template ??= buildTemplate();
  for (const folder of template.folders) mkdirSync(join(dir, folder), { recursive: true });
  for (const [path, data] of template.files) writeFileSync(join(dir, path), data);
  return { dir, headSha: template.headSha, headTags: [], releases: [BASE_RELEASE] };
}

function buildTemplate(): Template {
  const dir = mkdtempSync(join(tmpdir(), 'ccci-recipe-'));
  try {
    const headSha = commitRecipe(dir);
    return { ...snapshot(dir), headSha };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads every folder and file under `dir`. */
function snapshot(dir: string): Omit<Template, 'headSha'> {
  const folders = [''];
  const files: Template['files'] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) folders.push(relative(dir, path));
    else files.push([relative(dir, path), readFileSync(path)]);
  }
  return { folders, files };
}

/** Makes the recipe repository in the empty folder `dir`; returns its head commit. */
function commitRecipe(dir: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, stdio: 'ignore' });
  git('init', '--quiet', '--initial-branch=main');
  writeFileSync(join(dir, '.env.sample'), 'TYPE=web\nDOMAIN=web.example.com\n');
  writeFileSync(join(dir, 'compose.yml'), 'services:\n  app:\n    image: nginx:1.27.2\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'first release');
  git('tag', '--annotate', BASE_RELEASE, '-m', BASE_RELEASE);
  writeFileSync(join(dir, 'compose.yml'), 'services:\n  app:\n    image: nginx:1.27.3\n');
  git('commit', '--quiet', '--all', '-m', 'the change under test');
  git('checkout', '--quiet', '--detach', 'HEAD');
  return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
}
