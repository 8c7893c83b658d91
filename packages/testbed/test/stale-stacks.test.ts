import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS, staleTestStacks } from '../src/index.js';

const now = new Date('2026-12-03T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('staleTestStacks', () => {
  it('names the test stacks whose every service is older than a run can last', () => {
    const services = new Map([
      ['data-1a2b3c_t0badc0de_localhost_app', ago(STALE_AFTER_MS + 60_000)],
      ['data-1a2b3c_t0badc0de_localhost_db', ago(STALE_AFTER_MS + 1)],
      // One young service keeps its stack: a run may still be using it.
      ['uses-4d5e6f_t12345678_localhost_app', ago(STALE_AFTER_MS * 2)],
      ['uses-4d5e6f_t12345678_localhost_db_backup', ago(60_000)],
      ['data-warm_t0badc0de_localhost_app', ago(STALE_AFTER_MS * 4)],
    ]);
    expect(staleTestStacks(services, now)).toEqual([
      'data-1a2b3c_t0badc0de_localhost',
      'data-warm_t0badc0de_localhost',
    ]);
  });

  it('names a stack whose services are gone but whose volumes and secrets were left', () => {
    const objects = new Map([
      ['data-1a2b3c_t0badc0de_localhost_db', ago(STALE_AFTER_MS + 1)],
      ['data-1a2b3c_t0badc0de_localhost_db_password_v1', ago(STALE_AFTER_MS * 3)],
      // A volume of unknown age (removed between list and inspect) keeps its stack.
      ['rich-3b959d_tbc1eec95_localhost_data', new Date(Number.NaN)],
      ['rich-3b959d_tbc1eec95_localhost_db_password_v1', ago(STALE_AFTER_MS * 3)],
      ['web-6f88e3_tbc1eec95_localhost_internal', ago(STALE_AFTER_MS - 60_000)],
    ]);
    expect(staleTestStacks(objects, now)).toEqual(['data-1a2b3c_t0badc0de_localhost']);
  });

  it('counts a service and a volume of the same name each (the data fixture has both `db`)', () => {
    const name = 'data-1a2b3c_t0badc0de_localhost_db';
    const oldVolume = [name, ago(STALE_AFTER_MS * 2)] as const;
    expect(staleTestStacks([[name, ago(60_000)], oldVolume], now)).toEqual([]);
    expect(staleTestStacks([oldVolume, [name, ago(60_000)]], now)).toEqual([]);
    expect(staleTestStacks([[name, new Date(Number.NaN)], oldVolume], now)).toEqual([]);
  });

  it('never names what is not a test stack, nor a service of unknown age', () => {
    const old = ago(STALE_AFTER_MS * 10);
    const services = new Map([
      ['traefik_app', old],
      ['data-1a2b3c_ci_coopcloud_tech_app', old],
      ['data-1a2b3c_t0badc0de_example_org_app', old],
      ['data_t0badc0dex_localhost_app', old],
      ['data-1a2b3c_t0badc0de_localhost_app', new Date('not a date')],
    ]);
    expect(staleTestStacks(services, now)).toEqual([]);
  });
});
