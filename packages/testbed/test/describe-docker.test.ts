import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerAvailable } from '../src/index.js';

// describeDocker's three outcomes, with docker really missing: a child vitest runs a probe
// suite with PATH holding nothing but a link to node (node and docker share /usr/bin here).
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, 'fixtures', 'describe-docker');
const vitestBin = join(here, '..', 'node_modules', 'vitest', 'vitest.mjs');

const onlyNode = mkdtempSync(join(tmpdir(), 'ccci-only-node-'));
symlinkSync(process.execPath, join(onlyNode, 'node'));
afterAll(() => rmSync(onlyNode, { recursive: true, force: true }));

async function probe(env: Record<string, string>) {
  const r = await execa(
    process.execPath,
    [vitestBin, 'run', '--root', root, '--config', join(root, 'vitest.config.ts')],
    {
      reject: false,
      extendEnv: false,
      env: { PATH: onlyNode, HOME: process.env['HOME'] ?? '/root', ...env },
      timeout: 120_000,
    },
  );
  const report = JSON.parse(String(r.stdout).slice(String(r.stdout).indexOf('{'))) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    testResults: Array<{ assertionResults: Array<{ title: string; failureMessages: string[] }> }>;
  };
  return { exitCode: r.exitCode, report, stderr: String(r.stderr) };
}

describe('describeDocker', () => {
  it('sees the docker here as available', () => {
    expect(dockerAvailable()).toEqual({ ok: true });
  });

  it('skips loudly when docker cannot run outside CI', async () => {
    const r = await probe({});
    expect(r.exitCode).toBe(0);
    expect(r.report.numPendingTests).toBe(1);
    expect(r.report.numFailedTests).toBe(0);
    expect(r.stderr).toMatch(/SKIPPING docker suite "probe suite": docker CLI not runnable/);
  }, 150_000);

  it('fails when CI is set and docker cannot run', async () => {
    const r = await probe({ CI: '1' });
    expect(r.exitCode).not.toBe(0);
    expect(r.report.numFailedTests).toBe(1);
    const failure = r.report.testResults[0]?.assertionResults[0]?.failureMessages.join('\n') ?? '';
    expect(failure).toMatch(/Docker Swarm unavailable in CI: docker CLI not runnable/);
  }, 150_000);
});
