import { describe, expect, it } from 'vitest';
import { buildManifest, looksSecret, MASK, maskSecrets, renderManifest } from '../src/index.js';
import { loadWith } from './helpers.js';

describe('secret-looking names', () => {
  it.each([
    ['OIDC_RP_CLIENT_SECRET', true],
    ['SMTP_PASSWORD', true],
    ['DB_PASSWD', true],
    ['GITEA_TOKEN', true],
    ['API_KEY', true],
    ['apiKey', true],
    ['PRIVATE_KEYS', true],
    ['AWS_CREDENTIALS', true],
    ['secret', true],
    ['KEYCLOAK_URL', false],
    ['COMPOSE_FILE', false],
    ['KEYBOARD_LAYOUT', false],
    ['HEALTH_PATH', false],
  ])('%s → %s', (name, secret) => {
    expect(looksSecret(name)).toBe(secret);
  });

  it('masks nested entries of any depth, keeping the rest', () => {
    expect(
      maskSecrets({
        COMPOSE_FILE: 'a.yml',
        SMTP_PASSWORD: 'hunter2hunter2',
        nested: { API_TOKEN: { x: 1 } },
      }),
    ).toEqual({ COMPOSE_FILE: 'a.yml', SMTP_PASSWORD: MASK, nested: { API_TOKEN: MASK } });
  });
});

describe('customization manifest', () => {
  it('lists non-default keys (masked), hooks, overlays, tests, previous, install steps, exceptions', () => {
    const r = loadWith({
      'recipes/r/recipe_meta.yml': [
        'HEALTH_PATH: /status',
        'DEPLOY_TIMEOUT: 600', // equal to the default: not listed
        'EXTRA_ENV:',
        '  COMPOSE_FILE: compose.yml:compose.smtp.yml',
        '  SMTP_PASSWORD: correct-horse-battery',
        'COMPOSE_POLICY_EXCEPTIONS:',
        '  - service: agent',
        '    rule: docker-socket',
        '    reason: the agent lists containers to back them up',
        '',
      ].join('\n'),
      'recipes/r/hooks.ts': 'export async function SCREENSHOT(page: unknown, ctx: unknown) {}\n',
      'recipes/r/compose.ccci.yml': '# slow migrations: start_period 5m\nservices: {}\n',
      'recipes/r/tests/test_upgrade.sh': 'true\n',
      'recipes/r/tests/functional/a.sh': 'true\n',
      'recipes/r/tests/playwright/a.spec.ts':
        'export const tests = { a: async () => {}, b: async () => {} };\n',
      'recipes/r/install_steps.sh': 'true\n',
      'recipes/r/previous/.env': 'X=1\n',
      'recipes/r/previous/compose.ccci.yml': '# the 1.x image boots slower\nservices: {}\n',
    });
    expect(r.ok).toBe(true);
    const m = buildManifest(r, { devSkips: ['CCCI_DEV_SKIP_LINT'] });
    expect(m.defaults).toBe(false);
    expect(m.keys.map((k) => k.key)).toEqual(['HEALTH_PATH', 'EXTRA_ENV']);
    expect(m.keys[1]?.value).toEqual({
      COMPOSE_FILE: 'compose.yml:compose.smtp.yml',
      SMTP_PASSWORD: MASK,
    });
    expect(m.hooks).toMatchObject([
      { name: 'SCREENSHOT', signature: 'SCREENSHOT(page, ctx)', source: 'operator' },
    ]);
    expect(m.overlays.compose?.why).toBe('slow migrations: start_period 5m');
    expect(m.overlays.tests).toMatchObject([{ op: 'upgrade' }]);
    expect(m.customTests).toEqual({ functional: 1, playwright: 2, playwrightFiles: 1 });
    expect(m.installSteps).not.toBeNull();
    expect(m.previous?.files).toBe(1); // dotfiles are not counted
    expect(m.composePolicyExceptions).toEqual([
      {
        service: 'agent',
        rule: 'docker-socket',
        reason: 'the agent lists containers to back them up',
      },
    ]);

    const embeddable: Record<string, unknown> = m; // results.json embeds it as a plain record
    const json = JSON.stringify(embeddable);
    expect(JSON.parse(json)).toEqual(m);
    expect(json).not.toContain('correct-horse-battery');

    const text = renderManifest(m);
    expect(text.split('\n')[0]).toBe(
      '!!! DEV-ONLY SKIP ACTIVE: CCCI_DEV_SKIP_LINT — this run is not a real result !!!',
    );
    expect(text).toContain('HEALTH_PATH = "/status"');
    expect(text).toContain('compose overlay');
    expect(text).toContain('(chaos deploy)');
    expect(text).toContain('custom tests: 1 functional, 2 playwright (1 files)');
    expect(text).toContain(
      'compose-policy exception: docker-socket for service agent — the agent lists containers to back them up',
    );
    expect(text).not.toContain('correct-horse-battery');
  });

  it('a secret-looking top-level private note never shows', () => {
    const r = loadWith({ 'recipes/r/recipe_meta.yml': '_ADMIN_PASSWORD: hunter2hunter2\n' });
    expect(JSON.stringify(buildManifest(r))).not.toContain('hunter2');
  });

  it('says "defaults" when nothing is customized', () => {
    const r = loadWith({ 'recipes/r/README.md': 'enrolled\n' });
    const m = buildManifest(r);
    expect(m.defaults).toBe(true);
    expect(renderManifest(m)).toBe('customization of r: none (defaults)');
  });
});
