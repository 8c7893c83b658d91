// vitest's file order: the long suites first, the longest of them first. vitest orders files by
// the durations it cached from the last run, and without that cache (a clean clone, as CI runs)
// by file size, which put the Docker and browser suites — minutes each, most of the suite's
// time — anywhere, often last: then one worker ran a three-minute suite alone at the end while
// the others had nothing left. The files named `*.docker.test.ts` and `*.browser.test.ts` go
// first (they have their own pool of forks, vitest.config.ts); among them the longest start
// first, so that the last to finish are short (longest-first scheduling): by vitest's cached
// durations when it has them for every such file, else by the seconds each took in a measured
// whole run (SECONDS below; a suite not listed counts as the longest, as vitest runs unknown
// files first). The many short files fill their own pool's workers in vitest's order.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The file names of the long suites (vitest.config.ts gives them their own pool of forks). */
export const SUITE_SUFFIXES = ['.docker.test.ts', '.browser.test.ts'] as const;
const isLongFile = (path: string) => SUITE_SUFFIXES.some((suffix) => path.endsWith(suffix));
/** A long suite not in SECONDS: first, as vitest runs files it knows nothing of first. */
const UNKNOWN = 1e9;

/**
 * Seconds each long suite took in one whole run on 2 cores (2026-12-03, three forks beside the
 * short files). Only the order matters: refresh it when a suite's length changes by much.
 */
const SECONDS: Readonly<Record<string, number>> = {
  'apps/harness-runner/test/warm.docker.test.ts': 225,
  'apps/harness-runner/test/signals.docker.test.ts': 177,
  'apps/harness-runner/test/hooks.docker.test.ts': 160,
  'apps/harness-runner/test/ladder.docker.test.ts': 149,
  'apps/harness-runner/test/refusals.docker.test.ts': 119,
  'apps/harness-runner/test/functional.docker.test.ts': 109,
  'packages/run/test/functional-playwright.browser.test.ts': 103,
  'packages/lock/test/janitor.docker.test.ts': 102,
  'packages/testbed/test/abra-double.docker.test.ts': 76,
  'apps/harness-runner/test/recipe-wiring.docker.test.ts': 73,
  'packages/lock/test/stack-objects.docker.test.ts': 56,
  'packages/testbed/test/abra-wrapper.docker.test.ts': 51,
  'apps/harness-runner/test/warm-fail.docker.test.ts': 50,
  'apps/harness-runner/test/keep.docker.test.ts': 46,
  'packages/bot/test/dashboard.browser.test.ts': 44,
  'apps/harness-runner/test/web.docker.test.ts': 41,
  'apps/trigger-bot/test/demo.docker.test.ts': 26,
  'packages/lock/test/keep.docker.test.ts': 7,
  'packages/bot/test/live.browser.test.ts': 7,
  'packages/run/test/deploy-policy.docker.test.ts': 3,
};

export default class LongSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const isLong = (f: TestSpecification) => isLongFile(f.moduleId);
    const long = ordered.filter(isLong);
    const root = this.ctx.config.root;
    const path = (f: TestSpecification) => relative(root, f.moduleId);
    const cached = long.every((f) =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${path(f)}`),
    );
    const seconds = (f: TestSpecification) => SECONDS[path(f)] ?? UNKNOWN;
    const first = cached ? long : [...long].sort((a, b) => seconds(b) - seconds(a));
    return [...first, ...ordered.filter((f) => !isLong(f))];
  }
}
