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

/** Characters that stress every encoding: JSON escapes, URL reserved, multi-byte UTF-8. */
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
  '\\',
  '%',
  '&',
  '\n',
  '\t',
  'é',
  '€',
  '😀',
];

export const secretArb = fc.string({
  unit: fc.constantFrom(...SECRET_CHARS),
  minLength: 8,
  maxLength: 20,
});

/** Filler text shares characters with the secrets so near misses are common. */
export const fillerArb = fc.string({
  unit: fc.constantFrom('a', 'b', 'k', 'Z', '0', ' ', '/', '%', '=', '\n', 'é', 'x', 'y', '['),
  maxLength: 30,
});

export type Encoding = 'raw' | 'json' | 'url' | 'form' | 'base64' | 'base64url';
export const ENCODINGS: readonly Encoding[] = ['raw', 'json', 'url', 'form', 'base64', 'base64url'];

/**
 * How `secret` shows up in text in `encoding`. Base64 encodes it with `before`/`after` bytes
 * around it, as when a secret sits inside a larger encoded blob at any alignment.
 */
export function encode(secret: string, encoding: Encoding, before = '', after = ''): string {
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
  }
}

/**
 * Decodings of `output` in which a leaked secret would reappear: the text itself, percent-
 * and form-decoded, JSON-unescaped, and every run of base64 characters decoded at each of
 * the four character offsets. Written independently of the package's own encoders.
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
  for (const run of output.match(/[A-Za-z0-9+/\-_]{4,}/g) ?? []) {
    const std = run.replaceAll('-', '+').replaceAll('_', '/');
    for (let k = 0; k < 4; k++) {
      const part = std.slice(k);
      views.push(Buffer.from(part.slice(0, part.length - (part.length % 4)), 'base64').toString());
    }
  }
  return views;
}
