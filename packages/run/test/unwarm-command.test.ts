import { describe, expect, it } from 'vitest';
import { parseCommand, USAGE, UsageError } from '../src/index.js';

describe('harness-runner unwarm', () => {
  it('takes the recipe from --recipe, else RECIPE', () => {
    expect(parseCommand(['unwarm', '--recipe', 'keycloak'], {})).toEqual({
      command: 'unwarm',
      recipe: 'keycloak',
    });
    expect(parseCommand(['unwarm'], { RECIPE: 'web' })).toEqual({
      command: 'unwarm',
      recipe: 'web',
    });
  });

  it('refuses a missing or bad recipe and unknown options, naming them', () => {
    expect(() => parseCommand(['unwarm'], {})).toThrow(
      /unwarm: --recipe \(or RECIPE\) is required/,
    );
    expect(() => parseCommand(['unwarm', '--recipe', 'Bad/Name'], {})).toThrow(
      /recipe: expected a recipe name .*found "Bad\/Name"/,
    );
    expect(() => parseCommand(['unwarm', '--recipe', 'web', '--force'], {})).toThrow(UsageError);
  });

  it('is in the usage text', () => {
    expect(USAGE).toMatch(/harness-runner unwarm --recipe <name>/);
  });
});
