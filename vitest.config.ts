import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import LongSuitesFirst from './scripts/vitest-sequencer.js';

// One project per workspace package, discovered from the folders so a new package needs no
// edit here. Tests import siblings through the `source` export condition: no test depends on
// another package's built output.
const roots = ['packages', 'apps'].flatMap((dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'package.json')))
        .map((d) => join(dir, d.name))
    : [],
);

// A Docker suite's file waits on the swarm (deploys converging, tasks shutting down) between
// bursts of CPU: vitest's default of one worker per core but one ran a 2-core machine's suite
// file after file. Each Docker suite has its own ci domain, locks and state, so files run side
// by side: one per core and one more, at least three. On 2 cores the same tree took
// 815 s with two workers and 644 s with three (the machine then 94 % busy, so a fourth gains
// nothing; four under a soak took 22.5 min and vitest's own worker calls timed out). Record 142.
// CCCI_TEST_WORKERS overrides.
const workers = Number(process.env['CCCI_TEST_WORKERS'] ?? Math.max(3, availableParallelism() + 1));

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
    // The Docker and browser suites first (see the file).
    sequence: { sequencer: LongSuitesFirst },
    maxWorkers: workers,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: roots.map((root) => ({
      extends: true,
      test: {
        name: root.split('/').pop() ?? root,
        root,
        include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      },
    })),
  },
});
