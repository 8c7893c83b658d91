#!/usr/bin/env bash
# Demo: trigger-bot on the embedded default (local executor, SQLite in a temp dir) against the
# testbed's FAKE forge; posts `!testme` and shows the run reported back. The harness is a FAKE
# stand-in unless DEMO_HARNESS_COMMAND='["harness-runner"]' (a JSON array) is set.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --conditions=source --import tsx apps/trigger-bot/scripts/demo.ts
