import { randomBytes } from 'node:crypto';

/**
 * Docker rejects service names longer than 63 characters (they are DNS labels) and secret
 * names longer than 64; abra builds both as `<stack>_<name>[_<version>]`. Every derived name
 * must stay at or below this.
 */
export const MAX_SWARM_NAME = 63;

/**
 * Characters reserved after the stack name when only the domain is known: `_` plus a service,
 * volume, secret or config name and a secret version (`_db_password_v1` and the like).
 */
const DEFAULT_NAME_RESERVE = 24;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Throws a TypeError unless `ciDomain` is a lower-case DNS name (labels of [a-z0-9-]). */
export function assertCiDomain(ciDomain: unknown, option = 'ciDomain'): asserts ciDomain is string {
  if (typeof ciDomain !== 'string' || ciDomain.length === 0 || ciDomain.length > 253) {
    throw new TypeError(
      `${option}: expected a DNS name such as "ci.example.org", found ${JSON.stringify(ciDomain)}`,
    );
  }
  for (const label of ciDomain.split('.')) {
    if (!LABEL.test(label)) {
      throw new TypeError(
        `${option}: expected lower-case DNS labels of [a-z0-9-], found ${JSON.stringify(ciDomain)} (label ${JSON.stringify(label)})`,
      );
    }
  }
}

/** Stack name of an app domain, as abra derives it: every `.` becomes `_`. */
export function stackName(domain: string): string {
  return domain.replaceAll('.', '_');
}

/** The recipe prefix of a run's domain: the first 4 characters of [a-z0-9] in the recipe name. */
function recipePrefix(recipe: string): string {
  const prefix = recipe
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 4);
  if (prefix.length === 0) {
    throw new TypeError(
      `recipe: expected a name with at least one letter or digit, found ${JSON.stringify(recipe)}`,
    );
  }
  return prefix;
}

/**
 * Throws a TypeError naming the domain when `<stack>_<suffix>` would exceed Docker's limit
 * for any of the given suffixes (e.g. `['app', 'db_password_v1']`), or, with no suffixes, when
 * the stack name leaves fewer than `reserve` characters for them.
 */
export function assertNamesFit(
  domain: string,
  suffixes?: readonly string[],
  reserve = DEFAULT_NAME_RESERVE,
): void {
  const stack = stackName(domain);
  if (suffixes === undefined) {
    if (stack.length + reserve > MAX_SWARM_NAME) {
      throw new TypeError(
        `domain ${JSON.stringify(domain)}: stack name "${stack}" is ${stack.length} characters; ` +
          `swarm object names "<stack>_<name>" need ${reserve} more and Docker allows ${MAX_SWARM_NAME}. ` +
          'Use a shorter ci domain.',
      );
    }
    return;
  }
  for (const suffix of suffixes) {
    const name = `${stack}_${suffix}`;
    if (name.length > MAX_SWARM_NAME) {
      throw new TypeError(
        `domain ${JSON.stringify(domain)}: swarm object name "${name}" is ${name.length} characters, ` +
          `Docker allows ${MAX_SWARM_NAME}. Use a shorter ci domain or object name.`,
      );
    }
  }
}

/**
 * The app domain of one CI run: `<first 4 of recipe>-<6 hex>.<ciDomain>`, e.g.
 * `cust-a1b2c3.ci.localhost`. `random` (default: crypto) supplies the 6 hex digits.
 * Throws a TypeError when derived swarm names could exceed Docker's 64-character limit.
 */
export function appDomain(
  recipe: string,
  ciDomain: string,
  random: () => string = () => randomBytes(3).toString('hex'),
): string {
  assertCiDomain(ciDomain);
  const hex = random();
  if (!/^[0-9a-f]{6}$/.test(hex)) {
    throw new TypeError(`random: expected 6 lower-case hex digits, found ${JSON.stringify(hex)}`);
  }
  const domain = `${recipePrefix(recipe)}-${hex}.${ciDomain}`;
  assertNamesFit(domain);
  return domain;
}

/**
 * Domain of a recipe's long-lived warm app (the warm canonical deployment that is also reused
 * as a warm dependency): `<recipe>-warm.<ciDomain>`. Its last label part is `warm`, never six
 * hex digits, so {@link ciStackPattern} can never match it and the janitor never reaps it.
 */
export function warmDomain(recipe: string, ciDomain: string): string {
  assertCiDomain(ciDomain);
  const name = recipe.toLowerCase();
  if (!LABEL.test(`${name}-warm`)) {
    throw new TypeError(
      `recipe: expected a name of [a-z0-9-] usable in a DNS label, found ${JSON.stringify(recipe)}`,
    );
  }
  const domain = `${name}-warm.${ciDomain}`;
  assertNamesFit(domain);
  return domain;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Matches exactly the stack names of CI runs under `ciDomain` (`xxxx-hhhhhh_<ci_domain>`),
 * never warm apps, never stacks of another ci domain (including sub- or parent domains).
 */
export function ciStackPattern(ciDomain: string): RegExp {
  assertCiDomain(ciDomain);
  return new RegExp(`^[a-z0-9]{1,4}-[0-9a-f]{6}_${escapeRegExp(stackName(ciDomain))}$`);
}

/**
 * Matches swarm object names (`<stack>_<name>`) belonging to a CI run stack under `ciDomain`;
 * group 1 is the stack name.
 */
export function ciObjectPattern(ciDomain: string): RegExp {
  assertCiDomain(ciDomain);
  return new RegExp(`^([a-z0-9]{1,4}-[0-9a-f]{6}_${escapeRegExp(stackName(ciDomain))})_.+$`);
}

/** The app domain of a CI run stack name (inverse of {@link stackName} for a known ci domain). */
export function domainOfStack(stack: string, ciDomain: string): string {
  const suffix = `_${stackName(ciDomain)}`;
  if (!ciStackPattern(ciDomain).test(stack)) {
    throw new TypeError(
      `stack: expected a CI run stack of ${ciDomain}, found ${JSON.stringify(stack)}`,
    );
  }
  return `${stack.slice(0, -suffix.length)}.${ciDomain}`;
}
