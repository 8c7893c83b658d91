#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite, then print the plain summary line
# `N passed, N failed, N skipped` taken from vitest's JSON report.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
# The static checks run beside the tests, not before them: they are mostly single-threaded
# (the typecheck is one tsc program) and left a core idle for the better part of a minute,
# while the tests keep both busy. Their output is printed when they end; any failure fails
# the run. lint, typecheck; unused files, exports and dependencies (knip.jsonc: any finding
# fails); no more pairs of duplicated places than machine-docs/duplicates-baseline.txt allows;
# the NixOS module and the Drone pipeline (structure, and the pipeline's step script for real).
checks_log=$(mktemp "${TMPDIR:-/tmp}/ccci-checks-XXXXXX")
(
  set -e
  pnpm -s lint
  pnpm -s typecheck
  pnpm -s knip
  node scripts/check-duplicates.mjs
  node nix/check.mjs
) >"$checks_log" 2>&1 &
checks=$!
trap 'kill "$checks" 2>/dev/null; rm -f "$checks_log"' EXIT
rm -f test-results.json
pnpm -s test:ci
rc=$?
if wait "$checks"; then
  echo "static checks (lint, typecheck, knip, duplicates, nix): passed"
else
  cat "$checks_log"
  echo "static checks (lint, typecheck, knip, duplicates, nix): FAILED (output above)"
  rc=1
fi
node scripts/summary.mjs test-results.json || rc=1
exit $rc
