// Load and validate 500 generated recipe folders in one process; prints recipes per second.
// Goal: 500 in under one second (first, cold pass of one process). A mix like real enrolments:
// most have a recipe_meta.yml, one in ten a hooks.ts (its parser is loaded only then), some
// overlays and tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const N = 500;
const root = mkdtempSync(join(tmpdir(), 'recipe-meta-bench-'));
const recipes = join(root, 'recipes');

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

try {
  for (let i = 0; i < N; i++) {
    const dir = join(recipes, `recipe-${i}`);
    mkdirSync(dir, { recursive: true });
    if (i % 10 !== 0)
      write(
        join(dir, 'recipe_meta.yml'),
        [
          `# recipe ${i}`,
          `HEALTH_PATH: /health/${i}`,
          'HEALTH_OK: [200, 204]',
          `DEPLOY_TIMEOUT: ${600 + i}`,
          'EXTRA_ENV:',
          '  COMPOSE_FILE: compose.yml:compose.smtp.yml',
          '  SMTP_PASSWORD: not-a-real-one',
          'READY_PROBE:',
          '  - tcp: 5432',
          '    stable: 2',
          'EXPECTED_NA: {lint: upstream rule does not apply}',
          i % 7 === 0 ? 'HEALT_PATH: /typo' : '_note: fine',
          '',
        ].join('\n'),
      );
    if (i % 10 === 5)
      write(
        join(dir, 'hooks.ts'),
        "import type { HookContext } from '@ccci/recipe-meta';\nexport async function preInstall(ctx: HookContext) { ctx.log.info('x'); }\nexport const SCREENSHOT = async (page: unknown, ctx: HookContext) => {};\n",
      );
    if (i % 4 === 0)
      write(
        join(dir, 'compose.ccci.yml'),
        '# slow boot\nservices: {app: {healthcheck: {start_period: 5m}}}\n',
      );
    if (i % 3 === 0) {
      write(join(dir, 'tests/test_install.sh'), 'true\n');
      write(join(dir, 'tests/functional/a.sh'), 'true\n');
      write(join(dir, 'tests/playwright/a.spec.ts'), "test('a', async () => {});\n");
    }
  }

  // Wall time and this process's CPU time: on a shared, loaded machine the CPU figure shows
  // what the work costs, the wall figure what a user waited.
  // Importing the package (yaml, ajv, registry) happens once per process before the first pass.
  const imp0 = process.cpuUsage();
  const i0 = performance.now();
  const { validateRecipes } = await import('../src/index.js');
  const importWall = performance.now() - i0;
  const impCpu = process.cpuUsage(imp0);
  const pass = () => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const report = validateRecipes([recipes]);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(cpu0);
    return { report, wall, cpu: (c.user + c.system) / 1000 };
  };
  const fmt = (ms: number) => `${ms.toFixed(0)} ms = ${(N / (ms / 1000)).toFixed(0)} recipes/s`;
  const cold = pass();
  const warm = [pass(), pass(), pass()].sort((a, b) => a.wall - b.wall)[0]!;
  const invalid = cold.report.recipes.filter((r) => !r.ok).length;
  const withHooks = cold.report.recipes.filter((r) => r.hooks).length;
  console.log(
    `recipes loaded+validated: ${cold.report.recipes.length} (${invalid} invalid, as generated; ${withHooks} = ${((100 * withHooks) / N).toFixed(0)}% with hooks.ts)`,
  );
  console.log(
    `cold (first pass, incl. validators + hooks parser load):  wall ${fmt(cold.wall)}; cpu ${fmt(cold.cpu)}`,
  );
  console.log(
    `warm (best of 3):                                       wall ${fmt(warm.wall)}; cpu ${fmt(warm.cpu)}`,
  );
  console.log(
    `import of the package before the first pass (not in the figures above): wall ${importWall.toFixed(0)} ms; cpu ${((impCpu.user + impCpu.system) / 1000).toFixed(0)} ms`,
  );
  console.log(`goal ${N} in < 1000 ms (cold, wall): ${cold.wall < 1000 ? 'met' : 'NOT met'}`);
  if (warm.report.recipes.length !== N) process.exitCode = 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
