// abra's reading of an app env file (`servers/<server>/<domain>.env`, a copy of the recipe's
// `.env.sample`). abra reads it with a fork of github.com/joho/godotenv; these are that
// parser's rules (godotenv v1.5.1 parser.go, commit 3fc4292b58a67b78e1dbb6e47b4879a6cc602ec4:
// locateKeyName, extractVarValue, expandVariables), written here once so the harness, the
// compose policy and the abra double all see the values abra will:
//  - blank lines and lines starting with `#` are skipped; an `export ` prefix is dropped;
//  - the key ends at `=` or `:`, spaces around it are trimmed (`VAR =x` is VAR); `=x` and a
//    last line without `=` and without a line break set the empty key (godotenv's quirk);
//  - an unquoted value ends at the line end, or at the last `#` preceded by a space (inline
//    comment), and is trimmed; `'…'` is taken literally; `"…"` may span lines and has `\n`,
//    `\r` and `\x` escapes; text after a closing quote is a comment if it starts with `#`;
//  - unquoted and double-quoted values expand `$VAR` and `${VAR}` (upper-case names) from the
//    keys read so far in the same file, never from the process environment, so
//    `COMPOSE_FILE="$COMPOSE_FILE:compose.x.yml"` chains; `${VAR:-d}` is not compose syntax
//    here: `${VAR` expands and `:-d}` stays.
// A later line with the same key replaces the earlier value. The fork adds modifiers read from
// a trailing comment (`SECRET_X_VERSION=v1 # length=32`): kept here as `comment`.

import { CcciError } from '@ccci/contracts';

export interface EnvEntry {
  key: string;
  value: string;
  /** 1-based line where the entry starts. */
  line: number;
  /** The text of a trailing comment (`# length=32`), without the `#`; '' when none. */
  comment: string;
}

/** An env file abra could not read: names the line and what was found. */
export class EnvFileError extends CcciError<'ABRA_ENV_FILE'> {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super('ABRA_ENV_FILE', `${file}:${line}: ${detail}`);
  }
}

/** godotenv's isSpace: no line breaks. */
const SPACE = /[\t\v\f\r \u0085\u00a0]/;
/** Go's unicode.IsSpace (godotenv trims keys and finds statements with it). */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const GO_SPACE_TAIL =
  /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;
