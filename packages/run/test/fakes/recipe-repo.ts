import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

let template: { dir: string; headSha: string } | undefined;

/**
 * A real git repository of a recipe at `dir`: a compose.yml and .env.sample, the annotated
 * release tag {@link BASE_RELEASE}, and one commit after it (the head under test), checked out
 * detached like the harness's clone. Built once per test worker and copied; returns what
 * `describeClone` reads from it.
 */
export function recipeRepo(dir: string): Clone {
  template ??= buildTemplate();
  cpSync(template.dir, dir, { recursive: true });
  return { dir, headSha: template.headSha, headTags: [], releases: [BASE_RELEASE] };
}

function buildTemplate(): { dir: string; headSha: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ccci-recipe-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
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
  const headSha = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return { dir, headSha: headSha.trim() };
}
