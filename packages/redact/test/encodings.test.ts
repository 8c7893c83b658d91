import { createRedactor, patternsOf } from '@ccci/redact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutAt, decodings, secretArb, through } from './helpers.js';

const MASK = '[REDACTED]';

const redactors = new Map<string, ReturnType<typeof createRedactor>>();
/** `text` redacted for `secret` alone. */
function redact(secret: string, text: string): string {
  let redactor = redactors.get(secret);
  if (redactor === undefined) {
    redactor = createRedactor({ secretsDir: false, values: [secret] });
    redactors.set(secret, redactor);
  }
  return redactor.redactString(text);
}

const hexOf = (s: string) => Buffer.from(s).toString('hex');
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
/** `text` cut into lines of `width` characters joined by `eol`. */
const wrap = (text: string, width: number, eol = '\n') =>
  (text.match(new RegExp(`.{1,${width}}`, 'gs')) ?? []).join(eol);

describe('hex', () => {
  const secret = 'hex-secret-value-42';

  it('masks the hex form in lower, upper and mixed case, at either byte alignment', () => {
    const lower = hexOf(secret);
    const mixed = [...lower].map((c, i) => (i % 3 === 0 ? c.toUpperCase() : c)).join('');
    for (const form of [lower, lower.toUpperCase(), mixed]) {
      for (const before of ['', '0', 'ab', 'abc']) {
        const out = redact(secret, `dump ${before}${form}ff end`);
        expect(out).toBe(`dump ${before}${MASK}ff end`);
      }
    }
  });

  it('leaves hex that is not a secret alone, even next to a secret', () => {
    const other = hexOf('hex-secret-value-43');
    expect(redact(secret, `${other} ${hexOf(secret).slice(0, 30)}`)).toBe(
      `${other} ${hexOf(secret).slice(0, 30)}`,
    );
  });
});

describe('base64 and hex cut by line breaks', () => {
  const secret = 'wrapped-secret/€-0123456789';

  it('masks base64 wrapped at 64 or 76 columns with LF, CRLF or JSON escapes, at every cut', () => {
    for (const width of [64, 76]) {
      for (const eol of ['\n', '\r\n', '\\n', '\\r\\n']) {
        // Filler before the secret moves the line break through every position of its form.
        for (let filler = 0; filler < 60; filler++) {
          const blob = wrap(b64('x'.repeat(filler) + secret), width, eol);
          const out = redact(secret, `begin ${blob} end`);
          expect(out, `width ${width}, filler ${filler}`).toContain(MASK);
          expect(decodings(out).some((v) => v.includes(secret))).toBe(false);
        }
      }
    }
  });

  it('masks hex wrapped at 60 columns (xxd -p)', () => {
    for (let filler = 0; filler < 30; filler++) {
      const dump = wrap(hexOf('x'.repeat(filler) + secret), 60);
      const out = redact(secret, dump);
      expect(decodings(out).some((v) => v.includes(secret))).toBe(false);
    }
  });

  it('does not join ordinary log lines', () => {
    const text = 'took=12ms\n2026-11-22 ok\nwrapped\nsecret-ish\n';
    expect(redact(secret, text)).toBe(text);
  });

  it('masks a wrapped form split across stream chunks at every position', async () => {
    const redactor = createRedactor({ secretsDir: false, values: [secret] });
    const text = `a ${wrap(b64(`xyz${secret}`), 20)} b ${JSON.stringify(wrap(hexOf(secret), 16)).slice(1, -1)} c`;
    const input = Buffer.from(text);
    const expected = redactor.redactBuffer(input);
    expect(decodings(expected.toString()).some((v) => v.includes(secret))).toBe(false);
    for (let i = 0; i <= input.length; i++) {
      const out = await through(redactor.stream(), cutAt(input, [i, i + 7]));
      expect(out.equals(expected), `cut at ${i}`).toBe(true);
    }
  });
});