const SPACE_EDGES = /^[\t\v\f\r \u0085\u00a0]+|[\t\v\f\r \u0085\u00a0]+$/g;
const KEY_CHAR = /[\p{L}\p{N}_.]/u;
const EXPAND = /(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?/g;

/**
 * godotenv walks a key byte by byte and judges each byte as a Latin-1 rune: a non-ASCII
 * character passes only when every byte of its UTF-8 form is a Latin-1 letter, number or space.
 */
function latin1KeyBytes(c: string): boolean {
  for (const b of Buffer.from(c, 'utf8')) {
    const ok =
      b === 0x85 ||
      b === 0xa0 ||
      b === 0xaa ||
      b === 0xb5 ||
      b === 0xba ||
      b === 0xb2 ||
      b === 0xb3 ||
      b === 0xb9 ||
      (b >= 0xbc && b <= 0xbe) ||
      (b >= 0xc0 && b !== 0xd7 && b !== 0xf7);
    if (!ok) return false;
  }
  return true;
}

/** Names a character of a message: quoted when visible, else by code point (a BOM, a line break). */
function shownChar(c: string): string {
  if (/^[\x21-\x7e]$/.test(c)) return JSON.stringify(c);
  const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return c === '\uFEFF' ? `${code} (byte order mark)` : code;
}

function expand(value: string, vars: ReadonlyMap<string, string>): string {
  return value.replace(
    EXPAND,
    // godotenv compares its second group (always "$") with "(": `$(` is kept as it is.
    (whole, escaped?: string, _d?: string, _paren?: string, name?: string) => {
      if (escaped === '\\') return whole.slice(1);
      if (name) return vars.get(name) ?? '';
      return whole;
    },
  );
}

function unescapeQuoted(value: string): string {
  return (
    value
      // Go's `.` is any character but \n (JavaScript's also refuses \r, U+2028 and U+2029).
      .replace(/\\[^\n]/g, (m) => (m === '\\n' ? '\n' : m === '\\r' ? '\r' : m))
      .replace(/\\([^$])/g, '$1')
  );
}

/** An entry and where its statement sits in the text (line breaks normalised to `\n`). */
export interface PlacedEntry extends EnvEntry {
  /** Offset of the statement (`export` included). */
  start: number;
  /** Offset just past the value and its trailing comment. */
  end: number;
}

/** Parse env-file text the way abra does; throws {@link EnvFileError} where abra would fail. */
export function parseEnvFile(text: string, file = '.env'): EnvEntry[] {
  return scanEnvFile(text.replace(/\r\n/g, '\n'), file).map(({ key, value, line, comment }) => ({
    key,
    value,
    line,
    comment,
  }));
}

function lineFinder(src: string): (pos: number) => number {
  const breaks: number[] = [];
  for (let k = src.indexOf('\n'); k >= 0; k = src.indexOf('\n', k + 1)) breaks.push(k);
  return (pos) => {
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((breaks[mid] as number) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/** godotenv's parseBytes over text whose `\r\n` are already `\n` (for env-file-edit.ts). */
export function scanEnvFile(src: string, file: string): PlacedEntry[] {
  const vars = new Map<string, string>();
  const entries: PlacedEntry[] = [];
  const lineAt = lineFinder(src);
  let i = 0;
  while (i < src.length) {
    // Statement start: skip whitespace (line breaks included) and whole-line comments.
    while (i < src.length && GO_SPACE.test(src[i] as string)) i++;
    if (i >= src.length) break;
    if (src[i] === '#') {
      const nl = src.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    const start = i;
    if (src.startsWith('export', i) && SPACE.test(src[i + 6] ?? '')) {
      i += 6;
      while (SPACE.test(src[i] ?? '')) i++;
    }
    const keyStart = i;
    if (keyStart >= src.length)
      throw new EnvFileError(file, lineAt(start), 'nothing after "export" (expected KEY=value)');
    let keyEnd = -1;
    for (; i < src.length; i++) {
      const c = src[i] as string;
      if (SPACE.test(c)) continue;
      if (c === '=' || c === ':') {
        keyEnd = i;
        break;
      }
      if (c.charCodeAt(0) > 0x7f ? !latin1KeyBytes(c) : !KEY_CHAR.test(c)) {
        throw new EnvFileError(
          file,
          lineAt(i),
          `unexpected character ${shownChar(c)} in variable name (expected KEY=value)`,
        );
      }
    }
    // No `=` before the end of the text: godotenv reads the whole rest as the empty key's value.
    const key = keyEnd < 0 ? '' : src.slice(keyStart, keyEnd).replace(GO_SPACE_TAIL, '');
    i = keyEnd < 0 ? keyStart : keyEnd + 1;
    while (SPACE.test(src[i] ?? '')) i++;
    const q = src[i];
    let value: string;
    let comment = '';
    if (q === '"' || q === "'") {
      let end = -1;
      for (let k = i + 1; k < src.length; k++) {
        if (src[k] === q && src[k - 1] !== '\\') {
          end = k;
          break;
        }
      }
      if (end < 0)
        throw new EnvFileError(file, lineAt(start), `unterminated quoted value of ${key}`);
      // godotenv trims every quote character off both ends (`"x\""` reads `x\`).
      const inner = src.slice(i, end).replace(new RegExp(`^${q}+|${q}+$`, 'g'), '');
      value = q === '"' ? expand(unescapeQuoted(inner), vars) : inner;
      i = end + 1;
      const nl = src.indexOf('\n', i);
      const rest = src.slice(i, nl < 0 ? src.length : nl);
      const m = /^\s*#\s*(.*)$/.exec(rest);
      if (m) {
        comment = (m[1] as string).trim();
        i = nl < 0 ? src.length : nl;
      }
    } else {
      const nl = src.slice(i).search(/[\n\r]/);
      const end = nl < 0 ? src.length : i + nl;
      const line = src.slice(i, end);
      let cut = line.length;
      for (let k = line.length - 1; k > 0; k--) {
        if (line[k] === '#' && SPACE.test(line[k - 1] as string)) {
          cut = k;
          break;
        }
      }
      if (cut < line.length) comment = line.slice(cut + 1).trim();
      value = expand(line.slice(0, cut).replace(SPACE_EDGES, ''), vars);
      i = end;
    }
    vars.set(key, value);
    entries.push({ key, value, line: lineAt(start), comment, start, end: i });
  }
  return entries;
}

/** The values of an env file, later keys winning. */
export function envValues(entries: readonly EnvEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) out[e.key] = e.value;
  return out;
}

/**
 * `export VAR=value` lines of a recipe's `abra.sh` (config and secret versions): abra adds them
 * to the app env before it loads the compose files.
 */
export function abraShExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^[ \t]*export[ \t]+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)) {
    out[m[1] as string] = (m[2] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

/**
 * The env a deploy interpolates compose files with: the app env, then `abra.sh` exports, then
 * `STACK_NAME`. Nothing from the process environment.
 */
export function deployEnv(
  appEnv: Readonly<Record<string, string>>,
  abraSh: Readonly<Record<string, string>>,
  stack: string,
): Record<string, string> {
  return { ...appEnv, ...abraSh, STACK_NAME: stack };
}

/** The compose files a deploy loads: `COMPOSE_FILE` split on `:`, default `compose.yml`. */
export function composeFileNames(env: Readonly<Record<string, string>>): string[] {
  const names = (env['COMPOSE_FILE'] ?? '').split(':').filter((n) => n !== '');
  return names.length > 0 ? names : ['compose.yml'];
}
