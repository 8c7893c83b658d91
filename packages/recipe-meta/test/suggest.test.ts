import { describe, expect, it } from 'vitest';
import { nearest, registry } from '../src/index.js';
import { loadMeta } from './helpers.js';

const keys = registry.keys.map((k) => k.key);

describe('unknown keys: file, line, key and the nearest valid key', () => {
  it('HEALT_PATH → did you mean HEALTH_PATH? (the issue’s example)', () => {
    const r = loadMeta('DEPLOY_TIMEOUT: 900\nHEALT_PATH: /x\n');
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    const p = r.problems[0]!;
    expect(p).toMatchObject({ code: 'unknown_key', line: 2, column: 1, key: 'HEALT_PATH' });
    expect(p.file).toMatch(/recipes\/r\/recipe_meta\.yml$/);
    expect(p.message).toBe('unknown key HEALT_PATH — did you mean HEALTH_PATH?');
    // The valid key next to it still applies.
    expect(r.meta.DEPLOY_TIMEOUT).toBe(900);
  });

  it.each([
    ['health_path', 'HEALTH_PATH'], // case only
    ['Deploy_Timeout', 'DEPLOY_TIMEOUT'],
    ['DEPLOY_TIMOUT', 'DEPLOY_TIMEOUT'], // one deletion
    ['HTTP_TIMOEUT', 'HTTP_TIMEOUT'], // transposition
    ['READY_PROBES', 'READY_PROBE'],
    ['EXPECTED_N_A', 'EXPECTED_NA'],
    ['DEP', 'DEPS'],
    ['screenshot', 'SCREENSHOT'],
    ['WARM_CANNONICAL', 'WARM_CANONICAL'],
  ])('%s → %s', (typo, want) => {
    expect(nearest(typo, keys)).toBe(want);
    expect(loadMeta(`${typo}: x\n`).problems[0]?.message).toContain(`did you mean ${want}?`);
  });

  it('offers no suggestion when nothing is close, and lists the keys instead', () => {
    expect(nearest('FOO', keys)).toBeNull();
    const p = loadMeta('FOO: 1\n').problems[0]!;
    expect(p.message).toBe('unknown key FOO');
    expect(p.hint).toContain('HEALTH_PATH');
  });

  it('keys starting with _ are private and allowed', () => {
    const r = loadMeta('_notes: anything\n_owner: {team: ops}\nHEALTH_PATH: /x\n');
    expect(r.ok).toBe(true);
    expect(r.privateKeys).toEqual(['_notes', '_owner']);
  });
});

describe('removed keys name their replacement', () => {
  for (const removed of registry.removed) {
    it(`${removed.key} → ${removed.replacement}`, () => {
      const p = loadMeta(`${removed.key}: 1\n`).problems[0]!;
      expect(p.code).toBe('removed_key');
      expect(p.line).toBe(1);
      expect(p.message).toBe(`${removed.key} was removed; use ${removed.replacement} instead`);
      expect(p.hint).toBe(removed.hint);
    });
  }
});

describe('malformed YAML', () => {
  it('is a clear error with the line, and nothing is applied', () => {
    const r = loadMeta('HEALTH_PATH: /x\nEXTRA_ENV:\n  A: "unclosed\nDEPS: []\n');
    expect(r.ok).toBe(false);
    expect(r.problems[0]?.code).toBe('yaml_syntax');
    expect(r.problems[0]?.line).toBeGreaterThanOrEqual(3);
    expect(r.problems[0]?.message).toMatch(/^not valid YAML: /);
    expect(r.set).toEqual([]);
  });

  it('reports duplicate keys', () => {
    const r = loadMeta('HEALTH_PATH: /a\nHEALTH_PATH: /b\n');
    expect(r.problems[0]).toMatchObject({ code: 'duplicate_key', line: 2, key: 'HEALTH_PATH' });
  });

  it('refuses a file that is not a map', () => {
    const r = loadMeta('- HEALTH_PATH: /x\n');
    expect(r.problems[0]).toMatchObject({ code: 'not_a_map', line: 1 });
  });

  it('renders a problem without a stack trace, with its hint', async () => {
    const { renderProblem } = await import('../src/index.js');
    const p = loadMeta('HEALT_PATH: /x\n').problems[0]!;
    const text = renderProblem(p, { cwd: p.file.replace(/\/recipes\/.*$/, '') });
    expect(text).toBe(
      'recipes/r/recipe_meta.yml:1:1  error unknown_key: unknown key HEALT_PATH — did you mean HEALTH_PATH?\n    hint: rename it to HEALTH_PATH; keys starting with _ are private and allowed',
    );
  });
});
