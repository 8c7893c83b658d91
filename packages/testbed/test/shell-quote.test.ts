import { HOSTILE_SHELL_WORDS } from '@ccci/test-support';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../src/index.js';

// A real /bin/sh parses the quoted words back: printf prints each argument NUL-terminated.
async function roundTrip(args: string[]): Promise<string[]> {
  const script = `printf '%s\\0' ${args.map(shellQuote).join(' ')}`;
  const r = await execa('sh', ['-c', script], { encoding: 'utf8' });
  return r.stdout.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('keeps hostile values literal', async () => {
    const hostile = [...HOSTILE_SHELL_WORDS];
    expect(await roundTrip(hostile)).toEqual(hostile);
  });

  it('round-trips arbitrary strings through sh', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
          { minLength: 1, maxLength: 5 },
        ),
        async (args) => {
          expect(await roundTrip(args)).toEqual(args);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects NUL bytes with a TypeError', () => {
    expect(() => shellQuote('a\0b')).toThrow(TypeError);
  });
});
