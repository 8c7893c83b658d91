import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import LongSuitesFirst, { SUITE_SUFFIXES } from './scripts/vitest-sequencer.js';

// Two projects per workspace package (below), discovered from the folders so a new package
// needs no edit here. Tests import siblings through the `source` export condition: no test depends on
// another package's built output.
const roots = ['packages', 'apps'].flatMap((dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'package.json')))
        .map((d) => join(dir, d.name))
    : [],
);

// Two pools run side by side (record 147). The swarm and browser suites (the `:e2e` projects,
// `*.docker.test.ts` and `*.browser.test.ts`) each get a fresh child process: they start
// children, servers and stacks, and wait on the swarm between bursts of CPU — so one per core
// and one more, at least three (record 142). The other files are short and CPU-bound, and most
// of their cost was each file loading the workspace's modules again in a new process: they
// share the worker threads of a second pool without per-file isolation (the 130 files: 369
// busy core-seconds isolated in forks, 220 in two shared threads, the same 1 284 tests
// passing). CCCI_TEST_WORKERS and CCCI_TEST_THREADS override the two counts.
const workers = Number(process.env['CCCI_TEST_WORKERS'] ?? Math.max(3, availableParallelism() + 1));
const threads = Number(process.env['CCCI_TEST_THREADS'] ?? Math.max(2, availableParallelism()));
const SUITES = SUITE_SUFFIXES.map((suffix) => `**/*${suffix}`);
const UNIT_EXCLUDE = [...configDefaults.exclude, ...SUITES];
const INCLUDE = ['test/**/*.test.ts', 'src/**/*.test.ts'];

// The run's temporary files go to one new folder, TMPDIR for every worker and child; at the end
// what tests left there is named on stderr and the folder removed. An absolute path: each
// project (extends: true) resolves it against its own root.
const suiteTmpdir = join(import.meta.dirname, 'packages/test-support/src/suite-tmpdir.ts');
// Test stacks a killed earlier run left (older than any run) are removed before the tests.
const staleStacks = join(import.meta.dirname, 'packages/testbed/src/testing/sweep-setup.ts');

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    // The harness-runner and abra double bins run from the (turbo-cached) build: see the file.
    // Then the suite's own TMPDIR (after the build, whose temporary files are not the tests').
    globalSetup: [
      join(import.meta.dirname, 'scripts/vitest-built-bins.ts'),
      suiteTmpdir,
      staleStacks,
    ],
    // The swarm and browser suites longest first (see the file).
    sequence: { sequencer: LongSuitesFirst },
    maxWorkers: workers,
    minWorkers: 1,
    poolOptions: {
      forks: { isolate: true },
      // A non-isolated pool whose workers come and go fails with "Terminating worker thread":
      // the thread count is fixed.
      threads: { isolate: false, maxThreads: threads, minThreads: threads },
    },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: roots.flatMap((root) => {
      const name = root.split('/').pop() ?? root;
      return [
        {
          extends: true,
          test: {
            name,
            root,
            include: INCLUDE,
            exclude: UNIT_EXCLUDE,
            pool: 'threads',
            // A CPU-bound test runs many times slower while the swarm suites burst (two cores,
            // a dozen processes at once): a property test of 1.8 s alone took 34 s in a whole
            // run. The limit is there to end a hang, not to time the test.
            testTimeout: 90_000,
          },
        },
        {
          extends: true,
          test: { name: `${name}:e2e`, root, include: SUITES.map(suiteIn), pool: 'forks' },
        },
      ];
    }),
  },
});

/** A suite glob under the folders tests live in. */
function suiteIn(glob: string): string {
  return `{test,src}/${glob}`;
}
