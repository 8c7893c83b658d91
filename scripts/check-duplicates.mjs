// The duplication gate: runs `duplicates` (pairs of places sharing six or more lines) over the
// repository and fails when it counts more pairs than machine-docs/duplicates-baseline.txt
// allows, so a change that writes code again fails CI. Lower the baseline when a clean-up
// brings the count down; `duplicates --change` shows what an uncommitted change repeats.
// `duplicates` is a command of the CI machine, not an npm package: where it is missing this
// says so and passes.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const baselineFile = join(root, 'machine-docs', 'duplicates-baseline.txt');

/** The pair count from `duplicates`' first line (`131 pairs of places …`, `no duplicates …`). */
function pairCount(output) {
  const first = output.split('\n', 1)[0] ?? '';
  if (/^no duplicates\b/.test(first)) return 0;
  const m = /^(\d+) pairs? of places\b/.exec(first);
  return m ? Number(m[1]) : null;
}

function main() {
  const baseline = Number(readFileSync(baselineFile, 'utf8').match(/^\s*(\d+)\s*$/m)?.[1]);
  if (!Number.isInteger(baseline)) {
    console.error(`check-duplicates: no number in ${baselineFile}`);
    return 1;
  }
  const run = spawnSync('duplicates', ['--repo', root, '--most', '200', '--seconds', '120'], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.error?.code === 'ENOENT') {
    console.log('check-duplicates: `duplicates` is not installed here; not checked');
    return 0;
  }
  const output = run.stdout ?? '';
  const count = pairCount(output);
  // An `incomplete:` answer counted only what it read: too few pairs would pass unseen.
  const incomplete = output.split('\n').filter((l) => l.startsWith('incomplete:'));
  if (count === null || incomplete.length > 0 || run.status !== 0) {
    console.error(`check-duplicates: no complete answer from duplicates:\n${output}${run.stderr}`);
    return 1;
  }
  if (count > baseline) {
    console.error(
      `check-duplicates: ${count} pairs of duplicated places, the baseline allows ${baseline}.\n` +
        'Reuse the code that exists instead of writing it again (`duplicates --change` lists ' +
        'what this change repeats).\n',
    );
    console.error(output);
    return 1;
  }
  const lower = count < baseline ? ` (lower machine-docs/duplicates-baseline.txt to ${count})` : '';
  console.log(`check-duplicates: ${count} pairs, baseline ${baseline}${lower}`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main());
