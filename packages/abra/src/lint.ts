import { CcciError } from '@ccci/contracts';
import { parseTable } from './table.js';

export type LintSeverity = 'error' | 'warn';

/** One row of `abra recipe lint`'s table. */
export interface LintRule {
  /** Rule reference, e.g. `R001`. */
  ref: string;
  /** What the rule checks, e.g. `compose config has expected version`. */
  rule: string;
  severity: LintSeverity;
  satisfied: boolean;
  skipped: boolean;
  /** abra's hint for fixing it (may be empty). */
  resolve: string;
}

export interface LintReport {
  rules: LintRule[];
  /** Error-severity rules that are neither satisfied nor skipped: what fails the lint rung. */
  errorsFailed: LintRule[];
}

/** Raised when the output holds no lint table (the caller wraps it as an AbraError). */
export class LintParseError extends CcciError<'ABRA_LINT_UNPARSEABLE'> {
  constructor(message: string) {
    super('ABRA_LINT_UNPARSEABLE', message);
  }
}

// abra has printed yes/NO, ✅/❌ and true/false in these columns across releases.
const YES = new Set(['yes', 'y', 'true', '✅', '✔', '✔️', '✓', 'ok', 'pass']);
const NO = new Set(['no', 'n', 'false', '❌', '✖', '✗', '✘', 'x', 'fail', '-', '']);

function flag(value: string, column: string, ref: string): boolean {
  const v = value.trim().toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  throw new LintParseError(
    `lint rule ${ref}: column "${column}" holds "${value}", expected yes/no (or ✅/❌)`,
  );
}

function severity(value: string, ref: string): LintSeverity {
  const v = value.trim().toLowerCase();
  if (v === 'error' || v === 'critical') return 'error';
  if (v === 'warn' || v === 'warning' || v === 'info') return 'warn';
  throw new LintParseError(
    `lint rule ${ref}: column "severity" holds "${value}", expected error or warn`,
  );
}

/**
 * Parses the rule table of `abra recipe lint <recipe>` (plain text). abra exits 0 even when
 * error-severity rules fail — it only prints them (and a "critical errors present" warning) —
 * so the table is the only verdict there is.
 */
export function parseLintTable(output: string): LintReport {
  const table = parseTable(output, ['ref', 'rule', 'severity', 'satisfied']);
  if (!table) {
    throw new LintParseError(
      'no lint table found in abra output: expected a header with REF, RULE, SEVERITY, SATISFIED',
    );
  }
  const rules = table.rows
    .filter((row) => row['ref'] !== '')
    .map((row): LintRule => {
      const ref = row['ref'] ?? '';
      return {
        ref,
        rule: row['rule'] ?? '',
        severity: severity(row['severity'] ?? '', ref),
        satisfied: flag(row['satisfied'] ?? '', 'satisfied', ref),
        skipped: flag(row['skipped'] ?? '', 'skipped', ref),
        resolve: (row['resolve'] ?? '').replace(/^-$/, ''),
      };
    });
  if (rules.length === 0) throw new LintParseError('abra printed a lint table with no rules');
  return {
    rules,
    errorsFailed: rules.filter((r) => r.severity === 'error' && !r.satisfied && !r.skipped),
  };
}
