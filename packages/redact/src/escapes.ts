/**
 * How programs escape text when they print it: JSON encoders, quoted strings (Go `%q`,
 * Python `repr`), shells (`set -x`, `printf %q`, `${var@Q}`), HTML. Each function returns
 * the escaped form of a secret as it appears inside a larger escaped string (no quotes around
 * it). Every encoder escapes character by character, so a secret inside a larger string is
 * escaped the same way as on its own; the few rules that depend on the position in the
 * string get both variants.
 */

/** Which family an escaped form belongs to (a `PatternKind`). */
export type EscapeKind =
  | 'json'
  | 'json-ascii'
  | 'json-slash'
  | 'json-html'
  | 'json-upper'
  | 'quoted'
  | 'shell'
  | 'html';

interface JsonStyle {
  /** `/` as `\/` (PHP). */
  slash?: boolean;
  /** Everything outside printable ASCII as `\uXXXX` (Python's default, PHP's). */
  ascii?: boolean;
  /** Characters written as `\uXXXX` for HTML safety (Go: `<>&`; .NET also `'+\`"`). */
  html?: string;
  /** `\u` escapes with upper-case hex digits (Java's Jackson, .NET). */
  upper?: boolean;
  /** `\b` and `\f` as `\u0008` and `\u000c` (Go before 1.22). */
  longBF?: boolean;
  /** U+2028 and U+2029 as `\u` escapes (Go). */
  lineSeparators?: boolean;
}

const JSON_STYLES: ReadonlyArray<[EscapeKind, JsonStyle]> = [
  ['json', {}], // JSON.stringify, Python with ensure_ascii=False, Ruby, Rust
  ['json-ascii', { ascii: true }], // Python json.dumps
  ['json-slash', { slash: true, ascii: true }], // PHP json_encode
  ['json-slash', { slash: true, lineSeparators: true }], // PHP with JSON_UNESCAPED_UNICODE
  ['json-slash', { slash: true }], // … and JSON_UNESCAPED_LINE_TERMINATORS
  ['json-html', { html: '<>&', lineSeparators: true }], // Go encoding/json
  ['json-html', { html: '<>&', lineSeparators: true, longBF: true }], // Go before 1.22
  ['json-html', { lineSeparators: true }], // Go with SetEscapeHTML(false)
  ['json-upper', { upper: true }], // upper-case control escapes (\u001B)
  ['json-upper', { upper: true, ascii: true }], // Jackson with ESCAPE_NON_ASCII
  ['json-upper', { upper: true, ascii: true, html: '<>&\'+`"' }], // .NET System.Text.Json
];

const JSON_SHORT: Readonly<Record<number, string>> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
};

/** `text` as a JSON string's contents in the given style. */
function jsonEscape(text: string, style: JsonStyle): string {
  const u = (c: number) => {
    const hex = c.toString(16).padStart(4, '0');
    return `\\u${style.upper ? hex.toUpperCase() : hex}`;
  };
  let s = '';
  // By UTF-16 unit: encoders write a character beyond U+FFFF as a surrogate pair of \u escapes.
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const c = text.charCodeAt(i);
    if (style.html?.includes(ch)) s += u(c);
    else if (ch === '"' || ch === '\\') s += `\\${ch}`;
    else if (ch === '/' && style.slash) s += '\\/';
    else if (c < 0x20) {
      const short = JSON_SHORT[c];
      s += short !== undefined && !(style.longBF && (c === 8 || c === 12)) ? short : u(c);
    } else if ((c === 0x2028 || c === 0x2029) && style.lineSeparators) s += u(c);
    else if (c > 0x7e && style.ascii) s += u(c);
    else s += ch;
  }
  return s;
}

/** Letters, marks, numbers, punctuation, symbols and the ASCII space: Go's and Python's rule. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

interface QuoteStyle {
  quote: '"' | "'";
  /** `\a \b \f \v` by name (Go); Python names only `\t \n \r`. */
  named: boolean;
  /** Only ASCII is printed as it is (Go `%+q`). */
  ascii: boolean;
}

const QUOTE_STYLES: readonly QuoteStyle[] = [
  { quote: '"', named: true, ascii: false }, // Go %q, strconv.Quote
  { quote: '"', named: true, ascii: true }, // Go %+q
  { quote: "'", named: false, ascii: false }, // Python repr
  { quote: '"', named: false, ascii: false }, // Python repr of a string holding a '
];

const C_NAMED: Readonly<Record<number, string>> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
};

