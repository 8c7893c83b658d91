import { renameSync, writeFileSync } from 'node:fs';
import type { JanitorReport } from './janitor.js';

/** Prometheus label value: backslash, quote and newline escaped (exposition format 0.0.4). */
function label(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/**
 * The janitor's pass as Prometheus text (the exposition format node_exporter's textfile
 * collector reads): address use of each measured overlay network against its range, and what
 * the pass did. Gauges only: each pass replaces the file.
 */
export function janitorMetrics(report: JanitorReport, now = Date.now()): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const net = (n: { network: string }) => `{network="${label(n.network)}"}`;
  gauge(
    'ccci_network_addresses_used',
    'Addresses the swarm shows in use on an overlay network (service VIPs, task endpoints, load balancer)',
    report.networks.map((n) => [net(n), n.used]),
  );
  gauge(
    'ccci_network_addresses_capacity',
    'Usable addresses of an overlay network (all its subnets)',
    report.networks.map((n) => [net(n), n.capacity]),
  );
  const outcomes = new Map<string, number>();
  for (const e of report.entries) outcomes.set(e.outcome, (outcomes.get(e.outcome) ?? 0) + 1);
  gauge(
    'ccci_janitor_stacks',
    'Stacks of the ci domain the last janitor pass looked at, by outcome',
    [...outcomes].map(([o, n]) => [`{outcome="${label(o)}"}`, n]),
  );
  gauge('ccci_janitor_last_pass_timestamp_seconds', 'When the last janitor pass finished', [
    ['', Math.round(now / 1000)],
  ]);
  return `${lines.join('\n')}\n`;
}

/** Writes `text` to `file` atomically (a reader never sees half a file). */
export function writeMetricsFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}
