// What running abra under a terminal and a tree-killing supervisor costs per call, and how fast
// a timed-out call's whole tree is gone. Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runProcess } from '../src/run-process.js';

const ROUNDS = 30;
const base = { env: {}, timeoutMs: 20_000, killGraceMs: 300, maxOutputChars: 262_144 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

const plain = await time(() => execa('true'));
const bare = await time(() => runProcess({ ...base, terminal: false, argv: ['true'] }));
const pty = await time(() => runProcess({ ...base, terminal: true, argv: ['true'] }));
console.log(`median per call over ${ROUNDS} runs of \`true\`:`);
console.log(`  execa alone                          ${plain.toFixed(1)} ms`);
console.log(`  setpriv + group + sweep (no pty)     ${bare.toFixed(1)} ms`);
console.log(`  setpriv + script pty + group + sweep ${pty.toFixed(1)} ms`);
console.log(`  overhead of the pty wrapper          ${(pty - plain).toFixed(1)} ms per abra call`);

const dir = mkdtempSync(join(tmpdir(), 'ccci-abra-bench-'));
const fixture = fileURLToPath(new URL('../test/fixtures/bin/grandchild.sh', import.meta.url));
const kills: number[] = [];
for (let i = 0; i < 5; i += 1) {
  rmSync(join(dir, 'child'), { force: true });
  rmSync(join(dir, 'grandchild'), { force: true });
  const outcome = await runProcess({
    ...base,
    terminal: true,
    timeoutMs: 1000,
    env: { PIDS_DIR: dir },
    argv: [fixture],
  });
  kills.push(outcome.durationMs - 1000);
}
rmSync(dir, { recursive: true, force: true });
console.log(
  `time from timeout to a dead tree (child + grandchild ignoring TERM/HUP, grace 300 ms): median ${median(kills)} ms over 5`,
);
