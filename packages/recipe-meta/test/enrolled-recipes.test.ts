// The typo gate: every enrolled recipe under recipes/ must validate with no problem at all.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildManifest, renderProblem, validateRecipes } from '../src/index.js';

const recipesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../recipes');
const report = validateRecipes([recipesDir]);
const byName = new Map(report.recipes.map((r) => [r.recipe, r]));

describe('enrolled recipes (typo gate)', () => {
  it('the approval file is valid', () => {
    expect(report.problems.map((p) => renderProblem(p))).toEqual([]);
  });

  for (const r of report.recipes) {
    it(`${r.recipe} is valid, with no warning`, () => {
      expect(r.problems.map((p) => renderProblem(p))).toEqual([]);
      expect(r.ok).toBe(true);
    });
  }

  it('enrols the five recipes of the issue', () => {
    expect([...byName.keys()]).toEqual([
      'custom-html',
      'ghost',
      'keycloak',
      'lasuite-docs',
      'mumble',
    ]);
  });

  it('custom-html runs on defaults', () => {
    expect(buildManifest(byName.get('custom-html')!).defaults).toBe(true);
  });

  it('ghost: health path, longer deploy, a compose overlay that says why', () => {
    const g = byName.get('ghost')!;
    expect(g.meta.HEALTH_PATH).toBe('/ghost/api/admin/site/');
    expect(g.meta.DEPLOY_TIMEOUT).toBeGreaterThan(600);
    expect(g.files.composeOverlay?.why).toMatch(/start_period/);
  });

  it('mumble: TCP 64738 held 3 times; backup_restore left to its backupbot labels', () => {
    const m = byName.get('mumble')!;
    expect(m.meta.READY_PROBE).toEqual([{ tcp: 64738, stable: 3 }]);
    // The real recipe carries backupbot labels: the rung reads them from the deployed stack.
    expect(m.meta.EXPECTED_NA.backup_restore).toBeUndefined();
    expect(m.meta.EXPECTED_NA.http_health).toBeDefined();
  });

  it('lasuite-docs depends on keycloak and wires OIDC in install_steps.sh', () => {
    const d = byName.get('lasuite-docs')!;
    expect(d.meta.DEPS).toEqual(['keycloak']);
    expect(d.files.installSteps?.file).toMatch(/install_steps\.sh$/);
    // The real recipe's client secret is `oidc_rpcs` (SECRET_OIDC_RPCS_VERSION; abra's lint
    // bounds secret name length): the file install_steps.sh writes must carry that name.
    const steps = readFileSync(d.files.installSteps?.file as string, 'utf8');
    expect(steps).toMatch(/"\$CCCI_SECRETS_DIR\/oidc_rpcs"/);
    expect(steps).not.toMatch(/oidc_rp_client_secret/);
  });
});
