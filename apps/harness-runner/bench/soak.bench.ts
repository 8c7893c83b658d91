// Soak: SOAK_CYCLES (default 500) deploy/remove cycles of the web fixture on one swarm, through
// abra (the double here), SOAK_PARALLEL at a time (default 2), every 10th cycle killed with
// SIGKILL mid-deploy and cleaned up after. Prints the addresses in use on `proxy` every 50
// cycles and the first and last cycles' deploy times: on a healthy host neither grows.
// Asserts nothing. Long: about 10 s a cycle.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { networkUsage } from '@ccci/lock';
import {
  createFixtureRecipe,
  exitUnlessDocker,
  removeStackObjects,
  runAbraDouble,
  stackNameOf,
  uniqueAppDomain,
  uniqueCiDomain,
  withAbraDouble,
} from '@ccci/testbed';
import { execa } from 'execa';

exitUnlessDocker('soak');
const cycles = Number(process.env['SOAK_CYCLES'] ?? '500');
const parallel = Number(process.env['SOAK_PARALLEL'] ?? '2');
const abra = withAbraDouble();
await createFixtureRecipe('web', { dir: join(abra.abraDir, 'recipes') });
const ci = uniqueCiDomain();
const runDocker = async (args: readonly string[]) => {
  const r = await execa('docker', [...args], { reject: false });
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
};
const usage = async () => {
  const u = await networkUsage(runDocker, 'proxy');
  return u ? `${u.used}/${u.capacity} (${u.subnets.join(', ')})` : 'unknown';
};
console.log(`proxy addresses at start: ${await usage()}`);

const deployMs: number[] = [];
let next = 0;
const inFlight = new Set<string>();
let finished = 0;
async function cycle(i: number): Promise<void> {
  const domain = uniqueAppDomain('web', ci);
  inFlight.add(domain);
  const env = abra.env;
  await runAbraDouble(['app', 'new', 'web', '--server', 'default', '--domain', domain], { env });
  appendFileSync(join(abra.abraDir, 'servers', 'default', `${domain}.env`), 'TIMEOUT=120\n');
  const started = performance.now();
  if (i % 10 === 9) {
    // The kill path: abra dies mid-deploy; what it made is removed by name afterwards.
    await runAbraDouble(['app', 'deploy', domain, '--chaos'], { env, timeoutMs: 1500 });
  } else {
    const r = await runAbraDouble(['app', 'deploy', domain, '--chaos'], { env });
    if (r.exitCode === 0) deployMs.push(performance.now() - started);
    else console.log(`cycle ${i + 1}: deploy failed: ${r.output.trim().split('\n').at(-1)}`);
  }
  await runAbraDouble(['app', 'undeploy', domain], { env });
  await runAbraDouble(['app', 'rm', domain, '-f'], { env });
  await removeStackObjects(`${stackNameOf(domain)}_`);
  inFlight.delete(domain);
  finished++;
}
async function worker(): Promise<void> {
  while (next < cycles) {
    const i = next++;
    await cycle(i);
    if ((i + 1) % 50 === 0) console.log(`after ${i + 1} cycles: proxy addresses ${await usage()}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
/** The figures so far: at the end, or when a time limit stops the soak (SIGTERM). */
async function report(done: number): Promise<void> {
  const first = deployMs.slice(0, 10);
  const last = deployMs.slice(-10);
  console.log(`after ${done} cycles (${deployMs.length} deploys timed)`);
  console.log(`proxy addresses at the end: ${await usage()}`);
  console.log(
    `deploy time, median of the first 10: ${(median(first) / 1000).toFixed(1)} s; of the last 10: ${(median(last) / 1000).toFixed(1)} s; ratio ${(median(last) / Math.max(1, median(first))).toFixed(2)}`,
  );
}
process.once('SIGTERM', () => {
  // Cycles in flight are cut short; what they made is removed by name before the figures.
  next = cycles;
  void Promise.all(
    [...inFlight].map((domain) => removeStackObjects(`${stackNameOf(domain)}_`).catch(() => {})),
  )
    .then(() => report(finished))
    .finally(() => process.exit(143));
});
await Promise.all(Array.from({ length: parallel }, worker));
abra.cleanup();
await report(finished);
