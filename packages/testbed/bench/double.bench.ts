// Figures for the testbed: abra double start-up, one fixture lifecycle on the real swarm, and
// the gateway's overhead over a direct request. Prints numbers; asserts nothing.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  createFixtureRecipe,
  exitUnlessDocker,
  removeStackObjects,
  runAbraDouble,
  stackNameOf,
  startGateway,
  uniqueAppDomain,
  uniqueCiDomain,
  withAbraDouble,
} from '../src/index.js';

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

function get(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}

exitUnlessDocker('abra double');

const abra = withAbraDouble();
const domain = uniqueAppDomain('web', uniqueCiDomain());
try {
  const starts: number[] = [];
  for (let i = 0; i < 5; i++)
    starts.push(
      (await timed(() => execa(join(import.meta.dirname, '../bin/abra'), ['--version'])))[0],
    );
  console.log(`abra double start-up (--version, median of 5): ${median(starts).toFixed(0)} ms`);

  const recipe = await createFixtureRecipe('web', { dir: join(abra.abraDir, 'recipes') });
  const env = { ...abra.env, TIMEOUT: '120' };
  const step = async (label: string, args: string[]) => {
    const [ms, r] = await timed(() => runAbraDouble(args, { env }));
    if (r.exitCode !== 0) throw new Error(`${label} failed: ${r.output}`);
    console.log(`${label.padEnd(34)} ${(ms / 1000).toFixed(1)} s`);
  };
  await step('app new', ['app', 'new', 'web', '--server', 'default', '--domain', domain]);
  await step('app deploy 1.0.0+1.0 (converged)', ['app', 'deploy', domain, '1.0.0+1.0']);

  const gw = await startGateway();
  const port = Number(
    /^PORT=(\d+)$/m.exec(
      readFileSync(join(abra.abraDir, 'servers', 'default', `${domain}.env`), 'utf8'),
    )?.[1],
  );
  const direct: number[] = [];
  const via: number[] = [];
  for (let i = 0; i < 200; i++) {
    direct.push((await timed(() => get(port, domain)))[0]);
    via.push((await timed(() => get(gw.port, domain)))[0]);
  }
  await gw.close();
  const d = median(direct);
  const g = median(via);
  console.log(`GET / direct (median of 200):       ${d.toFixed(2)} ms`);
  console.log(
    `GET / via gateway (median of 200):  ${g.toFixed(2)} ms  (ratio ${(g / d).toFixed(2)}x)`,
  );

  await execa('git', ['-C', recipe, 'checkout', '-q', 'main']);
  await step('app deploy --chaos (upgrade, rolled)', ['app', 'deploy', domain, '--chaos']);
  await step('app undeploy', ['app', 'undeploy', domain]);
  await step('app rm -f', ['app', 'rm', domain, '-f']);
} finally {
  await removeStackObjects(`${stackNameOf(domain)}_`);
  abra.cleanup();
}
