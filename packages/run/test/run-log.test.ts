import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createRedactor } from '@ccci/redact';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { createRunLog } from '../src/support/log.js';
import { Progress } from '../src/support/progress.js';

const tmp = tempDirPerTest('ccci-run-log-');
const SECRET = 'correct-horse-battery-staple';

describe('the run log masks text as a reader sees it', () => {
  it('a secret cut by a colour code or an invisible character is masked whole everywhere', async () => {
    const redactor = createRedactor({ secretsDir: false });
    redactor.add(SECRET);
    let progress = '';
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        progress += chunk.toString();
        callback();
      },
    });
    const log = createRunLog(join(tmp.path, 'run.log'), redactor, new Progress(out));
    const cut = (glue: string) => `${SECRET.slice(0, 9)}${glue}${SECRET.slice(9)}`;
    log.info(`hook says ${cut('\x1b[1m')}`);
    log.warn(`hook says ${cut('\u200b')}`);
    log.rung('functional', 'fail', `test ${cut('\x1b]8;;\x07')} failed`, 1000);
    log.output('tests/test_install.sh', `printed ${cut('\x1b[0m')}\nand ${cut('\u2060')}\n`);
    await log.close();
    const file = readFileSync(join(tmp.path, 'run.log'), 'utf8');
    // As the log page and a terminal show it: escapes and invisible characters gone.
    const shown = (s: string) =>
      s
        .replace(/\\u001b\[[0-9;]*m|\\u001b\][^\\]*\\u0007|\\u200b|\\u2060/g, '')
        .replace(/[\u200b\u2060]/g, '');
    expect(shown(file)).not.toContain(SECRET);
    expect(file.match(/\[REDACTED\]/g)?.length).toBe(5);
    expect(progress).not.toContain(SECRET);
    expect(progress.match(/\[REDACTED\]/g)?.length).toBe(3);
  });

  it('keeps 8 MiB of child output and says how much more there was', async () => {
    const log = createRunLog(
      join(tmp.path, 'run.log'),
      createRedactor({ secretsDir: false }),
      new Progress(new Writable({ write: (_c, _e, done) => done() })),
    );
    const line = `${'x'.repeat(1023)}\n`;
    log.info('before');
    for (let i = 0; i < 10; i++) log.output('tests/test_install.sh', line.repeat(1024));
    log.output('abra', 'late\n');
    log.info('after');
    await log.close();
    const text = readFileSync(join(tmp.path, 'run.log'), 'utf8');
    const entries = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; source?: string; dropped?: number });
    const kept = entries.filter((e) => e.source && e.dropped === undefined);
    expect(kept.reduce((n, e) => n + e.msg.replace(/ …$/, '').length, 0)).toBe(8 * 1024 * 1024);
    expect(entries.map((e) => e.msg)).toContain('after');
    expect(entries.filter((e) => e.dropped !== undefined)).toEqual([
      expect.objectContaining({
        source: 'tests/test_install.sh',
        dropped: 10 * 1024 * 1023 - 8 * 1024 * 1024,
      }),
      expect.objectContaining({ source: 'abra', dropped: 4 }),
    ]);
    expect(text.length).toBeLessThan(11 * 1024 * 1024);
  });
});
