#!/usr/bin/env bash
# The main job as a new user runs it: the `web` example recipe end to end on the local Docker
# Swarm — install, upgrade, lint, teardown — with the abra double (a stand-in for abra from
# packages/testbed) first on PATH. Prints the level and where the results are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packages/testbed/scripts/setup.sh
exec node --conditions=source --import tsx apps/harness-runner/demo/demo.ts
