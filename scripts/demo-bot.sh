#!/usr/bin/env bash
# Demo of the bot alone: trigger-bot on the embedded default (local executor, SQLite in a temp
# dir) against the testbed's FAKE forge; posts `!testme` and shows the run reported back. The
# harness is a FAKE stand-in (deploys nothing) unless DEMO_HARNESS_COMMAND (a JSON array) names
# another. The whole chain with the real harness-runner on the swarm: scripts/demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --conditions=source --import tsx apps/trigger-bot/scripts/demo.ts
