import type { ResultsBuilderOptions } from '../src/builder.js';
import { createResultsBuilder } from '../src/index.js';

export const SHA = '0123456789abcdef0123456789abcdef01234567';

/** A builder on a manual clock: `tick(ms)` moves time forward. */
export function manualBuilder(overrides: Partial<ResultsBuilderOptions> = {}) {
  let now = Date.UTC(2026, 10, 22, 3, 0, 0);
  const builder = createResultsBuilder({
    recipe: 'custom-html',
    runId: 'run-1',
    sha: SHA,
    ref: 'refs/pull/7/head',
    clock: () => now,
    ...overrides,
  });
  return {
    builder,
    tick(ms: number) {
      now += ms;
    },
  };
}

/** Every field filled with a non-default value: the lockstep check between types and schema. */
export function fullyFilled() {
  const { builder: b, tick } = manualBuilder({
    version: '1.2.0+3.4.5',
    pr: 7,
    executorUrl: 'https://drone.example.org/x/y/3',
    deployBudget: 2,
    quick: true,
  });
  b.countDeploy();
  b.countDeploy();
  b.startRung('install');
  b.addTest({ name: 'test_install.sh', status: 'pass', ms: 1200 });
  tick(30_000);
  b.finishRung('pass', 'healthy after 28 s');
  b.startRung('upgrade');
  b.addTest({ name: 'test_upgrade.sh', status: 'fail', ms: 500, reason: 'exit 1' });
  b.addTest({ name: 'test_upgrade.sh', status: 'pass', ms: 450 });
  tick(60_000);
  b.finishRung('pass');
  b.setRung('backup_restore', 'skip', 'EXPECTED_NA: backup_restore (no persistent data)');
  b.startRung('functional');
  b.addTest({ name: 'tests/functional/smoke.sh', status: 'unver', ms: 0, reason: 'curl missing' });
  tick(5_000);
  b.finishRung('unver', 'a tool is missing');
  b.startRung('lint');
  b.setLint([
    { id: 'R014', severity: 'error', description: 'only annotated tags used for recipe version' },
    { id: 'R010', severity: 'warn', description: 'long secret names' },
  ]);
  tick(3_000);
  b.finishRung('fail', 'R014 unsatisfied');
  b.setFlag('clean_teardown', true);
  b.setFlag('no_secret_leak', true);
  b.setManifest({ overlays: ['compose.ci.yml'], nested: { ok: true } });
  for (const kind of ['card_svg', 'card_png', 'screenshot', 'badge', 'log', 'results'] as const) {
    b.addArtifact(kind, `${kind}.bin`);
  }
  return b.finish();
}
