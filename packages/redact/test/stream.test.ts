import { createRedactor, createRedactStream, patternsOf } from '@ccci/redact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cutAt,
  decodings,
  ENCODINGS,
  encode,
  fillerArb,
  joinWrapped,
  SECRET_CHARS,
  secretArb,
  through,
} from './helpers.js';

const MASK = '[REDACTED]';

/** Text made of filler, secrets in every encoding, and prefixes of secrets that stop short. */
const caseArb = fc.uniqueArray(secretArb, { minLength: 1, maxLength: 4 }).chain((secrets) =>
  fc.record({
    secrets: fc.constant(secrets),
    text: fc
      .array(
        fc.oneof(
          fillerArb,
          fc
            .record({
              secret: fc.constantFrom(...secrets),
              encoding: fc.constantFrom(...ENCODINGS),
              before: fc.string({ maxLength: 5 }),
              after: fc.string({ maxLength: 5 }),
            })
            .map(({ secret, encoding, before, after }) => encode(secret, encoding, before, after)),
          fc
            .record({ secret: fc.constantFrom(...secrets), cut: fc.nat() })
            .map(({ secret, cut }) =>
              [...secret].slice(0, 1 + (cut % ([...secret].length - 1))).join(''),
            ),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join('')),
    cuts: fc.array(fc.nat({ max: 400 }), { maxLength: 12 }),
    idle: fc.array(fc.nat({ max: 12 }), { maxLength: 3 }).map((a) => new Set(a)),
  }),
);

function leaks(output: string, secrets: readonly string[]): string[] {
  const views = decodings(output);
  return secrets.filter((s) => views.some((v) => v.includes(s)));
}

describe('redacting stream', () => {
  it('never lets a secret through, in any encoding, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ secrets, text, cuts }) => {
        const redactor = createRedactor({ secretsDir: false, values: secrets });
        const input = Buffer.from(text);
        const out = await through(redactor.stream(), cutAt(input, cuts));
        expect(leaks(out.toString(), secrets)).toEqual([]);
        // The chunking changes nothing: same bytes as redacting the whole at once.
        expect(out.equals(redactor.redactBuffer(input))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  // An idle flush writes out held bytes: a strict prefix of a possible secret, never a whole
  // one. The oracle is the redactor's own: no secret, in any encoding it knows, is whole in
  // the output. (Decoding views of the whole output are too strong here: a flushed `+` that a
  // later match would have covered can complete a *different* secret in a mixed encoding —
  // plain bytes then a form-encoded space — which no single encoding of it ever spelled.)
  it('never lets a whole secret through when idle flushes cut in', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ secrets, text, cuts, idle }) => {
        const redactor = createRedactor({ secretsDir: false, values: secrets });
        const out = await through(redactor.stream(), cutAt(Buffer.from(text), cuts), idle);
        expect(redactor.scan(out)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('the mixed-encoding case an idle flush once exposed stays masked where it is whole', async () => {
    const secrets = [' 😀 ék++ ', '\na&Z70\t= ', '0kk\\Z&/é&k%"', '😀\nék\t\t0a\t€b/€'];
    const text = '\na&Z70\t=+%F0%9F%98%80+%C3%A9k%2B%2B+';
    const redactor = createRedactor({ secretsDir: false, values: secrets });
    const out = await through(redactor.stream(), cutAt(Buffer.from(text), [0, 9]), new Set([1]));
    expect(redactor.scan(out)).toEqual([]);
    expect(out.toString()).toBe('\na&Z70\t=+[REDACTED]');
  });

  it('passes text without a secret through unchanged, whatever the chunking and pauses', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ secrets, text, cuts, idle }) => {
        const redactor = createRedactor({ secretsDir: false, values: secrets });
        const input = Buffer.from(text);
        const patterns = secrets.flatMap((s) => patternsOf(Buffer.from(s), 8));
        const joined = Buffer.from(joinWrapped(text));
        fc.pre(
          !patterns.some((p) => [input, joined].some((t) => t.includes(Buffer.from(p.bytes)))),
        );
        const out = await through(redactor.stream(), cutAt(input, cuts), idle);
        expect(out.toString()).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('writes a held prefix exactly once when a pause flushes it', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, fillerArb, fc.nat(), fillerArb, async (secret, a, cut, b) => {
        const chars = [...secret];
        const prefix = chars.slice(0, 1 + (cut % (chars.length - 1))).join('');
        const redactor = createRedactor({ secretsDir: false, values: [secret] });
        const input = Buffer.from(a + prefix + b);
        fc.pre(redactor.scan(input).length === 0);
        const chunks = [Buffer.from(a + prefix), Buffer.from(b)];
        const out = await through(redactor.stream(), chunks, new Set([0]));
        expect(out.toString()).toBe(a + prefix + b);
      }),
      { numRuns: 200 },
    );
  });

  it('masks a secret split at every offset, and fed one byte at a time', async () => {
    const secret = 'p4ss wörd/+"x€😀';
    const redactor = createRedactor({ secretsDir: false, values: [secret] });
    const text = `a=${secret} b=${encode(secret, 'json')} c=${encode(secret, 'url')} d=${encode(secret, 'form')} e=${encode(secret, 'base64', 'x')} f=${encode(secret, 'base64url', 'xy')} sup=p4ss wö end`;
    const input = Buffer.from(text);
    const expected = redactor.redactBuffer(input);
    expect(expected.toString()).toMatch(
      /^a=\[REDACTED\] b=\[REDACTED\] c=\[REDACTED\] d=\[REDACTED\] e=\S*\[REDACTED\]\S* f=\S*\[REDACTED\]\S* sup=p4ss wö end$/,
    );
    expect(leaks(expected.toString(), [secret])).toEqual([]);
    for (let i = 0; i <= input.length; i++) {
      const out = await through(redactor.stream(), cutAt(input, [i]));
      expect(out.equals(expected), `split at ${i}`).toBe(true);
    }
    const bytes = [...input].map((b) => Buffer.from([b]));
    expect((await through(redactor.stream(), bytes)).equals(expected)).toBe(true);
  });

  it('holds back no more than the longest pattern − 1 bytes', () => {
    const secrets = ['correct horse battery', 'abcdefgh'];
    const redactor = createRedactor({ secretsDir: false, values: secrets });
    const longest = redactor.matcher().maxLength;
    const stream = redactor.stream();
    let out = '';
    stream.on('data', (c: Buffer) => {
      out += c.toString('latin1');
    });
    const input = 'correct horse batter abcdefg correct horse battery abcdefgh correct hor';
    let written = 0;
    for (const ch of input) {
      stream.write(ch);
      written++;
      expect(stream.heldBytes).toBeLessThanOrEqual(longest - 1);
      // What is neither out nor held is masked: never more than what came in.
      expect(out.replaceAll(MASK, '').length + stream.heldBytes).toBeLessThanOrEqual(written);
    }
    expect(stream.heldBytes).toBe('correct hor'.length);
    stream.destroy();
  });

  it('masks overlapping and adjacent secrets as one stretch', async () => {
    const redactor = createRedactor({ secretsDir: false, values: ['abcdefgh', 'efghijkl'] });
    expect(redactor.redactString('x abcdefghijkl y')).toBe(`x ${MASK} y`);
    expect(redactor.redactString('x abcdefghefghijkl y')).toBe(`x ${MASK} y`);
    const out = await through(redactor.stream(), cutAt(Buffer.from('x abcdefghijkl y'), [5, 9]));
    expect(out.toString()).toBe(`x ${MASK} y`);
  });

  it('keeps multi-byte characters intact around a mask', async () => {
    const redactor = createRedactor({ secretsDir: false, values: ['ünïcødé-sécret'] });
    const input = Buffer.from('ä ünïcødé-sécret ö ünïcødé-séc€');
    for (let i = 0; i <= input.length; i++) {
      const out = await through(redactor.stream(), cutAt(input, [i, i + 3]));
      expect(out.toString()).toBe(`ä ${MASK} ö ünïcødé-séc€`);
    }
  });

  it('takes values added and removed while it runs', async () => {
    const redactor = createRedactor({ secretsDir: false });
    const stream = createRedactStream(redactor);
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    stream.write('before app-secret-1234\n');
    expect(redactor.add('app-secret-1234')).toBe(true);
    stream.write('during app-secret-1234 and app-sec');
    stream.write('ret-1234 split\n');
    expect(redactor.remove('app-secret-1234')).toBe(true);
    stream.write('after app-secret-1234\n');
    stream.end();
    await ended;
    expect(chunks.join('')).toBe(
      `before app-secret-1234\nduring ${MASK} and ${MASK} split\nafter app-secret-1234\n`,
    );
  });

  it('masks secrets held across large chunks (no copy of the chunk)', async () => {
    const secret = 'large-chunk-secret/€+';
    const redactor = createRedactor({ secretsDir: false, values: [secret] });
    const size = 20_000; // above the size up to which a chunk is copied behind a held tail
    for (let k = 1; k < Buffer.byteLength(secret); k++) {
      const input = Buffer.alloc(3 * size, 'x');
      // Straddle the first boundary by k bytes; leave only a prefix at the second.
      input.write(secret, size - k);
      input.write(secret.slice(0, 5), 2 * size - 5);
      input.write(encode(secret, 'base64', 'ab'), 2 * size + 100);
      const expected = redactor.redactBuffer(input);
      expect(expected.toString()).not.toContain(secret);
      const out = await through(redactor.stream(), cutAt(input, [size, 2 * size]));
      expect(out.equals(expected), `secret ${k} bytes into the second chunk`).toBe(true);
      expect(out.toString()).toContain(`xxx${secret.slice(0, 5)}xxx`);
    }
  });

  it('is not fooled by a writer that reuses its buffer after a write', async () => {
    const redactor = createRedactor({ secretsDir: false, values: ['reused-buffer-secret'] });
    const stream = redactor.stream();
    const out: Buffer[] = [];
    stream.on('data', (c: Buffer) => out.push(Buffer.from(c)));
    const scratch = Buffer.from('value: reused-buf');
    stream.write(scratch);
    scratch.fill('z');
    stream.end('fer-secret end');
    await new Promise((resolve) => stream.on('end', resolve));
    expect(Buffer.concat(out).toString()).toBe(`value: ${MASK} end`);
  });

  it('masks many secrets with one matcher', async () => {
    const secrets = Array.from({ length: 500 }, (_, i) => `s${i}-${(i * 7919).toString(36)}-tok`);
    const redactor = createRedactor({ secretsDir: false, values: secrets });
    expect(redactor.size).toBe(500);
    const lines = secrets.map(
      (s, i) => `line ${i}: ${i % 3 === 0 ? s : encode(s, 'base64', 'ab'.slice(0, i % 3))}\n`,
    );
    const input = Buffer.from(lines.join(''));
    const out = await through(redactor.stream(), cutAt(input, [7, 100, 1000, 5000, 5001, 9000]));
    expect(leaks(out.toString(), secrets)).toEqual([]);
    expect(out.equals(redactor.redactBuffer(input))).toBe(true);
    expect(out.toString().split('\n')).toHaveLength(501);
  });

  // Text that keeps the matcher busy at every byte: a secret made of one character and a
  // long run of it, and many secrets with a shared prefix that the text repeats. Each is fed
  // in 1 KiB chunks, so the longest pattern's prefix is held back at every chunk's end. A
  // matcher that walks each start anew (or each held tail) needs hours here; the outcome
  // checked is the masking.
  it('masks text built to keep the matcher busy, in small chunks', async () => {
    const one = createRedactor({ secretsDir: false, values: ['a'.repeat(2048)] });
    const run = Buffer.from(`x ${'a'.repeat(4 << 20)} y`);
    const out = await through(
      one.stream(),
      cutAt(
        run,
        Array.from({ length: 4100 }, (_, i) => i * 1024),
      ),
    );
    expect(out.toString()).toBe(`x ${MASK} y`);

    const prefix = 'ccci-run-2026-11-22-shared-prefix-';
    const secrets = Array.from(
      { length: 200 },
      (_, i) => `${prefix}${i.toString(36).padStart(8, 'q')}`,
    );
    const many = createRedactor({ secretsDir: false, values: secrets });
    const text = Buffer.from(`${prefix.repeat(50_000)}${secrets[7]} end`);
    const masked = await through(
      many.stream(),
      cutAt(
        text,
        Array.from({ length: 1700 }, (_, i) => i * 1024),
      ),
    );
    expect(masked.toString()).toBe(`${prefix.repeat(50_000)}${MASK} end`);
  });

  it('uses characters from every encoding in its generated secrets', () => {
    // Guard for the property tests above: the alphabet must keep exercising the encoders.
    expect(SECRET_CHARS.some((c) => encodeURIComponent(c) !== c)).toBe(true);
    expect(SECRET_CHARS.some((c) => JSON.stringify(c).length > 3)).toBe(true);
    expect(SECRET_CHARS.some((c) => Buffer.byteLength(c) > 2)).toBe(true);
  });
});
