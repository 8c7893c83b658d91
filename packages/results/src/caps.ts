// results.json holds at most MAX_TESTS tests per rung and MAX_LINT_RULES lint rules (the schema's
// maxItems). A run that produces more must still have a results.json, so the builder keeps what
// matters most and replaces the rest with one visible entry: "N more tests not shown".

import type { RungStatus } from '@ccci/contracts';
import { MAX_DURATION_MS } from './bounds.js';
import { resultsSchema } from './schema.js';
import type { LintRule, TestResult } from './types.js';

export const MAX_TESTS = resultsSchema.$defs.rung.properties.tests.maxItems;
const MAX_LINT_RULES = resultsSchema.properties.lint.properties.rules_failed.maxItems;

const MORE_TESTS = /^(\d{1,9}) more tests? not shown$/;

/**
 * A recipe's own test named like the summary ("99 more tests not shown") gets quoted, so that
 * only the builder's summary is read as one.
 */
export function ownTestName(name: string): string {
  return MORE_TESTS.test(name) ? `“${name}”` : name;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * A rung's tests, capped at `max` entries. Past the cap, tests that did not pass displace tests
 * that did (the latest pass first), so failures stay listed; whatever is dropped is counted,
 * and `toArray()` ends with one entry saying how many and how they went.
 */
export function createTestList(max = MAX_TESTS) {
  const kept: TestResult[] = [];
  const omitted: Record<RungStatus, number> = { pass: 0, fail: 0, skip: 0, unver: 0 };
  let omittedMs = 0;
  let keptPasses = 0;
  // Passes are never added once the list is full, so the last kept pass only moves left.
  let passCursor = -1;
  const count = (t: TestResult, into = omitted) => {
    into[t.status] += 1;
    omittedMs = Math.min(MAX_DURATION_MS, omittedMs + t.ms);
  };
  const dropLastPass = (): boolean => {
    if (keptPasses === 0) return false;
    if (passCursor < 0 || passCursor >= kept.length) passCursor = kept.length - 1;
    while (kept[passCursor]?.status !== 'pass') passCursor--;
    count(kept.splice(passCursor, 1)[0]!);
    keptPasses--;
    passCursor--;
    return true;
  };

  return {
    add(test: TestResult): void {
      if (kept.length < max) {
        kept.push(test);
        if (test.status === 'pass') keptPasses++;
      } else if (test.status !== 'pass' && dropLastPass()) {
        kept.push(test);
      } else {
        count(test);
      }
    },
    /** The list as results.json holds it (does not change the list). */
    toArray(): TestResult[] {
      const hidden = { ...omitted };
      let hiddenMs = omittedMs;
      if (hidden.pass + hidden.fail + hidden.skip + hidden.unver === 0) return [...kept];
      // The summary needs a slot of its own: the last pass gives it up, else the last test.
      const shown = [...kept];
      if (shown.length >= max) {
        const at = shown.findLastIndex((t) => t.status === 'pass');
        const [out] = shown.splice(at >= 0 ? at : shown.length - 1, 1);
        hidden[out!.status] += 1;
        hiddenMs = Math.min(MAX_DURATION_MS, hiddenMs + out!.ms);
      }
      const n = hidden.pass + hidden.fail + hidden.skip + hidden.unver;
      const parts = [
        hidden.pass && `${hidden.pass} passed`,
        hidden.fail && `${hidden.fail} failed`,
        hidden.unver && `${hidden.unver} unverified`,
        hidden.skip && `${hidden.skip} skipped`,
      ].filter(Boolean);
      return [
        ...shown,
        {
          name: `${plural(n, 'more test', 'more tests')} not shown`,
          status: worst(hidden),
          ms: hiddenMs,
          reason: `${parts.join(', ')}; the log has every test`,
        },
      ];
    },
  };
}

function worst(counts: Record<RungStatus, number>): RungStatus {
  if (counts.fail) return 'fail';
  if (counts.unver) return 'unver';
  if (counts.pass) return 'pass';
  return 'skip';
}

/**
 * Passed and total tests of a rung, counting the ones a capped list summarises in its last
 * entry (only when the list is full: anything else named like that is just a test's name).
 */
export function testTally(tests: readonly TestResult[]): { passed: number; total: number } {
  let passed = 0;
  for (const t of tests) if (t.status === 'pass') passed++;
  const last = tests.at(-1);
  const more = tests.length === MAX_TESTS && last ? MORE_TESTS.exec(last.name) : null;
  if (!more || !last) return { passed, total: tests.length };
  const hiddenPassed = Number(/^(\d{1,9}) passed\b/.exec(last.reason ?? '')?.[1] ?? 0);
  return {
    passed: passed - (last.status === 'pass' ? 1 : 0) + hiddenPassed,
    total: tests.length - 1 + Number(more[1]),
  };
}

/**
 * Lint rules capped at `max`: errors before warnings, the rest summarised in a last rule
 * `…` ("N more rules not shown"), of error severity when any error is among them.
 */
export function capLintRules(rules: readonly LintRule[], max = MAX_LINT_RULES): LintRule[] {
  if (rules.length <= max) return [...rules];
  const ordered = [
    ...rules.filter((r) => r.severity === 'error'),
    ...rules.filter((r) => r.severity !== 'error'),
  ];
  const shown = ordered.slice(0, max - 1);
  const hidden = ordered.slice(max - 1);
  const errors = hidden.filter((r) => r.severity === 'error').length;
  const warnings = hidden.length - errors;
  const parts = [
    errors && plural(errors, 'error', 'errors'),
    warnings && plural(warnings, 'warning', 'warnings'),
  ].filter(Boolean);
  return [
    ...shown,
    {
      id: '…',
      severity: errors ? 'error' : 'warn',
      description: `${plural(hidden.length, 'more rule', 'more rules')} not shown (${parts.join(', ')}); the log has every rule`,
    },
  ];
}
