import { ARTIFACT_NAME, isArtifactName } from '@ccci/results';
import { describe, expect, it } from 'vitest';

describe('artifact names', () => {
  it('accepts the files a run reports', () => {
    for (const name of [
      'results.json',
      'card.svg',
      'card.png',
      'badge.svg',
      'comment.md',
      'run.log',
      'screenshot.png',
      'playwright-login-works.png',
      `playwright-${'a'.repeat(80)}.png`,
    ]) {
      expect(isArtifactName(name), name).toBe(true);
    }
  });

  it('refuses paths, other files and over-long screenshot names', () => {
    for (const name of [
      '../results.json',
      'sub/run.log',
      'results.json.bak',
      'secrets.env',
      'playwright-.png',
      'playwright-a/b.png',
      `playwright-${'a'.repeat(81)}.png`,
      '',
    ]) {
      expect(ARTIFACT_NAME.test(name), name).toBe(false);
    }
  });
});
