import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { collectShots, SHOT_BUDGET } from '../src/support/playwright-specs.js';

const tmp = tempDirPerTest('ccci-shots-');

describe('failure screenshots a spec child leaves', () => {
  it('keeps plain files of the expected name within the run budget, and empties the scratch', () => {
    const from = join(tmp.path, 'shots');
    const to = join(tmp.path, 'artifacts');
    mkdirSync(from);
    mkdirSync(to);
    writeFileSync(join(to, 'playwright-earlier.png'), 'x'.repeat(1024));
    writeFileSync(join(to, 'screenshot.png'), 'not counted');
    for (let i = 0; i < 30; i++)
      writeFileSync(join(from, `playwright-t${String(i).padStart(2, '0')}.png`), 'png');
    writeFileSync(join(from, 'evil.png'), 'wrong name');
    symlinkSync('/etc/passwd', join(from, 'playwright-link.png'));
    collectShots(from, to);
    const shots = readdirSync(to).filter((n) => n.startsWith('playwright-'));
    expect(shots).toHaveLength(SHOT_BUDGET.count);
    expect(shots).toContain('playwright-earlier.png');
    expect(shots).toContain('playwright-t00.png');
    expect(shots).not.toContain('playwright-link.png');
    expect(readdirSync(to)).not.toContain('evil.png');
    expect(readdirSync(from)).toEqual([]);
  });

  it('stops at the byte budget', () => {
    const from = join(tmp.path, 'shots');
    const to = join(tmp.path, 'artifacts');
    mkdirSync(from);
    mkdirSync(to);
    const big = Buffer.alloc(9 * 1024 * 1024);
    for (const n of ['a', 'b', 'c', 'd']) writeFileSync(join(from, `playwright-${n}.png`), big);
    collectShots(from, to);
    expect(readdirSync(to).sort()).toEqual([
      'playwright-a.png',
      'playwright-b.png',
      'playwright-c.png',
    ]);
  });
});
