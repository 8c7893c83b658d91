// The suite's file order (scripts/vitest-sequencer.ts): the swarm and browser suites first,
// longest first — by vitest's cached durations when it has them for each, else by the seconds
// listed in the sequencer; a long suite it knows nothing of goes first of all.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import LongSuitesFirst from '../../../scripts/vitest-sequencer.js';

const root = '/repo';
const spec = (path: string) =>
  ({ moduleId: join(root, path), project: { name: 'p' } }) as unknown as TestSpecification;

/** A sequencer over a fake vitest whose cache holds `durations` (path → ms) and file sizes. */
function sequencer(durations: Record<string, number> = {}): LongSuitesFirst {
  const ctx = {
    config: { root },
    cache: {
      getFileTestResults: (key: string) => {
        const ms = durations[key.replace(/^p:/, '')];
        return ms === undefined ? undefined : { duration: ms, failed: false };
      },
      getFileStats: () => ({ size: 1 }),
    },
  };
  return new LongSuitesFirst(ctx as unknown as Vitest);
}

const order = async (s: LongSuitesFirst, paths: string[]) =>
  (await s.sort(paths.map(spec))).map((f) => f.moduleId.slice(root.length + 1));

const SHORT = 'packages/a/test/short.test.ts';
const WEB = 'apps/harness-runner/test/web.docker.test.ts';
const WARM = 'apps/harness-runner/test/warm.docker.test.ts';
const LIVE = 'packages/bot/test/live.browser.test.ts';
const NEW = 'packages/x/test/new.docker.test.ts';

describe('LongSuitesFirst', () => {
  it('without cached durations: the long suites by their listed seconds, an unlisted one first', async () => {
    expect(await order(sequencer(), [SHORT, LIVE, WEB, NEW, WARM])).toEqual([
      NEW,
      WARM,
      WEB,
      LIVE,
      SHORT,
    ]);
  });

  it('with a cached duration for every long suite: vitest’s order (longest cached first)', async () => {
    const cached = { [WEB]: 300_000, [WARM]: 10_000, [LIVE]: 20_000, [SHORT]: 1 };
    expect(await order(sequencer(cached), [SHORT, WARM, LIVE, WEB])).toEqual([
      WEB,
      LIVE,
      WARM,
      SHORT,
    ]);
  });
});
