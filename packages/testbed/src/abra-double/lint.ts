// `abra recipe lint <recipe>`: a table of rules (ref, rule, severity, satisfied, skipped,
// resolve) over `$ABRA_DIR/recipes/<recipe>`. Like abra, it exits 0 even when an
// error-severity rule is not satisfied: it only prints the table and a warning, so callers
// must parse the table. Rule refs and wording are modelled on abra's pkg/lint/recipe.go
// (LintRules: R001…R016); the checks are the double's own, on the recipe as it is on disk.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recipeDir } from './app.js';
import { type Compose, composeFiles, labelsOf, loadComposeText } from './compose.js';
import { isClean, tags } from './git.js';
import { out, warn } from './log.js';
import { renderTable } from './table.js';

interface Rule {
  ref: string;
  level: 'warn' | 'error';
  description: string;
  resolve: string;
  /** undefined = skipped (cannot be checked here). */
  check: (ctx: Ctx) => Promise<boolean | undefined> | boolean | undefined;
}

interface Ctx {
  dir: string;
  compose: Compose;
  recipe: string;
}

const images = (c: Compose) => Object.values(c.services).map((s) => s.image ?? '');

const RULES: Rule[] = [
  {
    ref: 'R001',
    level: 'warn',
    description: 'compose config has expected version',
    resolve: 'ensure "version: \'3.8\'" in compose configs',
    check: (c) => c.compose.version === '3.8',
  },
  {
    ref: 'R002',
    level: 'warn',
    description: 'healthcheck enabled for all services',
    resolve: 'wire up healthchecks',
    check: (c) =>
      Object.values(c.compose.services).every((s) => s.healthcheck && !s.healthcheck.disable),
  },
  {
    ref: 'R003',
    level: 'warn',
    description: 'all images use a tag',
    resolve: 'use a tag for all images',
    check: (c) => images(c.compose).every((i) => /:[^/]+$/.test(i)),
  },
  {
    ref: 'R004',
    level: 'warn',
    description: 'all images use a stable tag',
    resolve: 'use a stable tag for all images',
    check: (c) => images(c.compose).every((i) => !/:latest$/.test(i)),
  },
  {
    ref: 'R005',
    level: 'warn',
    description: 'tags use semver-like format',
    resolve: 'use semver-like tags',
    check: (c) => images(c.compose).every((i) => /:v?\d+(\.\d+)*/.test(i)),
  },
  {
    ref: 'R006',
    level: 'warn',
    description: 'has published catalogue version',
    resolve: 'publish a recipe version to the catalogue',
    check: () => undefined,
  },
  {
    ref: 'R007',
    level: 'warn',
    description: 'README.md metadata filled in',
    resolve: 'fill out all the metadata',
    check: (c) =>
      existsSync(join(c.dir, 'README.md')) &&
      !readFileSync(join(c.dir, 'README.md'), 'utf8').includes('<!-- '),
  },
  {
    ref: 'R008',
    level: 'error',
    description: '.env.sample provided',
    resolve: 'create an example .env.sample',
    check: (c) => existsSync(join(c.dir, '.env.sample')),
  },
  {
    ref: 'R009',
    level: 'error',
    description: "one service named 'app'",
    resolve: "name a service 'app'",
    check: (c) => 'app' in c.compose.services,
  },
  {
    ref: 'R010',
    level: 'error',
    description: 'traefik routing enabled',
    resolve: 'include "traefik.enable=true" deploy label',
    check: (c) =>
      Object.values(c.compose.services).some((s) => labelsOf(s)['traefik.enable'] === 'true'),
  },
  {
    ref: 'R011',
    level: 'error',
    description: 'all services have images',
    resolve: 'ensure "image: ..." set on all services',
    check: (c) => images(c.compose).every(Boolean),
  },
  {
    ref: 'R012',
    level: 'error',
    description: 'config version are vendored',
    resolve: 'vendor config versions in an abra.sh',
    check: (c) =>
      Object.values(c.compose.configs).every(
        (cfg) => !cfg?.name || /__\w+_VERSION__$/.test(cfg.name),
      ),
  },
  {
    ref: 'R013',
    level: 'error',
    description: 'only annotated tags used for recipe version',
    resolve: 'replace lightweight tag with annotated tag',
    check: async (c) => (await tags(c.dir)).every((t) => t.annotated),
  },
  {
    ref: 'R014',
    level: 'error',
    description: 'invalid lightweight tag',
    resolve: 'remove lightweight tags',
    check: async (c) => !(await tags(c.dir)).some((t) => !t.annotated),
  },
  {
    ref: 'R015',
    level: 'error',
    description: 'long secret names',
    resolve: 'reduce length of secret names to 12 chars',
    check: (c) => Object.keys(c.compose.secrets).every((k) => k.length <= 12),
  },
  {
    ref: 'R016',
    level: 'error',
    description: 'no unstaged changes',
    resolve: 'commit all changes',
    check: (c) => isClean(c.dir),
  },
];

export async function lint(recipe: string | undefined): Promise<void> {
  if (!recipe) return void warn('no recipe provided');
  const dir = recipeDir(recipe);
  // Lint reads the compose files uninterpolated: each ${VAR} becomes the marker __VAR__, so
  // R012 can see whether a config name carries a vendored `*_VERSION` variable.
  const env = new Proxy({} as Record<string, string>, {
    get: (_t, k) => (k === 'STACK_NAME' ? `${recipe}_example_com` : `__${String(k)}__`),
  });
  const compose = loadComposeText(composeFiles(dir, {}), env);
  const ctx: Ctx = { dir, compose, recipe };
  const rows: string[][] = [];
  let errors = 0;
  for (const rule of RULES) {
    const result = await rule.check(ctx);
    const skipped = result === undefined;
    const satisfied = result === true;
    if (!satisfied && !skipped && rule.level === 'error') errors++;
    rows.push([
      rule.ref,
      rule.description,
      rule.level,
      skipped ? '-' : satisfied ? '✅' : '❌',
      skipped ? '✅' : '-',
      satisfied || skipped ? '-' : rule.resolve,
    ]);
  }
  out(renderTable(['ref', 'rule', 'severity', 'satisfied', 'skipped', 'resolve'], rows));
  if (errors > 0) warn(`critical errors present in ${recipe} config`);
}
