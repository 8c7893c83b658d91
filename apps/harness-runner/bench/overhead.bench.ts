// Harness overhead on the web fixture: harness wall time ÷ wall time of the abra and docker
// processes it ran (overlapping calls counted once). Goal ≤ 1.10. Also wall ÷ all children
// (git, Chromium too), and where the rest went: start-up until the first child, gaps between
// children, stretches where only git/Chromium ran, after the last child. BENCH_RUNS runs
// (default 3): figures per run, then the medians (the machine may be loaded by others' work).
// Real swarm, abra double on PATH, testbed gateway. Prints figures; asserts nothing.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFixtureEnrolment,
  createFixtureRecipe,
  exitUnlessDocker,
  localHarnessEnv,
  startGateway,
  uniqueCiDomain,
} from '@ccci/testbed';
import { execa } from 'execa';

exitUnlessDocker('harness overhead');
// Several runs, figures per run and the median: the machine may be loaded by others' work.
const runs = Number(process.env['BENCH_RUNS'] ?? '3');
const root = mkdtempSync(join(tmpdir(), 'ccci-bench-'));
const src = await createFixtureRecipe('web', { dir: join(root, 'src') });
const enrolment = createFixtureEnrolment(root);
const gateway = await startGateway();
const ciDomain = uniqueCiDomain();
// Measured on the built form (dist/cli.js), as production runs it: the tsx loader of the dev
// bin costs seconds of start-up that no operator pays. The build is turbo-cached.
await execa('pnpm', ['-s', 'turbo', 'run', 'build', '--filter', '@ccci/harness-runner...'], {
  cwd: join(import.meta.dirname, '../../..'),
  stdio: 'inherit',
});
const cli = join(import.meta.dirname, '../dist/cli.js');

interface Timing {
  gaps: string[];
  wallMs: number;
  abraDockerMs: number;
  allChildrenMs: number;
  startupMs: number;
  gapsMs: number;
  tailMs: number;
  otherOnlyMs: number;
  otherOnly: string[];
}

const ratios: { abraDocker: number; all: number }[] = [];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

for (let i = 1; i <= runs; i++) {
  const runId = `bench${i}`;
  const t0 = performance.now();
  const r = await execa(
    process.execPath,
    [cli, 'run', '--recipe', 'web', '--ref', 'main', '--src', src, '--run-id', runId],
    {
      reject: false,
      env: localHarnessEnv({ root, enrolmentDir: enrolment, ciDomain, gatewayUrl: gateway.url }),
    },
  );
  const cliMs = performance.now() - t0;
  const dir = readdirSync(join(root, 'runs')).find((d) => d.startsWith(`${runId}.`));
  const log = dir ? join(root, 'runs', dir, 'artifacts', 'run.log') : '';
  const line = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .find((l) => l.includes('"msg":"timing"'))
    : undefined;
  if (r.exitCode !== 0 || !line) {
    console.log(`run ${i}: harness exited ${r.exitCode}; no figures\n${r.stdout}\n${r.stderr}`);
    continue;
  }
  const t = JSON.parse(line) as Timing;
  const level = JSON.parse(
    readFileSync(join(root, 'runs', dir as string, 'artifacts', 'results.json'), 'utf8'),
  ).level;
  console.log(`run ${i} (web fixture, level ${level}):`);
  console.log(`  harness wall time (in process)          ${(t.wallMs / 1000).toFixed(1)} s`);
  console.log(`  CLI wall time (incl. node/tsx start)    ${(cliMs / 1000).toFixed(1)} s`);
  console.log(`  abra + docker processes (union)         ${(t.abraDockerMs / 1000).toFixed(1)} s`);
  console.log(`  all children incl. git, Chromium        ${(t.allChildrenMs / 1000).toFixed(1)} s`);
  console.log(
    `  overhead ratio  wall ÷ abra+docker      ${(t.wallMs / t.abraDockerMs).toFixed(3)}  (goal ≤ 1.10)`,
  );
  console.log(`  overhead ratio  CLI wall ÷ abra+docker  ${(cliMs / t.abraDockerMs).toFixed(3)}`);
  console.log(
    `  ratio           wall ÷ all children     ${(t.wallMs / t.allChildrenMs).toFixed(3)}`,
  );
  console.log('  where the time outside abra+docker went (each instant counted once):');
  console.log(`    start-up until the first child        ${s(t.startupMs)}`);
  console.log(`    gaps between children                 ${s(t.gapsMs)}`);
  console.log(`    only other children (git, Chromium)   ${s(t.otherOnlyMs)}`);
  for (const o of t.otherOnly.slice(0, 6)) console.log(`      ${o}`);
  console.log(`    after the last child                  ${s(t.tailMs)}`);
  console.log('  longest stretches with no child running:');
  for (const g of t.gaps ?? []) console.log(`    ${g}`);
  ratios.push({ abraDocker: t.wallMs / t.abraDockerMs, all: t.wallMs / t.allChildrenMs });
}
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
};
if (ratios.length > 0) {
  const list = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(' ');
  console.log(`\nover ${ratios.length} run(s):`);
  console.log(
    `  wall ÷ abra+docker   median ${median(ratios.map((r) => r.abraDocker)).toFixed(3)}  (goal ≤ 1.10; runs: ${list(ratios.map((r) => r.abraDocker))})`,
  );
  console.log(
    `  wall ÷ all children  median ${median(ratios.map((r) => r.all)).toFixed(3)}  (runs: ${list(ratios.map((r) => r.all))})`,
  );
}
await gateway.close();
rmSync(root, { recursive: true, force: true });
