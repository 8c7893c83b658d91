/**
 * Field names whose values are secret whatever they hold: HTTP auth headers, webhook
 * signatures (Gitea, GitHub, Gogs), and the usual token/password/key spellings. A name also
 * covers every field that ends with it once case and separators are ignored, so `token`
 * covers `accessToken`, `GITEA_TOKEN` and `x-auth-token`.
 */
export const SENSITIVE_FIELD_NAMES: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'token',
  'password',
  'passwd',
  'secret',
  'apiKey',
  'api-key',
  'privateKey',
  'credentials',
  'x-gitea-signature',
  'x-gogs-signature',
  'x-hub-signature',
  'x-hub-signature-256',
];

/** `token`, `Token`, `TOKEN`, `x_auth-Token` all become `token`/`xauthtoken`. */
function normalizeFieldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A predicate telling whether a field name is sensitive, given the names above or others. */
export function sensitiveFieldMatcher(
  names: readonly string[] = SENSITIVE_FIELD_NAMES,
): (field: string) => boolean {
  const normalized = [...new Set(names.map(normalizeFieldName).filter((n) => n !== ''))];
  return (field) => {
    const f = normalizeFieldName(field);
    return normalized.some((n) => f.endsWith(n));
  };
}

/** Options of `sensitiveFieldPaths`. */
export interface FieldPathOptions {
  /** Field names to cover. Default `SENSITIVE_FIELD_NAMES`. */
  names?: readonly string[];
  /** How many levels of nesting `*` wildcards reach below the top. Default 3. */
  depth?: number;
}

/**
 * pino `redact.paths` for the sensitive field names, in the spellings logs use (as given,
 * lower, UPPER, Capitalised, Header-Case), at the top level and nested up to `depth` levels
 * (pino paths are case-sensitive and a `*` matches exactly one level). `pinoRedactOptions`
 * adds a formatter that catches every other spelling and depth.
 */
export function sensitiveFieldPaths(options: FieldPathOptions = {}): string[] {
  const { names = SENSITIVE_FIELD_NAMES, depth = 3 } = options;
  if (!Number.isInteger(depth) || depth < 0 || depth > 8) {
    throw new TypeError(`depth must be an integer from 0 to 8, got ${String(depth)}`);
  }
  const spellings = new Set<string>();
  for (const name of names) {
    spellings.add(name);
    spellings.add(name.toLowerCase());
    spellings.add(name.toUpperCase());
    spellings.add(name.charAt(0).toUpperCase() + name.slice(1));
    spellings.add(
      name.replace(/(^|[-_])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase()),
    );
  }
  const paths: string[] = [];
  for (let level = 0; level <= depth; level++) {
    const prefix = '*.'.repeat(level);
    for (const s of spellings) {
      const key = /^[A-Za-z_$][\w$]*$/.test(s) ? s : `["${s}"]`;
      if (level === 0) paths.push(key.startsWith('[') ? key : key);
      else paths.push(key.startsWith('[') ? `${prefix.slice(0, -1)}${key}` : `${prefix}${key}`);
    }
  }
  return paths;
}
