// Throughput of the redacting stream beside a passthrough Transform, in the same run, over
// log-like text (timestamps, words, hex ids, paths) with a known secret now and then.
// Secrets are 32 random characters, the length abra generates by default.
// Speeds are per CPU second of this process (user + system), not wall time: other work on a
// shared machine then slows neither contender, and the ratio stays meaningful.
//
// Two settings:
// - In memory: chunks of a fixed size pushed from memory. The passthrough then costs a fixed
//   amount per chunk and nothing per byte, so at large chunks only a scanner that reads no
//   bytes could keep half its speed; the "memchr floor" column shows how close any scanner
//   can come (one native byte search per chunk).
// - Through a pipe: what the harness does with a child's output — `cat` writes the log into a
//   pipe, the parent reads it through the transform into a sink. Wall time, best round.
// Usage: node --conditions=source --import tsx bench/throughput.bench.ts [MiB] [chunkKiB,...|pipe]
// (`pipe`: only the pipe table.)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRedactor, type Redactor } from '@ccci/redact';
import { countingSink, split, throughput } from './measure.js';

const totalMiB = Number(process.argv[2] ?? 32);
const chunkArg = process.argv[3] ?? '1,4,16,64';
const chunkSizes = chunkArg === 'pipe' ? [] : chunkArg.split(',').map((k) => Number(k) * 1024);
const secretCounts = [0, 10, 100, 1000];
const ROUNDS = 3;

function secret(): string {
  return randomBytes(24).toString('base64url');
}

function logText(bytes: number, secrets: readonly string[]): Buffer {
  const words = ['started', 'container', 'service', 'deploy', 'healthy', 'GET', 'POST', 'ok'];
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    let line = `2026-11-22T03:${String(i % 60).padStart(2, '0')}:00.${i % 1000}Z INFO ${words[i % 8]} id=${randomBytes(6).toString('hex')} path=/var/lib/docker/volumes/app_${i % 97}/_data took=${i % 997}ms`;
    if (i % 500 === 0 && secrets.length > 0) line += ` token=${secrets[i % secrets.length]}`;
    lines.push(`${line}\n`);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

const passthrough = () =>
  new Transform({
    transform(c, _e, cb) {
      cb(null, c);
    },
  });

// The floor: one native byte search (memchr) over each chunk, then the chunk goes on. No
// scanner that reads every byte can beat it, so where its ratio is below ½ the goal "half the
// passthrough speed" cannot be met by any redactor at that chunk size: the passthrough's cost
// there is per chunk, not per byte.
let found = 0;
const floor = () =>
  new Transform({
    transform(c: Buffer, _e, cb) {
      found += c.indexOf(0);
      cb(null, c);
    },
  });

const redactors = new Map<number, Redactor>();
const all = Array.from({ length: Math.max(...secretCounts) }, secret);
for (const n of secretCounts) {
  const t0 = performance.now();
  const r = createRedactor({ secretsDir: false, values: all.slice(0, n) });
  r.matcher();
  const ms = performance.now() - t0;
  console.log(`${n} secrets: ${r.matcher().patternCount} patterns, built in ${ms.toFixed(0)} ms`);
  redactors.set(n, r);
}
const text = logText(totalMiB * 1024 * 1024, all.slice(0, 100));
console.log(
  `\n${totalMiB} MiB of log text; MB per CPU second, best of ${ROUNDS}; ratio = redact / passthrough`,
);
console.log(
  ['chunk', 'passthrough', 'memchr floor', ...secretCounts.map((n) => `${n} secrets (ratio)`)]
    .map((c) => c.padStart(20))
    .join(''),
);
const redactorContenders = secretCounts.map((n): [string, () => Transform] => [
  String(n),
  () => redactors.get(n)!.stream(),
]);

/**
 * Best MB/s of each contender. Rounds interleave the contenders so a busy machine slows them
 * alike; the best round counts. One untimed round first lets the JIT settle.
 */
async function race(
  contenders: ReadonlyArray<[string, () => Transform]>,
  measure: (make: () => Transform) => Promise<number>,
): Promise<Map<string, number>> {
  const top = new Map<string, number>();
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, make] of contenders) {
      const mbs = await measure(make);
      if (round > 0) top.set(name, Math.max(top.get(name) ?? 0, mbs));
    }
  }
  return top;
}

/** `speed (ratio to passthrough)` for each named contender. */
function cellsOf(top: Map<string, number>, names: readonly string[]): string[] {
  const base = top.get('passthrough')!;
  return names.map((name) => {
    const mbs = top.get(name)!;
    return `${mbs.toFixed(0)} (${(mbs / base).toFixed(2)})`;
  });
}

for (const [chunk, lines] of chunkSizes.flatMap((c) => [[c, true] as const, [c, false] as const])) {
  const pieces = split(text, chunk, lines);
  const top = await race(
    [['passthrough', passthrough], ['floor', floor], ...redactorContenders],
    (make) => throughput(make, pieces),
  );
  const cells = [
    `${chunk / 1024} KiB ${lines ? 'lines' : 'cut'}`,
    top.get('passthrough')!.toFixed(0),
    ...cellsOf(top, ['floor', ...secretCounts.map(String)]),
  ];
  console.log(cells.map((c) => c.padStart(20)).join(''));
}

/** MB per wall second of `cat file | transform | sink`. */
async function throughPipe(make: () => Transform, file: string): Promise<number> {
  const child = spawn('cat', [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sink = countingSink();
  const start = performance.now();
  await pipeline(child.stdout, make(), sink);
  const seconds = (performance.now() - start) / 1e3;
  return sink.received / seconds / 1e6;
}

const dir = mkdtempSync(join(tmpdir(), 'redact-bench-'));
try {
  const file = join(dir, 'log.txt');
  writeFileSync(file, text);
  console.log(`\nthrough a pipe (cat → transform → sink), MB per wall second, best of ${ROUNDS}`);
  console.log(
    ['', 'passthrough', ...secretCounts.map((n) => `${n} secrets (ratio)`)]
      .map((c) => c.padStart(20))
      .join(''),
  );
  const top = await race([['passthrough', passthrough], ...redactorContenders], (make) =>
    throughPipe(make, file),
  );
  const cells = [
    'pipe',
    top.get('passthrough')!.toFixed(0),
    ...cellsOf(top, secretCounts.map(String)),
  ];
  console.log(cells.map((c) => c.padStart(20)).join(''));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (found === 42) console.log('');
