import { describe, expect, it } from 'vitest';
import * as c from '../src/index.js';

describe('recipe names', () => {
  it('accepts the catalogue’s shapes, _ included (adapt_authoring)', () => {
    for (const name of c.RECIPE_NAME_EXAMPLES.accepted)
      expect(c.isRecipeName(name), name).toBe(true);
    expect(c.isRecipeName('h5ai')).toBe(true);
  });

  it('refuses capitals, dots, edges that are not a letter or digit, and over 64 characters', () => {
    for (const name of c.RECIPE_NAME_EXAMPLES.refused)
      expect(c.isRecipeName(name), name).toBe(false);
    expect(c.isRecipeName('')).toBe(false);
    expect(c.isRecipeName(undefined)).toBe(false);
  });

  it('is one pattern: the JSON-schema source and the RegExp agree', () => {
    expect(c.RECIPE_NAME.source).toBe(new RegExp(c.RECIPE_NAME_SOURCE).source);
  });
});

describe('branch names', () => {
  it('accepts ordinary branches', () => {
    for (const b of c.BRANCH_NAME_EXAMPLES.accepted) expect(c.isBranchName(b), b).toBe(true);
  });

  it('refuses what git refuses or an option or refspec could be read from', () => {
    for (const b of c.BRANCH_NAME_EXAMPLES.refused) expect(c.isBranchName(b), b).toBe(false);
    expect(c.isBranchName('')).toBe(false);
    expect(c.isBranchName(`a${'b'.repeat(200)}`)).toBe(false);
  });
});

describe('repositories and logins', () => {
  it('accepts owner/name of letters, digits, ., _ and -', () => {
    for (const r of ['coop-cloud/custom-html', 'Org.x/a_b', 'o/.github'])
      expect(c.isRepoFullName(r), r).toBe(true);
  });

  it('refuses other shapes, and . or .. as a part', () => {
    for (const r of ['owner', 'a/b/c', '../x', 'x/..', './x', 'x/.', 'a b/c', '/x', 'x/'])
      expect(c.isRepoFullName(r), r).toBe(false);
    expect(c.FORGE_LOGIN.test('..')).toBe(false);
    expect(c.FORGE_LOGIN.test('renovate-bot')).toBe(true);
  });
});
