// `pnpm bench`: runs every benchmark script (packages/*/bench/*.ts, apps/*/bench/*.ts) in turn.
// Each prints its own figures; benchmarks are never timed assertions in tests.
// `pnpm bench <filter>` runs only the scripts whose path contains <filter>.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const scripts = ['packages', 'apps']
  .flatMap((top) => (existsSync(top) ? readdirSync(top).map((d) => join(top, d, 'bench')) : []))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /\.bench\.ts$/.test(f))
      .map((f) => join(dir, f)),
  )
  .filter((file) => file.includes(filter))
  .sort();
let failed = 0;
for (const file of scripts) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
if (scripts.length === 0) console.log('no benchmark scripts found');
process.exit(failed ? 1 : 0);
