import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import fc from 'fast-check';

/**
 * Writes `chunks` into a redacting stream (idle-flushing after the indexes in `idleAfter`),
 * ends it, and resolves with everything it output.
 */
export async function through(
  stream: Readable & Writable & { flushHeld?: () => void },
  chunks: readonly Uint8Array[],
  idleAfter: ReadonlySet<number> = new Set(),
) {
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  chunks.forEach((c, i) => {
    stream.write(c);
    // As if the writer paused here long enough for the idle flush.
    if (idleAfter.has(i)) stream.flushHeld?.();
  });
  stream.end();
  await ended;
  return Buffer.concat(out);
}

/** Writes a secrets directory: one file in `dir` per entry of `files` (file name → contents). */
export function writeSecretFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
}

/** `data` cut at the given offsets (sorted, deduplicated, clipped). */
export function cutAt(data: Uint8Array, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => Math.min(data.length, Math.max(0, o))))].sort(
    (a, b) => a - b,
  );
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of [...points, data.length]) {
    pieces.push(Buffer.from(data.subarray(from, p)));
    from = p;
  }
  return pieces;
}

/**
 * Characters that stress every encoding: JSON escapes, URL reserved, shell and HTML specials,
 * control characters, multi-byte UTF-8.
 */
export const SECRET_CHARS = [
  'a',
  'b',
  'k',
  'Z',
  '0',
  '7',
  ' ',
  '/',
  '+',
  '=',
  '"',
  "'",
  '\\',
  '%',
  '&',
  '<',
  '$',
  '\n',
  '\r',
  '\t',
  '\u001b',
  'é',
  '€',
  '😀',
];

export const secretArb = fc.string({
  unit: fc.constantFrom(...SECRET_CHARS),
  minLength: 8,
  maxLength: 20,
});

/**
 * Filler text shares characters with the secrets so near misses are common. (No backslash:
 * next to a raw prefix of a secret it would spell a mixed form — raw bytes, then `\/` — that
 * no encoder writes, yet the JSON view of the decodings oracle reads as the secret.)
 */
export const fillerArb = fc.string({
  unit: fc.constantFrom('a', 'b', 'k', 'Z', '0', ' ', '/', '%', '=', '\n', 'é', 'x', 'y', '['),
  maxLength: 30,
});

export type Encoding =
  | 'raw'
  | 'json'
  | 'url'
  | 'form'
  | 'base64'
  | 'base64url'
  | 'hex'
  | 'hex-upper'
  | 'base64-76'
  | 'base64-64-crlf'
  | 'base64-76-json'
  | 'hex-60'
  | 'json-slash'
  | 'json-upper'
  | 'shell-sq'
  | 'html'
  | 'crlf';
export const ENCODINGS: readonly Encoding[] = [
  'raw',
  'json',
  'url',
  'form',
  'base64',
  'base64url',
  'hex',
  'hex-upper',
  'base64-76',
  'base64-64-crlf',
  'base64-76-json',
  'hex-60',
  'json-slash',
  'json-upper',
  'shell-sq',
  'html',
  'crlf',
];

/** `text` cut into lines of `width` characters joined by `eol` (a wrapped blob). */
function wrap(text: string, width: number, eol: string): string {
  return (text.match(new RegExp(`.{1,${width}}`, 'gs')) ?? []).join(eol);
}

/** JSON string contents with every \u escape and every non-ASCII character as upper-case \uXXXX. */
function jsonUpper(secret: string): string {
  let s = '';
  for (const unit of JSON.stringify(secret).slice(1, -1)) {
    const c = unit.charCodeAt(0);
    s += c > 0x7e ? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}` : unit;
  }
  return s.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`);
}

/**
 * How `secret` shows up in text in `encoding`. Base64 and hex encode it with `before`/`after`
 * bytes around it, as when a secret sits inside a larger encoded blob at any alignment; a
 * wrapped blob starts with filler so that its first line break falls inside the secret.
 */
