// What hostile or unlucky input costs the redactor. Logs come from programs an attacker
// influences, so the figure that matters is the slowest input, not the typical one.
//
// 1. Adding secrets while a stream runs: abra reports app secrets one at a time, each add
//    followed by more output. 1 000 adds, each followed by a 1 KiB chunk through a stream.
// 2. Inputs built to defeat the skip loop or the hold-back: text made of a repeating secret's
//    character, of near misses, of a prefix many secrets share, of a long secret's prefix,
//    runs of hex and base64 characters, line breaks between base64 characters. MB per CPU
//    second (user + system), each through a redacting stream in 64 KiB chunks and in 1 KiB
//    chunks cut anywhere, best of two rounds after an untimed one. A slow round stops after a
//    few CPU seconds; its figure is over what went through.
// Usage: node --conditions=source --import tsx bench/worst-case.bench.ts [MiB]
import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { createRedactor } from '@ccci/redact';
import { countingSink, split, throughput } from './measure.js';

const MiB = Number(process.argv[2] ?? 8);
const size = MiB * 1024 * 1024;
const BUDGET_S = 2;

const random = (n: number) => randomBytes(n).toString('base64url').slice(0, n);

/** `unit` repeated to `size` bytes. */
function fill(unit: string | Buffer): Buffer {
  const u = Buffer.isBuffer(unit) ? unit : Buffer.from(unit);
  const out = Buffer.alloc(size);
  for (let o = 0; o < size; o += u.length) u.copy(out, o);
  return out;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

// 1. Interleaved adds. Each chunk is awaited through to a sink: a stream whose reader lags
// would queue the writes and scan them all with the last matcher.
{
  const line = Buffer.from(
    `${'2026-11-22T03:00:00Z INFO deploy id=0a1b2c3d path=/var/lib/docker/volumes/app/_data\n'.repeat(13)}`,
  ).subarray(0, 1024);
  const redactor = createRedactor({ secretsDir: false });
  const stream = redactor.stream();
  const sink = countingSink();
  stream.pipe(sink);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < 1000; i++) {
    redactor.add(random(32));
    await new Promise((resolve) => stream.write(line, resolve));
  }
  stream.end();
  await finished(sink);
  if (sink.received < 1000 * 1024) throw new Error('chunks went missing');
  const ms = performance.now() - t0;
  console.log(
    `1 000 adds, each followed by a 1 KiB chunk through a stream: ${ms.toFixed(0)} ms wall, ${(cpuSeconds(c0) * 1000).toFixed(0)} ms CPU`,
  );
  const strings = createRedactor({ secretsDir: false });
  const t1 = performance.now();
  for (let i = 0; i < 1000; i++) {
    strings.add(random(32));
    strings.redactString(line.toString());
  }
  console.log(
    `1 000 adds, each followed by a redactString: ${(performance.now() - t1).toFixed(0)} ms wall`,
  );
  const fresh = createRedactor({ secretsDir: false });
  const t2 = performance.now();
  for (let i = 0; i < 1000; i++) fresh.add(random(32));
  fresh.redactString('first use');
  console.log(`1 000 adds, then one use: ${(performance.now() - t2).toFixed(0)} ms wall`);
}

// 2. Hostile inputs.
interface Case {
  name: string;
  secrets: string[];
  text: Buffer;
}
const shared = 'ccci-run-2026-11-22-shared-prefix-';
const long = random(4096);
const hexSecrets = Array.from({ length: 100 }, () => random(32));
const b64Secrets = Array.from({ length: 100 }, () => random(32));
const wrapped = (() => {
  const lines = (
    randomBytes(size * 0.75)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\n');
  return Buffer.from(lines).subarray(0, size);
})();
const cases: Case[] = [
  {
    name: 'log text, 100 secrets (reference)',
    secrets: Array.from({ length: 100 }, () => random(32)),
    text: fill(
      '2026-11-22T03:00:00.000Z INFO deploy id=0a1b2c3d4e5f path=/var/lib/docker/volumes/app_1/_data took=12ms\n',
    ),
  },
  { name: "secret 'a'×32, text of 'a'", secrets: ['a'.repeat(32)], text: fill('a') },
  { name: "secret 'a'×4096, text of 'a'", secrets: ['a'.repeat(4096)], text: fill('a') },
  {
    name: "secret 'ab'×16, near misses",
    secrets: ['ab'.repeat(16)],
    text: fill(`${'ab'.repeat(15)}a `),
  },
  {
    name: '100 secrets, one prefix; text of it',
    secrets: Array.from({ length: 100 }, () => shared + random(16)),
    text: fill(shared),
  },
  {
    name: '4 KiB secret; text of its prefix',
    secrets: [long],
    text: fill(`${long.slice(0, 4000)}`),
  },
  {
    name: '100 secrets; their hex, cut short',
    secrets: hexSecrets,
    text: fill(hexSecrets.map((s) => Buffer.from(s).toString('hex').slice(0, 60)).join('')),
  },
  { name: '100 secrets; base64 wrapped at 76', secrets: b64Secrets, text: wrapped },
  { name: "100 secrets; 'A\\n' repeated", secrets: b64Secrets, text: fill('A\n') },
  { name: "100 secrets; 'QUJD\\r\\n' repeated", secrets: b64Secrets, text: fill('QUJD\r\n') },
  {
    name: "100 secrets; 'a\\\\nb' (JSON) repeated",
    secrets: b64Secrets,
    text: fill('a\\nb\\r\\n'),
  },
];

console.log(
  `\n${MiB} MiB per input; MB per CPU second through a redacting stream (a round stops after ~${BUDGET_S} CPU s)`,
);
console.log(
  ['input', '64 KiB', '1 KiB cut']
    .map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(12)))
    .join(''),
);
let slowest = Number.POSITIVE_INFINITY;
for (const c of cases) {
  const redactor = createRedactor({ secretsDir: false, values: c.secrets });
  const cells: string[] = [];
  for (const [chunk, lines] of [
    [64 * 1024, false],
    [1024, false],
  ] as const) {
    const pieces = split(c.text, chunk, lines);
    // One untimed round lets the JIT settle; the best of two timed rounds counts.
    let best = 0;
    for (let round = 0; round < 3; round++) {
      const mbs = await throughput(() => redactor.stream(), pieces, BUDGET_S);
      if (round > 0) best = Math.max(best, mbs);
    }
    slowest = Math.min(slowest, best);
    cells.push(best.toFixed(0).padStart(12));
  }
  console.log(c.name.padEnd(44) + cells.join(''));
}
console.log(`slowest: ${slowest.toFixed(0)} MB per CPU second`);
