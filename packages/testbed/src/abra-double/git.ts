// Recipe repository operations. abra uses go-git; the double uses the git CLI with the same
// meaning: release versions are annotated tags (`1.0.0+1.0`), a worktree with any change —
// including untracked files — is "unstaged changes".
import { execa } from 'execa';
import { fatal } from './log.js';

async function git(dir: string, args: string[]): Promise<string> {
  const r = await execa('git', ['-C', dir, ...args], { reject: false });
  if (r.exitCode !== 0) fatal(`git ${args.join(' ')} failed in ${dir}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

export async function isClean(dir: string): Promise<boolean> {
  return (await git(dir, ['status', '--porcelain'])) === '';
}

export interface Tag {
  name: string;
  annotated: boolean;
}

export async function tags(dir: string): Promise<Tag[]> {
  const outText = await git(dir, [
    'for-each-ref',
    'refs/tags',
    '--format=%(refname:short) %(objecttype)',
  ]);
  return outText
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name = '', type] = l.split(' ');
      return { name, annotated: type === 'tag' };
    });
}

/** Compare recipe versions `1.2.3+4.5`: numeric parts left to right. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+_-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+_-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export async function releases(dir: string): Promise<string[]> {
  return (await tags(dir))
    .filter((t) => t.annotated)
    .map((t) => t.name)
    .sort(compareVersions);
}

export async function checkout(dir: string, ref: string): Promise<void> {
  await git(dir, ['checkout', '-q', ref]);
}

/** The tag exactly at HEAD, if any (annotated or not). */
export async function exactTag(dir: string): Promise<string | undefined> {
  const r = await execa('git', ['-C', dir, 'describe', '--exact-match', '--tags', 'HEAD'], {
    reject: false,
  });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

export async function shortHash(dir: string): Promise<string> {
  return git(dir, ['rev-parse', '--short=8', 'HEAD']);
}
