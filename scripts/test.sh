#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite, then print the plain summary line
# `N passed, N failed, N skipped` taken from vitest's JSON report.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
pnpm -s lint || exit 1
pnpm -s typecheck || exit 1
# Unused files, exports and dependencies (knip.jsonc): any finding fails.
pnpm -s knip || exit 1
# No more pairs of duplicated places than machine-docs/duplicates-baseline.txt allows.
node scripts/check-duplicates.mjs || exit 1
# The NixOS module and the Drone pipeline (structure, and the pipeline's step script for real).
node nix/check.mjs || exit 1
rm -f test-results.json
pnpm -s test:ci
rc=$?
node scripts/summary.mjs test-results.json || rc=1
exit $rc