describe('URL encodings', () => {
  it('masks what common URL encoders write: each keeps its own set of characters as they are', () => {
    const secret = "p/a+s=s w!o*r'd(~)_.-;:@&$,#?é";
    const hex = (c: string) =>
      [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const keeping = (keep: string, plus = false) =>
      [...secret]
        .map((c) =>
          /[A-Za-z0-9]/.test(c) || keep.includes(c) ? c : plus && c === ' ' ? '+' : hex(c),
        )
        .join('');
    const forms = {
      encodeURIComponent: encodeURIComponent(secret),
      encodeURI: encodeURI(secret),
      'Python quote': keeping('-._~/'),
      "Python quote(safe=''), PHP rawurlencode, curl": keeping('-._~'),
      'Python quote_plus, Go QueryEscape': keeping('-._~', true),
      'PHP urlencode': keeping('-._', true),
      'URLSearchParams, Java URLEncoder': new URLSearchParams({ v: secret }).toString().slice(2),
    };
    for (const [encoder, form] of Object.entries(forms))
      expect(redact(secret, `url?v=${form}&x`), encoder).toBe(`url?v=${MASK}&x`);
  });
});

describe('text escapes', () => {
  it('masks JSON with escaped slashes, upper-case \\u escapes and Go HTML escapes', () => {
    const secret = 'a/b<c>&d"é\u2028\u001b';
    const forms = [
      'a\\/b<c>&d\\"é\\u2028\\u001b', // PHP with JSON_UNESCAPED_UNICODE
      'a\\/b<c>&d\\"\\u00e9\\u2028\\u001b', // PHP
      'a/b<c>&d\\"\\u00E9\\u2028\\u001B', // Jackson with ESCAPE_NON_ASCII
      'a/b\\u003cc\\u003e\\u0026d\\"é\\u2028\\u001b', // Go
      'a/b\\u003Cc\\u003E\\u0026d\\u0022\\u00E9\\u2028\\u001B', // .NET
    ];
    for (const form of forms) expect(redact(secret, `{"v":"${form}"}`)).toBe(`{"v":"${MASK}"}`);
  });

  it("masks Go's %q and Python's repr forms", () => {
    const secret = 'q"uo\'te\\\u0007\u00a0é';
    const forms = [
      'q\\"uo\'te\\\\\\a\\u00a0é', // Go %q
      'q\\"uo\'te\\\\\\a\\u00a0\\u00e9', // Go %+q
      'q"uo\\\'te\\\\\\x07\\xa0é', // Python repr
    ];
    for (const form of forms) expect(redact(secret, `<${form}>`)).toBe(`<${MASK}>`);
    expect(redact('bytes\u00e9val', "b'bytes\\xc3\\xa9val'")).toBe(`b'${MASK}'`);
  });

  it("masks declare -p's double quotes and YAML's doubled single quotes", () => {
    const secret = `it's $5 "a" \`x\``;
    expect(redact(secret, `declare -x V="it's \\$5 \\"a\\" \\\`x\\\`"`)).toBe(
      `declare -x V="${MASK}"`,
    );
    expect(redact(secret, `v: 'it''s $5 "a" \`x\`'`)).toBe(`v: '${MASK}'`);
  });

  it('masks HTML-escaped forms as web frameworks and browsers write them', () => {
    const secret = `<p a="1" b='2'>&+`;
    const forms = [
      '&lt;p a="1" b=\'2\'&gt;&amp;+', // a page's text
      "<p a=&quot;1&quot; b='2'>&amp;+", // an attribute value
      '&lt;p a=&quot;1&quot; b=&#39;2&#39;&gt;&amp;+', // lodash, Rails
      '&lt;p a=&quot;1&quot; b=&#039;2&#039;&gt;&amp;+', // PHP
      '&lt;p a=&quot;1&quot; b=&#x27;2&#x27;&gt;&amp;+', // Python
      '&lt;p a=&#34;1&#34; b=&#39;2&#39;&gt;&amp;&#43;', // Go html/template
    ];
    for (const form of forms) expect(redact(secret, `[${form}]`)).toBe(`[${MASK}]`);
  });

  it('masks a multi-line secret printed through a terminal (CRLF) or with LF endings', () => {
    const secret = 'line-one\nline-two\r\nline-three';
    const forms = [
      'line-one\r\nline-two\r\r\nline-three', // a pty turns every LF into CRLF
      'line-one\r\nline-two\r\nline-three',
      'line-one\nline-two\nline-three',
      'line-one\\r\\nline-two\\r\\r\\nline-three', // the pty's output, JSON-escaped
    ];
    for (const form of forms) expect(redact(secret, `>${form}<`)).toBe(`>${MASK}<`);
  });

  it('covers every escape of random secrets (each form alone is masked)', () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        const redactor = createRedactor({ secretsDir: false, values: [secret] });
        for (const p of patternsOf(Buffer.from(secret), 8)) {
          const text = Buffer.concat([Buffer.from('«'), p.bytes, Buffer.from('»')]);
          expect(redactor.redactBuffer(text).toString(), p.kind).toBe(`«${MASK}»`);
        }
      }),
      { numRuns: 100 },
    );
  });
});
