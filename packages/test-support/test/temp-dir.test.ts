import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../src/index.js';

const seen: string[] = [];

describe('tempDirPerTest', () => {
  const tmp = tempDirPerTest('ccci-support-');

  it('gives each test a new empty folder named with the prefix', () => {
    expect(basename(tmp.path)).toMatch(/^ccci-support-.{6}$/);
    expect(readdirSync(tmp.path)).toEqual([]);
    writeFileSync(join(tmp.path, 'left'), 'x');
    seen.push(tmp.path);
  });

  it('removed the last test folder with what it held, and made another', () => {
    expect(existsSync(seen[0] ?? '')).toBe(false);
    expect(tmp.path).not.toBe(seen[0]);
    expect(readdirSync(tmp.path)).toEqual([]);
    seen.push(tmp.path);
  });
});

afterAll(() => {
  for (const dir of seen) expect(existsSync(dir)).toBe(false);
});
