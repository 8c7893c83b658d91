import { expect } from 'vitest';
import { loadSettings, SettingsError } from '../src/index.js';

/** The least environment the bot starts from: a forge, its token, repositories, a data dir. */
export const baseEnv = (dataDir: string, repos = 'coop-cloud/custom-html') => ({
  FORGE_URL: 'http://127.0.0.1:3000/api/v1',
  FORGE_TOKEN: 'forge-token-123456',
  REPOS: repos,
  ORG: 'coop-cloud',
  DATA_DIR: dataDir,
});

/** The problems `loadSettings` names for `env`; fails the test unless it throws a SettingsError. */
export function problems(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return [...(error as SettingsError).problems];
  }
  throw new Error('expected a SettingsError');
}

/** The problems `loadSettings` names for `env` mention each of `names` and echo none of `secrets`. */
export function expectProblemsNaming(
  env: Record<string, string>,
  names: string[],
  secrets: string[],
): void {
  const text = problems(env).join('\n');
  for (const name of names) expect(text).toContain(name);
  for (const secret of secrets) expect(text).not.toContain(secret);
}
