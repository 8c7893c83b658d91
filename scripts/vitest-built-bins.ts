// vitest globalSetup: the suite's child programs (the harness-runner CLI, the abra double) run
// from the build, not through tsx. A tsx start costs about 1 s of CPU (esbuild service, loader,
// transforms), the double's one-file bundle about 0.2 s, and one harness run makes dozens of abra calls:
// on a 2-core machine that CPU was most of the Docker suites' time. The build is turbo's
// (cached: ~1 s when nothing changed), so the programs are always the current sources. It
// transpiles without checking types (record 146); when it fails (a file that does not parse),
// the bins stay on tsx and the suite still runs.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  if (process.env['CCCI_BIN_FORM']) return;
  try {
    execFileSync('pnpm', ['-s', 'build'], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    process.env['CCCI_BIN_FORM'] = 'dist';
  } catch (e) {
    const why = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-5);
    process.stderr.write(
      `\n*** build failed: the harness-runner and abra double bins run from source (tsx), slower ***\n${(why ?? []).join('\n')}\n\n`,
    );
  }
}