/** `text` inside a quoted string literal as Go's `%q` or Python's `repr` writes it. */
function quoteEscape(text: string, style: QuoteStyle): string {
  let s = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === style.quote || ch === '\\') s += `\\${ch}`;
    else if (PRINTABLE.test(ch) && !(style.ascii && c > 0x7e)) s += ch;
    else if (C_NAMED[c] !== undefined && (style.named || c === 9 || c === 10 || c === 13)) {
      s += C_NAMED[c];
    } else if (c < 0x20 || c === 0x7f || (!style.named && c < 0x100)) s += `\\x${hex(c, 2)}`;
    else if (c < 0x10000) s += `\\u${hex(c, 4)}`;
    else s += `\\U${hex(c, 8)}`;
  }
  return s;
}

/** Python's `repr` of bytes: printable ASCII as it is, the rest as `\xHH`. */
export function bytesRepr(value: Uint8Array): string {
  let s = '';
  for (const b of value) {
    if (b === 0x27 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b === 9) s += '\\t';
    else if (b === 10) s += '\\n';
    else if (b === 13) s += '\\r';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\x${hex(b, 2)}`;
  }
  return s;
}

/**
 * Bash's `$'…'` quoting (`printf %q` and `${var@Q}` of a string with control characters):
 * `\'`, `\\`, named controls, `\E` for escape, octal for the rest; bytes above ASCII as they
 * are (a UTF-8 locale) or in octal (the C locale, or bytes that are not UTF-8).
 */
export function ansiC(value: Uint8Array, octalAbove127: boolean): string {
  const named: Readonly<Record<number, string>> = { ...C_NAMED, 27: '\\E' };
  let s = '';
  for (const b of value) {
    if (b === 0x27 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (named[b] !== undefined) s += named[b];
    else if (b < 0x20 || b === 0x7f || (b > 0x7f && octalAbove127)) {
      s += `\\${b.toString(8).padStart(3, '0')}`;
    } else s += String.fromCharCode(b);
  }
  return s;
}

/** What bash's `printf %q` escapes with a backslash (without control characters). */
const BASH_SPECIAL = ' !"$&\'()*,;<>?[\\]^`{|}';

/**
 * Bash's `printf %q` of a string without control characters: a backslash before each
 * special character; `~` and `#` too where they start the word (`leading`).
 */
function bashBackslash(text: string, leading: boolean): string {
  let s = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const first = leading && (i === 0 || (ch === '~' && '=:'.includes(text[i - 1]!)));
    if (BASH_SPECIAL.includes(ch) || (first && (ch === '~' || ch === '#'))) s += `\\${ch}`;
    else s += ch;
  }
  return s;
}

/**
 * HTML escapers: which characters each writes as which entity. Browsers serialise text
 * (`innerHTML`, a saved page) escaping only `& < >` and attributes only `& "`, both with
 * U+00A0 as `&nbsp;`; templating libraries escape five characters, each its own way.
 */
const HTML_ESCAPERS: ReadonlyArray<Readonly<Record<string, string>>> = [
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\u00a0': '&nbsp;' }, // text in a serialised page
  { '&': '&amp;', '"': '&quot;', '\u00a0': '&nbsp;' }, // attribute values in one
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }, // PHP htmlspecialchars before 8.1
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }, // lodash, Rails
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' }, // PHP 8.1+
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' }, // Python, Django
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }, // XML, XHTML
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' }, // Go html, Jinja
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;', '+': '&#43;' }, // Go html/template
];

function htmlEscape(text: string, entities: Readonly<Record<string, string>>): string {
  let s = '';
  for (const ch of text) s += entities[ch] ?? ch;
  return s;
}

/** Every escaped form of `text` (well-formed Unicode), with its family; duplicates included. */
export function escapedForms(text: string): Array<[EscapeKind, string]> {
  const forms: Array<[EscapeKind, string]> = [];
  for (const [kind, style] of JSON_STYLES) forms.push([kind, jsonEscape(text, style)]);
  for (const style of QUOTE_STYLES) forms.push(['quoted', quoteEscape(text, style)]);
  // Single-quoted for a shell: bash's `set -x` and `${var@Q}` close, escape and reopen the
  // quotes around a `'`; Python's shlex.quote puts it in double quotes instead.
  forms.push(['shell', text.replaceAll("'", "'\\''")]);
  forms.push(['shell', text.replaceAll("'", `'"'"'`)]);
  // Double-quoted for a shell (`declare -p`, `export -p`): \ before $ ` " and \.
  forms.push(['shell', text.replace(/[$`"\\]/g, '\\$&')]);
  // YAML and SQL single quotes double a `'` (docker's and abra's YAML output).
  forms.push(['quoted', text.replaceAll("'", "''")]);
  if (!/[\u0000-\u001f\u007f]/.test(text)) {
    forms.push(['shell', bashBackslash(text, false)], ['shell', bashBackslash(text, true)]);
  }
  for (const entities of HTML_ESCAPERS) forms.push(['html', htmlEscape(text, entities)]);
  return forms;
}

function hex(c: number, digits: number): string {
  return c.toString(16).padStart(digits, '0');
}
