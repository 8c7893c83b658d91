import { ansiC, bytesRepr, type EscapeKind, escapedForms } from './escapes.js';

/** How a secret value appears in the text: its bytes as they are, or one of their encodings. */
export type PatternKind =
  | 'raw'
  | 'crlf'
  | 'hex'
  | 'hex-upper'
  | 'url'
  | 'url-lower'
  | 'form'
  | 'form-lower'
  | 'base64'
  | 'base64url'
  | EscapeKind;

/** One byte string the matcher looks for, and which encoding of a secret it is. */
export interface Pattern {
  readonly bytes: Uint8Array;
  readonly kind: PatternKind;
}

const HEX_UPPER = '0123456789ABCDEF';
const PLAIN = /^[A-Za-z0-9\-_.:@%=]*$/;
const HEX_LOWER = '0123456789abcdef';

/**
 * Every form in which `value` can show up in logs and artifacts, deduplicated (the first
 * kind named keeps a form that several share), each at least `minLength` bytes long (a
 * shorter encoded fragment would mask innocent text).
 */
export function patternsOf(value: Uint8Array, minLength: number): Pattern[] {
  const seen = new Map<string, Pattern>();
  const put = (kind: PatternKind, bytes: Uint8Array): void => {
    if (bytes.length < minLength) return;
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    if (!seen.has(key)) seen.set(key, { bytes, kind });
  };
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.length);
  put('raw', value);
  // No escaper changes letters, digits and `-_.:@%=` (most generated secrets): their
  // escaped forms are the value itself.
  if (!PLAIN.test(bytes.toString('latin1'))) {
    const text = utf8Text(value);
    // A terminal (a pty's `onlcr`) turns every LF into CRLF; a file from Windows has CRLF
    // that a tool may print as LF. Each line-ending variant gets every text escape.
    const variants = text === undefined ? [] : lineEndings(text);
    variants.forEach((variant, i) => {
      if (i > 0) put('crlf', Buffer.from(variant, 'utf8'));
      for (const [kind, form] of escapedForms(variant)) put(kind, Buffer.from(form, 'utf8'));
    });
    // Python prints bytes as b'…' with \xHH; bash's printf %q writes octal in the C locale
    // and for bytes that are not UTF-8, as they are otherwise.
    put('quoted', Buffer.from(bytesRepr(value), 'latin1'));
    put('shell', Buffer.from(ansiC(value, false), 'latin1'));
    put('shell', Buffer.from(ansiC(value, true), 'latin1'));
  }
  put('hex', Buffer.from(bytes.toString('hex'), 'latin1'));
  put('hex-upper', Buffer.from(bytes.toString('hex').toUpperCase(), 'latin1'));
  // Each URL encoder leaves its own set of characters as they are (letters and digits always):
  // encodeURIComponent - _ . ! ~ * ' ( ); the WHATWG form encoding (URLSearchParams, Java's
  // URLEncoder) * - . _ with a space as '+'; RFC 3986's unreserved - . _ ~ (Python's quote with
  // safe='', PHP's rawurlencode, curl; quote_plus and Go's QueryEscape with a space as '+';
  // Python's quote also keeps '/' by default); PHP's urlencode - . _ with '+'; encodeURI every
  // URL delimiter too. Some encoders write lower-case hex digits.
  const keeps = (chars: string) => (b: number) =>
    isAlnum(b) || chars.includes(String.fromCharCode(b));
  const uriKeep = keeps("-_.!~*'()");
  const formKeep = keeps('*-._');
  const unreserved = keeps('-._~');
  put('url', percent(value, uriKeep, false, HEX_UPPER));
  put('url-lower', percent(value, uriKeep, false, HEX_LOWER));
  put('url', percent(value, unreserved, false, HEX_UPPER));
  put('url-lower', percent(value, unreserved, false, HEX_LOWER));
  put('url', percent(value, keeps('-._~/'), false, HEX_UPPER));
  put('url', percent(value, keeps("-_.!~*'();/?:@&=+$,#"), false, HEX_UPPER));
  put('form', percent(value, uriKeep, true, HEX_UPPER));
  put('form', percent(value, formKeep, true, HEX_UPPER));
  put('form-lower', percent(value, formKeep, true, HEX_LOWER));
  put('form', percent(value, unreserved, true, HEX_UPPER));
  put('form', percent(value, keeps('-._'), true, HEX_UPPER));
  for (const [kind, inner] of base64Inner(value)) put(kind, Buffer.from(inner, 'latin1'));
  return [...seen.values()];
}

/**
 * `text`, then as a terminal prints it (every LF as CRLF, even one after a CR), with every
 * line ending as CRLF (unix2dos), and as LF (duplicates left to the caller).
 */
function lineEndings(text: string): string[] {
  if (!text.includes('\n')) return [text];
  return [
    text,
    text.replaceAll('\n', '\r\n'),
    text.replace(/\r?\n/g, '\r\n'),
    text.replaceAll('\r\n', '\n'),
  ];
}

/**
 * Inside a larger base64 blob the secret starts at byte offset 0, 1 or 2 modulo 3, and each
 * alignment encodes differently. For each, keep only the characters whose 6 bits all come
 * from the secret: those are the same whatever bytes surround it.
 */
function base64Inner(value: Uint8Array): Array<['base64' | 'base64url', string]> {
  const out: Array<['base64' | 'base64url', string]> = [];
  const n = value.length;
  for (let k = 0; k < 3; k++) {
    const padded = Buffer.alloc(k + n);
    padded.set(value, k);
    const encoded = padded.toString('base64');
    const first = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + n)) / 6);
    const inner = encoded.slice(first, end);
    out.push(['base64', inner]);
    out.push(['base64url', inner.replaceAll('+', '-').replaceAll('/', '_')]);
  }
  return out;
}

function percent(
  value: Uint8Array,
  keep: (b: number) => boolean,
  plusForSpace: boolean,
  hex: string,
): Uint8Array {
  let s = '';
  for (const b of value) {
    if (keep(b)) s += String.fromCharCode(b);
    else if (plusForSpace && b === 0x20) s += '+';
    else s += `%${hex[b >> 4]}${hex[b & 15]}`;
  }
  return Buffer.from(s, 'latin1');
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** The value as text when its bytes are well-formed UTF-8, else undefined. */
function utf8Text(value: Uint8Array): string | undefined {
  const text = Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf8');
  return Buffer.from(text, 'utf8').equals(value) ? text : undefined;
}
