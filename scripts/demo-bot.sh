#!/usr/bin/env bash
# Demo: trigger-bot on the embedded default (local executor, SQLite in a temp dir) against the
# testbed's FAKE forge; posts `!testme` and shows the run reported back. The harness is a FAKE
# stand-in unless DEMO_HARNESS_COMMAND (a JSON array) names the real one, e.g.
#   DEMO_HARNESS_COMMAND='["apps/harness-runner/bin/harness-runner"]' (plus its CCCI_* settings);
# against the fake forge (which serves no git) the real harness reports a level-0 refusal.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --conditions=source --import tsx apps/trigger-bot/scripts/demo.ts
