import { describe, expect, it } from 'vitest';
import { countSpecTests } from '../src/spec-static.js';

describe('countSpecTests (the harness spec contract, read without running the file)', () => {
  it.each([
    ['a default-exported function is one test', 'export default async ({ page }) => {};', 1],
    ['a default function declaration', 'export default async function home({ page }) {}', 1],
    [
      'each property of an exported tests object',
      "export const tests = { a: async () => {}, 'b c': async () => {}, d() {} };",
      3,
    ],
    [
      'default plus tests',
      'export default async () => {};\nexport const tests = { x: async () => {} };',
      2,
    ],
    [
      'a local object exported as tests, with a type assertion',
      'const all = { a: async () => {}, b: async () => {} } satisfies Record<string, unknown>;\nexport { all as tests };',
      2,
    ],
    [
      'CommonJS module.exports.tests',
      "const assert = require('node:assert');\nmodule.exports.tests = { a: async () => {} };",
      1,
    ],
    ['CommonJS exports.tests', 'exports.tests = { a: async () => {}, b: async () => {} };', 2],
    ['CommonJS module.exports = { tests }', 'module.exports = { tests: { a() {}, b() {} } };', 2],
    ['CommonJS module.exports = function', 'module.exports = async ({ page }) => {};', 1],
    [
      'Playwright Test style calls are not the contract',
      "import { test } from '@playwright/test';\ntest('x', async () => {});",
      0,
    ],
    ['nothing exported', 'const x = 1;', 0],
  ])('%s', (_what, text, expected) => {
    expect(countSpecTests(text)).toBe(expected);
  });

  it('cannot tell (null) for a spread, a computed object, or a syntax error', () => {
    expect(
      countSpecTests('const base = {};\nexport const tests = { ...base, a() {} };'),
    ).toBeNull();
    expect(countSpecTests('export const tests = makeTests();')).toBeNull();
    expect(countSpecTests('export const tests = {')).toBeNull();
  });
});
