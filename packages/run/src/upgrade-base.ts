import type { UpgradeBase } from './context.js';

export interface UpgradeBaseInput {
  /** Published versions (release tags), oldest first. */
  releases: readonly string[];
  headSha: string;
  /** Release tags on the head commit. */
  headTags: readonly string[];
  explicit: string | undefined;
  untestable: Readonly<Record<string, string>>;
  lastGreen: string | undefined;
  /** Tip of the target branch (a commit), when known. */
  targetTip: string | undefined;
}

/**
 * Upgrade base, first that applies (TIERS-AND-LEVELS.md): UPGRADE_BASE_VERSION; the last
 * green warm canonical version (if it is the head's, the newest published version strictly
 * older than the head); the tip of the target branch (if it is the head itself, the newest
 * published version strictly older than the head); else none. UNTESTABLE_VERSIONS are
 * stepped over (to the next older release) and said so in `note`.
 */
export function resolveUpgradeBase(input: UpgradeBaseInput): UpgradeBase {
  const { releases, headTags, untestable } = input;
  const stepped: string[] = [];
  const headIndex = Math.min(
    ...headTags.map((t) => releases.indexOf(t)).filter((i) => i >= 0),
    releases.length,
  );
  /** Newest testable release strictly older than `index` in `releases`. */
  const olderThan = (index: number): string | undefined => {
    for (let i = index - 1; i >= 0; i--) {
      const v = releases[i] as string;
      if (Object.hasOwn(untestable, v)) stepped.push(`${v} (${untestable[v]})`);
      else return v;
    }
    return undefined;
  };
  const testable = (v: string): string | undefined => {
    if (!Object.hasOwn(untestable, v)) return v;
    stepped.push(`${v} (${untestable[v]})`);
    const i = releases.indexOf(v);
    return i >= 0 ? olderThan(i) : undefined;
  };
  const done = (
    version: string | undefined,
    source: UpgradeBase['source'],
    why: string,
  ): UpgradeBase => {
    const note = [why, stepped.length > 0 ? `stepped over untestable ${stepped.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    return version === undefined
      ? { version: undefined, source: 'none', note: note || 'no upgrade base' }
      : { version, source, note };
  };

  if (input.explicit) {
    return done(
      testable(input.explicit),
      'UPGRADE_BASE_VERSION',
      `UPGRADE_BASE_VERSION ${input.explicit}`,
    );
  }
  if (input.lastGreen) {
    const v = headTags.includes(input.lastGreen) ? olderThan(headIndex) : testable(input.lastGreen);
    if (v) return done(v, 'warm canonical', `last green warm canonical ${input.lastGreen}`);
  }
  if (input.targetTip && input.targetTip !== input.headSha) {
    return done(input.targetTip, 'target branch', 'tip of the target branch');
  }
  if (input.targetTip === input.headSha) {
    const v = olderThan(headIndex);
    return done(
      v,
      'previous release',
      v
        ? 'the head is the tip of the target branch: newest published version older than the head'
        : 'no upgrade base: the head is the target branch tip and no older published version is testable',
    );
  }
  return done(
    undefined,
    'none',
    'no upgrade base: no UPGRADE_BASE_VERSION, no warm canonical, no target branch',
  );
}
