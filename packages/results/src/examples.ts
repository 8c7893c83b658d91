import { createResultsBuilder } from './builder.js';
import type { Level } from './rungs.js';
import type { Results } from './types.js';

export interface ExampleOptions {
  /** The level the example run reaches. */
  level: Level;
  /** Recipe name. Default `custom-html`. */
  recipe?: string;
}

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);

/**
 * A plausible finished run that reaches `level` — for demos, sample cards and other packages'
 * tests (dashboard, harness). Deterministic: the same options give the same Results.
 */
export function exampleResults({ level, recipe = 'custom-html' }: ExampleOptions): Results {
  let now = T0;
  const b = createResultsBuilder({
    recipe,
    runId: `example-level-${level}`,
    sha: 'c0ffee0000000000000000000000000000c0ffee',
    ref: 'refs/pull/42/head',
    pr: 42,
    version: '1.4.0+1.27.2',
    executorUrl: 'https://drone.example.org/coop-cloud/ccci/1234',
    clock: () => now,
  });
  const step = (ms: number) => {
    now += ms;
  };
  const failAt = level + 1; // the rung that stops the climb (6 = none)
  const plan: [
    name: 'install' | 'upgrade' | 'backup_restore' | 'functional' | 'lint',
    ms: number,
  ][] = [
    ['install', 48_000],
    ['upgrade', 65_000],
    ['backup_restore', 31_000],
    ['functional', 12_400],
    ['lint', 3_200],
  ];
  step(20_000);
  b.countDeploy();
  for (const [i, [name, ms]] of plan.entries()) {
    const n = i + 1;
    if (n > failAt) break;
    b.startRung(name);
    step(ms);
    if (name === 'functional') {
      b.addTest({ name: 'tests/functional/test_homepage.sh', status: 'pass', ms: 2100 });
      b.addTest({
        name: 'tests/playwright/login.spec.ts',
        status: n === failAt ? 'fail' : 'pass',
        ms: 8800,
        reason: n === failAt ? 'Timeout 5000ms exceeded waiting for selector "#login"' : null,
      });
    }
    if (n < failAt) {
      b.finishRung('pass', name === 'upgrade' ? 'upgraded in place from 1.3.1+1.27.1' : null);
      continue;
    }
    const reasons = {
      install: "HEALTH_PATH /healthz answered 502 (the proxy's fallback page) after 120 s",
      upgrade: 'witness file missing from volume "content" after the upgrade',
      backup_restore: 'restore did not bring back the backed-up state of volume "content"',
      functional: 'login flow failed in tests/playwright/login.spec.ts',
      lint: 'R014 (error): only annotated tags used for recipe version',
    } as const;
    if (name === 'lint')
      b.setLint([
        {
          id: 'R014',
          severity: 'error',
          description: 'only annotated tags used for recipe version',
        },
        { id: 'R010', severity: 'warn', description: 'long secret names' },
      ]);
    b.finishRung('fail', reasons[name]);
  }
  step(9_000);
  b.setFlag('clean_teardown', true);
  b.setFlag('no_secret_leak', true);
  b.setManifest({ overlays: ['compose.ci.yml'], hooks: [], env: { HEALTH_PATH: '/healthz' } });
  for (const [kind, file] of [
    ['card_svg', 'card.svg'],
    ['card_png', 'card.png'],
    ['screenshot', 'screenshot.png'],
    ['badge', 'badge.svg'],
    ['log', 'run.log'],
    ['results', 'results.json'],
  ] as const) {
    b.addArtifact(kind, file);
  }
  return b.finish();
}
