// The README's main job: the `web` fixture recipe end to end on the local swarm. abra is the
// testbed's STAND-IN (packages/testbed/bin/abra) first on PATH, traefik is the testbed's
// gateway; Docker Swarm, git and Chromium are real. Prints where the results are.
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFixtureEnrolment,
  createFixtureRecipe,
  localHarnessEnv,
  startGateway,
  uniqueCiDomain,
} from '@ccci/testbed';
import { execa } from 'execa';
import { BIN, runArgs } from '../test/e2e.js';

const root = process.env['CCCI_DEMO_DIR'] ?? mkdtempSync(join(tmpdir(), 'ccci-demo-'));
mkdirSync(root, { recursive: true });
const say = (s: string) => process.stdout.write(`[demo] ${s}\n`);

say(`working in ${root}`);
say('abra here is the testbed STAND-IN (packages/testbed/bin/abra), put first on PATH: it');
say('drives the real local Docker Swarm the way abra does. traefik is the testbed gateway.');
const src = await createFixtureRecipe('web', { dir: join(root, 'src') });
const enrolment = createFixtureEnrolment(root);
const gateway = await startGateway();
const ciDomain = uniqueCiDomain();
say(`recipe fixture "web" (two releases) at ${src}; gateway ${gateway.url}; ci domain ${ciDomain}`);
const runsDir = join(root, 'runs');
const child = execa(BIN, runArgs('web', src, `demo${Date.now().toString(36)}`), {
  stdio: 'inherit',
  reject: false,
  forceKillAfterDelay: false,
  env: localHarnessEnv({ root, enrolmentDir: enrolment, ciDomain, gatewayUrl: gateway.url }),
});
// Ctrl-C reaches the harness too (same process group); it tears down and exits 130.
process.on('SIGINT', () => {});
const r = await child;
await gateway.close();
say(`harness-runner exited ${r.exitCode ?? r.signal}`);
for (const dir of existsSync(runsDir) ? readdirSync(runsDir) : []) {
  say(
    `results (results.json, card.png, badge.svg, comment.md, screenshot.png, run.log): ${join(runsDir, dir, 'artifacts')}`,
  );
}
process.exit(r.exitCode ?? 1);
