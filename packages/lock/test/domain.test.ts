import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertNamesFit,
  ciObjectPattern,
  ciStackPattern,
  domainOfStack,
  MAX_SWARM_NAME,
} from '../src/domain.js';
import { appDomain, stackName, warmDomain } from '../src/index.js';

describe('appDomain', () => {
  it('is <first 4 of recipe [a-z0-9]>-<6 hex>.<ci domain>', () => {
    expect(appDomain('custom-html', 'ci.localhost', () => 'a1b2c3')).toBe(
      'cust-a1b2c3.ci.localhost',
    );
    expect(appDomain('N_8-n', 'ci.localhost', () => '000000')).toBe('n8n-000000.ci.localhost');
    expect(appDomain('ab', 'ci.localhost', () => 'ffffff')).toBe('ab-ffffff.ci.localhost');
  });

  it('draws 6 random hex digits by default', () => {
    const seen = new Set(Array.from({ length: 20 }, () => appDomain('gitea', 'ci.localhost')));
    expect(seen.size).toBeGreaterThan(1);
    for (const d of seen) expect(d).toMatch(/^gite-[0-9a-f]{6}\.ci\.localhost$/);
  });

  it('rejects bad input with a TypeError naming what is wrong', () => {
    expect(() => appDomain('---', 'ci.localhost')).toThrow(/recipe: .*"---"/);
    expect(() => appDomain('gitea', 'CI.localhost')).toThrow(/ciDomain: .*"CI\.localhost"/);
    expect(() => appDomain('gitea', 'ci..localhost')).toThrow(TypeError);
    expect(() => appDomain('gitea', 'ci.localhost', () => 'xyz')).toThrow(/random: .*"xyz"/);
  });

  it('throws a TypeError naming the domain when swarm names could pass 64 characters', () => {
    const longCi = `${'a'.repeat(30)}.example.org`;
    expect(() => appDomain('gitea', longCi, () => 'a1b2c3')).toThrow(TypeError);
    expect(() => appDomain('gitea', longCi, () => 'a1b2c3')).toThrow(`gite-a1b2c3.${longCi}`);
  });

  it('keeps every derived name within the limit whenever it accepts a ci domain', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,20}(\.[a-z0-9]{1,12}){0,3}$/),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
        (ci, recipe) => {
          let domain: string;
          try {
            domain = appDomain(recipe, ci, () => 'abcdef');
          } catch (error) {
            expect(error).toBeInstanceOf(TypeError);
            return;
          }
          // The default reserve covers `_` + a 23-character object name.
          expect(`${stackName(domain)}_${'x'.repeat(23)}`.length).toBeLessThanOrEqual(
            MAX_SWARM_NAME,
          );
          expect(ciStackPattern(ci).test(stackName(domain))).toBe(true);
        },
      ),
    );
  });
});

describe('assertNamesFit', () => {
  it('checks each given object name', () => {
    const domain = 'cust-a1b2c3.ci.localhost';
    expect(() => assertNamesFit(domain, ['app', 'db_password_v1'])).not.toThrow();
    expect(() => assertNamesFit(domain, ['x'.repeat(40)])).toThrow(
      /cust-a1b2c3\.ci\.localhost.*Docker allows 63/,
    );
  });
});

describe('stackName', () => {
  it('turns dots into underscores as abra does', () => {
    expect(stackName('cust-a1b2c3.ci.localhost')).toBe('cust-a1b2c3_ci_localhost');
  });
});

describe('ciStackPattern', () => {
  const re = ciStackPattern('ci.localhost');
  it('matches run stacks of this ci domain', () => {
    for (const s of [
      'cust-a1b2c3_ci_localhost',
      'n8n-000000_ci_localhost',
      'a-ffffff_ci_localhost',
    ]) {
      expect(re.test(s), s).toBe(true);
    }
  });
  it('never matches warm apps, other ci domains or look-alikes', () => {
    for (const s of [
      stackName(warmDomain('custom-html', 'ci.localhost')),
      stackName(warmDomain('ab-123456', 'ci.localhost')),
      'cust-a1b2c3_x_ci_localhost', // a sub-domain ci
      'cust-a1b2c3_localhost', // the parent domain
      'cust-a1b2c3_ci_localhostx',
      'cust-a1b2c3x_ci_localhost',
      'custo-a1b2c3_ci_localhost',
      'cust-A1B2C3_ci_localhost',
      'cust-a1b2c_ci_localhost',
      'zz_cust-a1b2c3_ci_localhost',
      'cust-a1b2c3_ci_localhost_app',
      'traefik_ci_localhost',
    ]) {
      expect(re.test(s), s).toBe(false);
    }
  });
  it('escapes the ci domain (a dot is not a wildcard)', () => {
    expect(ciStackPattern('c.l').test('cust-a1b2c3_c_l')).toBe(true);
    expect(ciStackPattern('c-l.x').test('cust-a1b2c3_cxl_x')).toBe(false);
  });
  it('warm domains never match, whatever the recipe is called', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), (recipe) => {
        expect(re.test(stackName(warmDomain(recipe, 'ci.localhost')))).toBe(false);
      }),
    );
  });
});

describe('ciObjectPattern and domainOfStack', () => {
  it('finds the stack of an object name and the domain of a stack', () => {
    const re = ciObjectPattern('ci.localhost');
    expect(re.exec('cust-a1b2c3_ci_localhost_db_password_v1')?.[1]).toBe(
      'cust-a1b2c3_ci_localhost',
    );
    expect(re.exec('cust-warm_ci_localhost_data')).toBeNull();
    expect(re.exec('cust-a1b2c3_ci_localhost')).toBeNull();
    expect(domainOfStack('cust-a1b2c3_ci_localhost', 'ci.localhost')).toBe(
      'cust-a1b2c3.ci.localhost',
    );
    expect(() => domainOfStack('cust-warm_ci_localhost', 'ci.localhost')).toThrow(TypeError);
  });
});