export function encode(secret: string, encoding: Encoding, before = '', after = ''): string {
  const blob = (filler: number) => Buffer.from('x'.repeat(filler) + before + secret + after);
  switch (encoding) {
    case 'raw':
      return secret;
    case 'json':
      return JSON.stringify(secret).slice(1, -1);
    case 'url':
      return encodeURIComponent(secret);
    case 'form':
      return new URLSearchParams({ v: secret }).toString().slice(2);
    case 'base64':
      return Buffer.from(before + secret + after).toString('base64');
    case 'base64url':
      return Buffer.from(before + secret + after).toString('base64url');
    case 'hex':
      return Buffer.from(before + secret + after).toString('hex');
    case 'hex-upper':
      return Buffer.from(before + secret + after)
        .toString('hex')
        .toUpperCase();
    case 'base64-76':
      return wrap(blob(54).toString('base64'), 76, '\n');
    case 'base64-64-crlf':
      return wrap(blob(45).toString('base64'), 64, '\r\n');
    case 'base64-76-json':
      return JSON.stringify(wrap(blob(54).toString('base64'), 76, '\n')).slice(1, -1);
    case 'hex-60':
      return wrap(blob(27).toString('hex'), 60, '\n');
    case 'json-slash':
      return JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/');
    case 'json-upper':
      return jsonUpper(secret);
    case 'shell-sq':
      return secret.replaceAll("'", "'\\''");
    case 'html':
      return secret
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&quot;')
        .replaceAll("'", '&#39;');
    case 'crlf':
      return secret.replaceAll('\n', '\r\n');
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/**
 * Decodings of `output` in which a leaked secret would reappear: the text itself, percent-
 * and form-decoded, JSON-unescaped, HTML-unescaped, shell-unquoted, with CRLF as LF, and
 * every run of base64 or hex characters decoded at each offset, also where line breaks cut
 * the run. Written independently of the package's own encoders.
 */
export function decodings(output: string): string[] {
  const views = [output];
  const percentDecode = (s: string) =>
    Buffer.from(
      s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) =>
        String.fromCharCode(Number.parseInt(h, 16)),
      ),
      'latin1',
    ).toString('utf8');
  views.push(percentDecode(output), percentDecode(output.replaceAll('+', ' ')));
  views.push(
    output.replace(/\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/g, (m) => JSON.parse(`"${m}"`) as string),
  );
  views.push(
    output.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
      if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
      return ENTITIES[e] ?? m;
    }),
  );
  views.push(output.replaceAll("'\\''", "'"), output.replaceAll('\r\n', '\n'));
  const joined = output.replace(/(?<=[A-Za-z0-9+/_-])(\r?\n|\\r\\n|\\n)(?=[A-Za-z0-9+/_-])/g, '');
  for (const text of new Set([output, joined])) {
    // Padding included, and a last partial group decoded: a secret may end the blob.
    for (const run of text.match(/[A-Za-z0-9+/\-_=]{4,}/g) ?? []) {
      const std = run.replaceAll('-', '+').replaceAll('_', '/');
      for (let k = 0; k < 4; k++) views.push(Buffer.from(std.slice(k), 'base64').toString());
    }
    for (const run of text.match(/[0-9A-Fa-f]{4,}/g) ?? []) {
      for (let k = 0; k < 2; k++) {
        const part = run.slice(k);
        views.push(Buffer.from(part.slice(0, part.length - (part.length % 2)), 'hex').toString());
      }
    }
  }
  return views;
}

/**
 * `text` with every line break that stands between two base64/hex characters removed (as a
 * wrapped blob is read back): a pattern found here but not in `text` is a wrapped match.
 */
export function joinWrapped(text: string): string {
  return text.replace(/(?<=[A-Za-z0-9+/_-])(\r?\n|\\r\\n|\\n)(?=[A-Za-z0-9+/_-])/g, '');
}
