// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose ${VAR} interpolation syntax
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAgainstRecipe, loadRecipeMeta } from '../src/index.js';
import { tempTree } from './helpers.js';

// A recipe shaped like a real one: an overlay in a subfolder, a host-ports overlay, .env.sample
// with commented options.
const RECIPE = {
  'repo/compose.yml':
    'version: "3.8"\nservices:\n  app:\n    image: x\n    environment:\n      - SMTP_HOST=${SMTP_HOST}\n  db:\n    image: y\nconfigs:\n  conf:\n    file: c\n',
  'repo/compose.host-ports.yml':
    'version: "3.8"\nservices:\n  app:\n    ports:\n      - "64738:64738/tcp"\n      - target: 64739\n        published: 64739\n',
  'repo/postgres/compose.postgres.tune.yml':
    'version: "3.8"\nservices:\n  db:\n    expose: [5432]\n',
  'repo/.env.sample':
    'TYPE=r\n#COMPOSE_FILE="$COMPOSE_FILE:compose.host-ports.yml"\n#export LOG_LEVEL=info\n',
};

function check(meta: string) {
  const root = tempTree({ ...RECIPE, 'recipes/r/recipe_meta.yml': meta });
  const loaded = loadRecipeMeta({ recipesDir: join(root, 'recipes'), recipe: 'r' });
  expect(loaded.problems).toEqual([]);
  return checkAgainstRecipe(loaded, join(root, 'repo'));
}

describe('enrolled settings name only what the recipe declares', () => {
  it('accepts names found in any compose file, subfolder overlays and commented .env.sample keys', () => {
    expect(
      check(
        'EXTRA_ENV:\n  SMTP_HOST: mail\n  COMPOSE_FILE: compose.yml:compose.host-ports.yml\n  LOG_LEVEL: debug\nREADY_PROBE:\n  - tcp: 64738\n  - tcp: 5432\nCOMPOSE_POLICY_EXCEPTIONS:\n  - service: db\n    rule: cap-add\n    reason: the recipe tunes shared memory\n',
      ),
    ).toEqual([]);
  });

  it('names each unknown key, service and port with the settings file and line', () => {
    const found = check(
      'HEALTH_PATH: /\nEXTRA_ENV:\n  SMTP_HOTS: mail\nREADY_PROBE:\n  - tcp: 6000\nCOMPOSE_POLICY_EXCEPTIONS:\n  - service: worker\n    rule: cap-add\n    reason: why not\n',
    );
    expect(found.map((p) => [p.code, p.key, p.line])).toEqual([
      ['not_in_recipe', 'EXTRA_ENV', 2],
      ['not_in_recipe', 'COMPOSE_POLICY_EXCEPTIONS', 6],
      ['not_in_recipe', 'READY_PROBE', 4],
    ]);
    expect(found[0]?.message).toMatch(/EXTRA_ENV sets SMTP_HOTS, which .* never reads/);
    expect(found[1]?.message).toMatch(
      /service "worker", which no compose file .* declares \(services: app, db\)/,
    );
    expect(found[2]?.message).toMatch(
      /READY_PROBE tcp 6000: no compose file .* publishes or exposes/,
    );
    expect(found.every((p) => p.file.endsWith('recipe_meta.yml') && p.severity === 'error')).toBe(
      true,
    );
  });
});
