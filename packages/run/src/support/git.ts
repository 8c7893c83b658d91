import type { Proc } from './proc.js';

const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true' };

export interface Clone {
  dir: string;
  headSha: string;
  /** Tags pointing at the head commit. */
  headTags: string[];
  /** Annotated release tags, oldest first (version sort). */
  releases: string[];
}

/**
 * Clones `src` into `dir` and checks out `ref` (a SHA or a branch) detached. `--` ends
 * options everywhere, so a ref or URL can never be read as a flag.
 */
export async function cloneAt(
  proc: Proc,
  src: string,
  ref: string,
  dir: string,
  signal?: AbortSignal,
): Promise<Clone> {
  const o = { env: GIT_ENV, timeoutMs: 300_000, ...(signal ? { signal } : {}) };
  await proc.run('git', ['clone', '--quiet', '--no-checkout', '--', src, dir], o);
  await proc.run('git', ['-C', dir, 'fetch', '--quiet', '--tags', 'origin', '--', ref], o);
  await proc.run(
    'git',
    ['-C', dir, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', 'FETCH_HEAD'],
    o,
  );
  return describeClone(proc, dir);
}

async function describeClone(proc: Proc, dir: string): Promise<Clone> {
  const headSha = (await proc.run('git', ['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim();
  const headTags = split((await proc.run('git', ['-C', dir, 'tag', '--points-at', 'HEAD'])).stdout);
  const releases = split(
    (await proc.run('git', ['-C', dir, 'tag', '--list', '--sort=version:refname'])).stdout,
  ).filter((t) => /^\d+\.\d+\.\d+\+\S+$/.test(t));
  return { dir, headSha, headTags, releases };
}

export async function checkoutDetached(proc: Proc, dir: string, rev: string): Promise<void> {
  await proc.run('git', [
    '-C',
    dir,
    '-c',
    'advice.detachedHead=false',
    'checkout',
    '--quiet',
    '--detach',
    rev,
    '--',
  ]);
}

/** The default branch's tip of origin (`origin/HEAD`), or undefined. */
export async function targetTip(
  proc: Proc,
  dir: string,
  branch?: string,
): Promise<string | undefined> {
  const ref = branch ? `refs/remotes/origin/${branch}` : 'refs/remotes/origin/HEAD';
  const r = await proc.run(
    'git',
    ['-C', dir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`],
    { allowFailure: true },
  );
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

function split(s: string): string[] {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
