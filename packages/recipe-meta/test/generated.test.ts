import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema, generatedFiles, registry } from '../src/index.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('generated files', () => {
  for (const f of generatedFiles()) {
    it(`${f.path} matches the registry (run \`pnpm --filter @ccci/recipe-meta generate\`)`, () => {
      const onDisk = readFileSync(join(repoRoot, f.path), 'utf8');
      expect(onDisk, `${f.path} is out of date`).toBe(f.content);
    });
  }

  it('the docs table lists every key, hook and removed key', () => {
    const docs = generatedFiles().find((f) => f.path === 'docs/recipe-meta.md')!.content;
    for (const k of registry.keys) expect(docs).toContain(`| \`${k.key}\` |`);
    for (const h of registry.hooks) expect(docs).toContain(`| \`${h.name}\` |`);
    for (const r of registry.removed)
      expect(docs).toContain(`| \`${r.key}\` | \`${r.replacement}\``);
  });

  it('the JSON Schema compiles under ajv strict mode and accepts the defaults', () => {
    const validate = new Ajv({ strict: true, strictRequired: false, useDefaults: true }).compile(
      buildJsonSchema(),
    );
    const filled: Record<string, unknown> = {};
    expect(validate(filled), JSON.stringify(validate.errors)).toBe(true);
    expect(filled['HEALTH_PATH']).toBe('/');
    expect(validate({ HEALT_PATH: '/x' })).toBe(false);
    expect(validate({ _note: 'private keys are allowed' })).toBe(true);
    expect(validate({ BACKUP_VERIFY: true })).toBe(false);
  });
});

describe('registry consistency', () => {
  it('every hook-able key names a known hook signature', () => {
    const hooks = new Set(registry.hooks.map((h) => h.name));
    for (const k of registry.keys) if (k.hook) expect(hooks, k.key).toContain(k.hook);
  });

  it('removed keys are not current keys and point at current keys', () => {
    const keys = new Set(registry.keys.map((k) => k.key));
    for (const r of registry.removed) {
      expect(keys.has(r.key), r.key).toBe(false);
      expect(keys.has(r.replacement), r.replacement).toBe(true);
    }
  });

  it('holds the fifteen spec keys, TEST_RETRIES and the operator compose-policy exceptions', () => {
    expect(registry.keys.map((k) => k.key)).toEqual([
      'HEALTH_PATH',
      'HEALTH_OK',
      'DEPLOY_TIMEOUT',
      'HTTP_TIMEOUT',
      'TEST_RETRIES',
      'UPGRADE_BASE_VERSION',
      'UNTESTABLE_VERSIONS',
      'EXTRA_ENV',
      'UPGRADE_EXTRA_ENV',
      'READY_PROBE',
      'BACKUP_CAPABLE',
      'BACKUP_VERIFY',
      'EXPECTED_NA',
      'SCREENSHOT',
      'DEPS',
      'WARM_CANONICAL',
      'COMPOSE_POLICY_EXCEPTIONS',
    ]);
  });
});
