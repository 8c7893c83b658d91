import { execFileSync } from 'node:child_process';
import type { FakeLintRule } from './fake-abra.js';

/** A generated secret's value: 32 hex digits. */
export function randomValue(): string {
  return Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
}

/** abra's chaos version (as the testbed's double): the exact tag of a clean tree, else the short hash, `+U` when dirty. */
export function chaosVersion(dir: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
  const clean = git('status', '--porcelain') === '';
  const tag = clean ? git('tag', '--points-at', 'HEAD').split('\n')[0] : '';
  return tag || `${git('rev-parse', '--short=8', 'HEAD')}${clean ? '' : '+U'}`;
}

/** The rules as abra's ASCII table (olekukonko/tablewriter). */
export function lintTable(rules: FakeLintRule[]): string {
  const rows = [
    ['REF', 'RULE', 'SEVERITY', 'SATISFIED', 'SKIPPED', 'RESOLVE'],
    ...rules.map((r) => [
      r.ref,
      r.rule,
      r.severity,
      r.satisfied ? 'yes' : 'no',
      r.skipped ? 'yes' : 'no',
      '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  return [rule, line(rows[0]!), rule, ...rows.slice(1).map(line), rule, ''].join('\n');
}
