import { execFileSync, spawnSync } from 'node:child_process';
import { createRedactor } from '@ccci/redact';
import { describe, expect, it } from 'vitest';
import { cutAt, decodings, through } from './helpers.js';

// What real programs print: bash's quoting (`printf %q`, `${var@Q}`, `set -x`, `declare -p`) and
// coreutils' `base64` and `basenc` (wrapped blobs). Each output is redacted, then read back
// by the same kind of program: bash evaluates the quoted word, the decodings oracle reads the
// blobs. Neither gives the secret back.

const MASK = '[REDACTED]';
const SECRETS = [
  `it's "q" & <b>`,
  'pa$$ w0rd!{x}*?',
  'tab\there\nnewline',
  'ünï€ode/🔑~#',
  'back\\slash\\path',
  'esc\u001b[0m+key=',
];

function bash(script: string, ...args: string[]): string {
  return execFileSync('bash', ['-c', script, 'bash', ...args], { encoding: 'utf8' });
}

/** What bash makes of a quoted word: the value it stands for. */
function unquote(word: string): string {
  return bash('set -f; eval "v=$1"; printf %s "$v"', word);
}

describe('bash quoting', () => {
  it.each(SECRETS)('masks the printf %%q, @Q, set -x and declare -p forms of %j', (secret) => {
    const redactor = createRedactor({ secretsDir: false, values: [secret] });
    const words = [
      bash('printf %q "$1"', secret),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's ${var@Q}, not a template
      bash('x=$1; printf %s "${x@Q}"', secret),
      // set -x writes the traced command to stderr: `+ : <word>`.
      spawnSync('bash', ['-xc', ': "$1"', 'bash', secret], { encoding: 'utf8' }).stderr.replace(
        /^\+ : |\n$/g,
        '',
      ),
    ];
    // declare -p: double quotes with \ before $ ` " \ (or $'…' with control characters).
    words.push(bash('V=$1; declare -p V', secret).replace(/^declare -- V=|\n$/g, ''));
    // The real output, before it is redacted, does give the secret back.
    expect(words.map(unquote)).toEqual([secret, secret, secret, secret]);
    for (const word of words) {
      const redacted = redactor.redactString(word);
      expect(redacted, word).toContain(MASK);
      expect(unquote(redacted)).not.toContain(secret);
    }
  });
});

describe('coreutils blobs', () => {
  /** `tool args` over (n filler bytes + secret + filler), n = 0…span−1, one blob per line group. */
  function blobs(tool: string, args: string, secret: string, span: number): string {
    return bash(
      `for n in $(seq 0 ${span - 1}); do { head -c "$n" /dev/zero | tr '\\0' x; printf %s "$1"; printf yz; } | ${tool} ${args}; echo; echo --; done`,
      secret,
    );
  }

  it.each(SECRETS)('masks base64 -w 76, -w 64 and basenc --base16 -w 60 of %j', (secret) => {
    const redactor = createRedactor({ secretsDir: false, values: [secret] });
    for (const [tool, args] of [
      ['base64', '-w 76'],
      ['base64', '-w 64'],
      ['basenc', '--base16 -w 60'],
    ] as const) {
      // Enough filler that every line break falls at every position of the secret's form.
      const text = blobs(tool, args, secret, 80);
      expect(decodings(text.replaceAll('\n--\n', '\n\n')).some((v) => v.includes(secret))).toBe(
        true,
      );
      const redacted = redactor.redactString(text);
      for (const blob of redacted.split('\n--\n').filter((b) => b.trim() !== '')) {
        expect(blob, `${tool} ${args}`).toContain(MASK);
        expect(decodings(blob).some((v) => v.includes(secret))).toBe(false);
      }
    }
  });

  it('masks a wrapped blob in a stream cut at every position', async () => {
    const secret = SECRETS[0]!;
    const redactor = createRedactor({ secretsDir: false, values: [secret] });
    // MIME-style: base64 at 76 columns with CRLF, the break inside the secret's form.
    const blob = bash(
      `{ head -c 50 /dev/zero | tr '\\0' x; printf %s "$1"; } | base64 -w 76 | sed 's/$/\\r/'`,
      secret,
    );
    expect(blob).toContain('\r\n');
    const input = Buffer.from(`Content-Transfer-Encoding: base64\r\n\r\n${blob}`);
    expect(decodings(input.toString()).some((v) => v.includes(secret))).toBe(true);
    const expected = redactor.redactBuffer(input);
    expect(decodings(expected.toString()).some((v) => v.includes(secret))).toBe(false);
    for (let i = 0; i <= input.length; i++) {
      const out = await through(redactor.stream(), cutAt(input, [i]));
      expect(out.equals(expected), `cut at ${i}`).toBe(true);
    }
  });
});
