import { randomBytes } from 'node:crypto';

/** A fresh CI domain for one test suite, e.g. `t1a2b3c4d.localhost` (shared contract). */
export function uniqueCiDomain(): string {
  return `t${randomBytes(4).toString('hex')}.localhost`;
}

/** An app domain as a run makes it: `<first 4 of recipe>-<6 hex>.<ci domain>`. */
export function uniqueAppDomain(recipe: string, ciDomain: string): string {
  const short =
    recipe
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 4) || 'app';
  return `${short}-${randomBytes(3).toString('hex')}.${ciDomain}`;
}

/** abra's stack name for a domain: dots become underscores. */
export function stackNameOf(domain: string): string {
  return domain.replace(/\./g, '_');
}
