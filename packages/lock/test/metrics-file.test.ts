import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JanitorReport } from '../src/janitor.js';
import { janitorMetrics, writeMetricsFile } from '../src/metrics-file.js';

const dir = mkdtempSync(join(tmpdir(), 'ccci-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const report = {
  ciDomain: 'ci.localhost',
  janitorId: 'j',
  startedAt: '2026-12-02T00:00:00.000Z',
  finishedAt: '2026-12-02T00:00:01.000Z',
  entries: [
    { stack: 'a', outcome: 'reaped' },
    { stack: 'b', outcome: 'left' },
    { stack: 'c', outcome: 'reaped' },
  ],
  networks: [
    { network: 'proxy', subnets: ['10.224.0.0/16'], capacity: 65533, used: 12, ratio: 12 / 65533 },
    { network: 'we"ird\\net', subnets: ['10.0.1.0/24'], capacity: 253, used: 250, ratio: 0.99 },
  ],
} as unknown as JanitorReport;

describe('janitor metrics (Prometheus textfile)', () => {
  it('exposes address use against capacity per network, and the pass', () => {
    const text = janitorMetrics(report, 1_764_633_600_000);
    expect(text).toContain('ccci_network_addresses_used{network="proxy"} 12\n');
    expect(text).toContain('ccci_network_addresses_capacity{network="proxy"} 65533\n');
    expect(text).toContain('ccci_janitor_stacks{outcome="reaped"} 2\n');
    expect(text).toContain('ccci_janitor_last_pass_timestamp_seconds 1764633600\n');
    // Label values escaped as the exposition format says.
    expect(text).toContain('{network="we\\"ird\\\\net"} 250');
    // Every sample line is `name{labels} number`, every family has HELP and TYPE.
    for (const line of text.trim().split('\n')) {
      if (line.startsWith('#')) expect(line).toMatch(/^# (HELP|TYPE) ccci_[a-z_]+ .+$/);
      else expect(line).toMatch(/^ccci_[a-z_]+(\{[a-z]+="(?:[^"\\]|\\.)*"\})? \d+$/);
    }
  });

  it('replaces the file atomically, leaving no temporary file', () => {
    const file = join(dir, 'ccci.prom');
    writeMetricsFile(file, 'a 1\n');
    writeMetricsFile(file, janitorMetrics(report));
    expect(readFileSync(file, 'utf8')).toMatch(/^# HELP ccci_network_addresses_used/);
    expect(readdirSync(dir)).toEqual(['ccci.prom']);
  });
});
