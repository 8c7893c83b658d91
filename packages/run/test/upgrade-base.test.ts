import { describe, expect, it } from 'vitest';
import { resolveUpgradeBase, type UpgradeBaseInput } from '../src/index.js';

const base: UpgradeBaseInput = {
  releases: ['1.0.0+1', '1.1.0+1', '1.2.0+1', '2.0.0+2'],
  headSha: 'h'.repeat(40),
  headTags: [],
  explicit: undefined,
  untestable: {},
  lastGreen: undefined,
  targetTip: undefined,
};

describe('resolveUpgradeBase', () => {
  it('UPGRADE_BASE_VERSION wins', () => {
    expect(
      resolveUpgradeBase({ ...base, explicit: '1.1.0+1', lastGreen: '2.0.0+2', targetTip: 't' }),
    ).toMatchObject({
      version: '1.1.0+1',
      source: 'UPGRADE_BASE_VERSION',
    });
  });

  it('steps over an untestable explicit base to the next older release, and says so', () => {
    const r = resolveUpgradeBase({
      ...base,
      explicit: '1.2.0+1',
      untestable: { '1.2.0+1': 'needs an external IdP', '1.1.0+1': 'broken image' },
    });
    expect(r.version).toBe('1.0.0+1');
    expect(r.note).toMatch(
      /stepped over untestable 1\.2\.0\+1 \(needs an external IdP\), 1\.1\.0\+1 \(broken image\)/,
    );
  });

  it('then the last green warm canonical', () => {
    expect(resolveUpgradeBase({ ...base, lastGreen: '1.2.0+1', targetTip: 't' })).toMatchObject({
      version: '1.2.0+1',
      source: 'warm canonical',
    });
  });

  it('a warm canonical equal to the head → the newest published version strictly older than the head', () => {
    const r = resolveUpgradeBase({ ...base, headTags: ['1.2.0+1'], lastGreen: '1.2.0+1' });
    expect(r).toMatchObject({ version: '1.1.0+1', source: 'warm canonical' });
  });

  it('then the tip of the target branch', () => {
    expect(resolveUpgradeBase({ ...base, targetTip: 'abc' })).toMatchObject({
      version: 'abc',
      source: 'target branch',
    });
  });

  it('the head being the target tip → the previous release, stepping over untestable ones', () => {
    const r = resolveUpgradeBase({
      ...base,
      headTags: ['2.0.0+2'],
      targetTip: base.headSha,
      untestable: { '1.2.0+1': 'x' },
    });
    expect(r).toMatchObject({ version: '1.1.0+1', source: 'previous release' });
  });

  it('else none, with the reason (the upgrade rung is skip)', () => {
    const r = resolveUpgradeBase({ ...base, releases: [] });
    expect(r.version).toBeUndefined();
    expect(r.source).toBe('none');
    expect(r.note).toMatch(/no upgrade base/);
  });

  it('a first release at the target tip has no older version', () => {
    const r = resolveUpgradeBase({
      ...base,
      releases: ['1.0.0+1'],
      headTags: ['1.0.0+1'],
      targetTip: base.headSha,
    });
    expect(r).toMatchObject({ version: undefined, source: 'none' });
    expect(r.note).toMatch(/no older published version/);
  });
});
