import { existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import setup, { leftoverWarning } from '../src/suite-tmpdir.js';

describe('leftoverWarning', () => {
  it('says nothing when nothing is left', () => {
    expect(leftoverWarning([])).toBeUndefined();
  });

  it('counts what is left and names each mkdtemp prefix once', () => {
    expect(
      leftoverWarning(['ccci-recipe-a1B2c3', 'ccci-recipe-Zz9yX8', 'spool-q1w2e3', 'odd name']),
    ).toBe('warning: 4 temporary folders left by tests: ccci-recipe-* (2), odd name, spool-*');
    expect(leftoverWarning(['report-abc123'])).toBe(
      'warning: 1 temporary folder left by tests: report-*',
    );
    expect(leftoverWarning(['pwned'], false)).toBe(
      'warning: 1 temporary file left by tests: pwned',
    );
  });
});

describe('the suite folder (globalSetup)', () => {
  const saved = {
    TMPDIR: process.env['TMPDIR'],
    CCCI_SUITE_TMPDIR: process.env['CCCI_SUITE_TMPDIR'],
  };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    vi.restoreAllMocks();
  });

  it('this run has one: TMPDIR is a ccci-suite- folder', () => {
    expect(basename(process.env['TMPDIR'] ?? '')).toMatch(/^ccci-suite-.{6}$/);
    expect(process.env['CCCI_SUITE_TMPDIR']).toBe(process.env['TMPDIR']);
  });

  it('makes TMPDIR a new folder; teardown names what was left, removes it, restores TMPDIR', () => {
    delete process.env['CCCI_SUITE_TMPDIR'];
    const before = process.env['TMPDIR'];
    const teardown = setup();
    const dir = process.env['TMPDIR'] ?? '';
    expect(dirname(dir)).toBe(before);
    expect(basename(dir)).toMatch(/^ccci-suite-.{6}$/);
    // A second project of the same run finds the folder made: no second folder, no teardown.
    expect(setup()).toBeUndefined();
    expect(process.env['TMPDIR']).toBe(dir);
    // tsx's cache is a link to the one in the real temp folder: it stays, and is no leak.
    const tsx = `tsx-${process.geteuid?.()}`;
    expect(lstatSync(join(dir, tsx)).isSymbolicLink()).toBe(true);
    mkdirSync(join(dir, 'leaky-abc123'));
    writeFileSync(join(dir, 'leaky-abc123', 'x'), 'x');
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      written.push(String(s));
      return true;
    });
    teardown?.();
    expect(written.join('')).toBe('\nwarning: 1 temporary folder left by tests: leaky-*\n');
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(before ?? '', tsx))).toBe(true);
    expect(process.env['TMPDIR']).toBe(before);
  });
});
