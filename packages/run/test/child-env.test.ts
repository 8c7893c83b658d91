// The run's children never see the harness's report key, and the harness's own process.env is
// never changed for that (engine.ts passes runChildEnv to Proc, the abra clients and Chromium).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAbra } from '@ccci/abra';
import { perTest } from '@ccci/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChildEnv } from '../src/child-env.js';
import { Proc } from '../src/support/proc.js';

const KEY = 'report-key-for-the-bot-only-0123456789';
/** Each test's folder, and the run's TMPDIR in it. */
const w = perTest(
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'child-env-'));
    return { dir, runTmp: mkdtempSync(join(dir, 'tmp-')) };
  },
  ({ dir }) => rmSync(dir, { recursive: true, force: true }),
);

beforeEach(() => {
  process.env['CCCI_REPORT_KEY'] = KEY;
  process.env['CCCI_REPORT_KEY_FILE'] = '/run/secrets/report-key';
});
afterEach(() => {
  delete process.env['CCCI_REPORT_KEY'];
  delete process.env['CCCI_REPORT_KEY_FILE'];
});

describe('runChildEnv', () => {
  it('is the harness env without the report key, TMPDIR the run’s; process.env unchanged', () => {
    const env = runChildEnv(process.env, w.runTmp);
    expect(env['CCCI_REPORT_KEY']).toBeUndefined();
    expect(env['CCCI_REPORT_KEY_FILE']).toBeUndefined();
    expect(env['TMPDIR']).toBe(w.runTmp);
    expect(env['PATH']).toBe(process.env['PATH']);
    expect(process.env['CCCI_REPORT_KEY']).toBe(KEY);
    expect(process.env['TMPDIR']).not.toBe(w.runTmp);
  });

  it('docker, git and other children of the run’s Proc see neither key, with or without env', async () => {
    const proc = new Proc(
      { output() {}, childTime() {} },
      undefined,
      undefined,
      runChildEnv(process.env, w.runTmp),
    );
    for (const options of [{}, { env: { GIVEN: 'yes' } }, { isolatedEnv: true }]) {
      const r = await proc.run('sh', ['-c', 'env'], options);
      expect(r.stdout).not.toContain('CCCI_REPORT_KEY');
      expect(r.stdout).toContain(`TMPDIR=${w.runTmp}\n`);
    }
  });

  it('abra (inheritEnv: false) sees the env it is given and nothing of the harness’s', async () => {
    const bin = join(w.dir, 'print-env');
    writeFileSync(bin, '#!/bin/sh\nenv\n');
    chmodSync(bin, 0o755);
    const abra = createAbra({
      abraDir: join(w.dir, 'abra'),
      bin,
      terminal: false,
      env: { ...runChildEnv(process.env, w.runTmp), GIVEN: 'yes' },
      inheritEnv: false,
    });
    const r = await abra.serverAdd({ local: true });
    expect(r.output).toContain('GIVEN=yes');
    expect(r.output).not.toContain('CCCI_REPORT_KEY');
    // Inherited, the key would be there: the option is what keeps it out.
    const inherited = await createAbra({
      abraDir: join(w.dir, 'abra'),
      bin,
      terminal: false,
    }).serverAdd({ local: true });
    expect(inherited.output).toContain(`CCCI_REPORT_KEY=${KEY}`);
  });
});
