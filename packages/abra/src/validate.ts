import { RECIPE_NAME, RECIPE_NAME_RULE } from '@ccci/contracts';

/**
 * Names that end up as abra arguments. They come from recipes, PRs and settings, so each is
 * checked against a strict pattern — which also keeps a value from being read as an option
 * (nothing may start with `-`).
 */
const PATTERNS = {
  domain:
    /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
  server: /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/,
  recipe: RECIPE_NAME,
  version: /^[A-Za-z0-9](?:[A-Za-z0-9.+_-]{0,126})$/,
  service: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62})$/,
  snapshot: /^[A-Za-z0-9](?:[A-Za-z0-9_.:-]{0,126})$/,
  secret: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,63})$/,
  secretVersion: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,31})$/,
} as const;

const EXPECTED: Record<keyof typeof PATTERNS, string> = {
  domain: 'a lower-case DNS name with at least one dot, e.g. cust-a1b2c3.ci.localhost',
  server: 'a lower-case host name, e.g. default or swarm.example.org',
  recipe: RECIPE_NAME_RULE,
  version: 'a recipe version such as 1.2.0+2.3.4',
  service: 'a compose service name of letters, digits, _, . and -',
  snapshot: 'a snapshot id of letters, digits, _, ., : and -',
  secret: 'a compose secret name of letters, digits, _, . and -, e.g. db_password',
  secretVersion: 'a secret version of letters, digits, _, . and -, e.g. v1',
};

export type NameKind = keyof typeof PATTERNS;

/** Throws a TypeError naming `option`, the value found and what was expected. */
export function checkName(kind: NameKind, option: string, value: unknown): string {
  if (typeof value !== 'string' || !PATTERNS[kind].test(value)) {
    throw new TypeError(
      `${option}: expected ${EXPECTED[kind]}, found ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value;
}

/** An absolute file path (so it cannot be read as an option), without NUL bytes. */
export function checkPath(option: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.includes('\0')) {
    throw new TypeError(
      `${option}: expected an absolute file path, found ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value;
}

export function checkPositiveInt(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${option}: expected a positive integer, found ${String(value)}`);
  }
  return value;
}

export function checkArgv(option: string, value: unknown): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === 'string' && !v.includes('\0'))
  ) {
    throw new TypeError(
      `${option}: expected a non-empty array of strings without NUL bytes, found ${JSON.stringify(value)}`,
    );
  }
  return value as string[];
}
