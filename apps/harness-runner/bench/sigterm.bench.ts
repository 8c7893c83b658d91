// SIGTERM trials around child hand-overs (issue: a signal at the start of an abra child once
// ended a run with exit 0 and no results). SIGTERM_TRIALS runs (default 50) of the web fixture
// on the real swarm, 4 at a time; each is signalled at a random point concentrated around child
// starts: a random delay (0–1.5 s) after `install: abra app new`, or (0–0.2 s) after
// `install: deploy`, or (0–0.3 s) after the planned-deploy policy check. Prints, per outcome,
// how many trials: exit 143, results.json present, clean_teardown; then what is left on the swarm
// and in /tmp. Asserts nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitUnlessDocker } from '@ccci/testbed';
import { createBed, runArgs } from '../test/e2e.js';

exitUnlessDocker('sigterm trials');
const trials = Number(process.env['SIGTERM_TRIALS'] ?? '50');
const chromiumDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('ccci-chromium-'));
const before = new Set(chromiumDirs());
const bed = await createBed();
const src = await bed.src('web');
const only = process.env['SIGTERM_POINT'];
const points: [RegExp, number][] = [
  [/install: abra app new/, 1500],
  [/install: deploy /, 200],
  [/compose policy: planned deploys/, 300],
];
const outcomes: string[] = [];
let next = 0;
async function worker(): Promise<void> {
  while (next < trials) {
    const i = next++;
    const usable = points.filter(([p]) => !only || p.source.includes(only));
    const [point, spread] = usable[i % usable.length] as [RegExp, number];
    const delay = Math.round(Math.random() * spread);
    const id = `sigt${i}`;
    const child = bed.run(runArgs('web', src, id));
    await child.waitOutput(point);
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGTERM');
    const r = await child;
    const file = join(bed.artifactsDir(id), 'results.json');
    const has = existsSync(file);
    const clean = has ? bed.results(id).flags['clean_teardown'] === true : false;
    const o = `exit ${r.exitCode}, results.json ${has ? 'yes' : 'NO'}, clean_teardown ${clean}`;
    outcomes.push(o);
    console.log(`trial ${i + 1}: ${point.source} + ${delay} ms → ${o}`);
    if (!clean || r.exitCode !== 143) {
      const log = join(bed.artifactsDir(id), 'run.log');
      const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [];
      for (const l of lines.filter((x) => /teardown|left|chromium|error/i.test(x)).slice(-12))
        console.log(`    ${l.slice(0, 300)}`);
    }
  }
}
await Promise.all([worker(), worker(), worker(), worker()]);
const left = await bed.leftovers();
await bed.close();
const leakedDirs = chromiumDirs().filter((d) => !before.has(d));
const counts = new Map<string, number>();
for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
console.log(`\n${trials} SIGTERM trials:`);
for (const [o, n] of counts) console.log(`  ${n} × ${o}`);
console.log(`left on the swarm: ${left.length === 0 ? 'nothing' : left.join(', ')}`);
console.log(`new /tmp/ccci-chromium-* left: ${leakedDirs.length}`);
