import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isArtifactName } from '@ccci/results';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { reportBody } from '../src/report-client.js';
import { screenshotName } from '../src/support/playwright-contract.js';

describe('reportBody', () => {
  const tmp = tempDirPerTest('ccci-body-');

  it('carries the known artifacts and playwright failure screenshots, nothing else', () => {
    const dir = tmp.path;
    writeFileSync(join(dir, 'results.json'), '{"level":1}');
    writeFileSync(join(dir, 'card.png'), 'png');
    writeFileSync(join(dir, 'playwright-home.spec.ts-title.png'), 'png');
    writeFileSync(join(dir, 'notes.txt'), 'not an artifact');
    writeFileSync(join(dir, 'playwright-../x.png'.replace('/', '_')), 'odd');
    const body = JSON.parse(reportBody('r1', dir)) as { artifacts: { name: string }[] };
    const names = body.artifacts.map((a) => a.name).sort();
    expect(names).toContain('playwright-home.spec.ts-title.png');
    expect(names).toContain('card.png');
    expect(names).not.toContain('notes.txt');
  });

  it('names every playwright failure screenshot so the bot accepts it', () => {
    for (const title of ['logs in', 'x'.repeat(500), '../../etc/passwd', '💥 émoji', '']) {
      expect(isArtifactName(screenshotName(title)), title).toBe(true);
    }
  });
});
