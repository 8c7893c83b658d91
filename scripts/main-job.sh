#!/usr/bin/env bash
# The main job on the embedded default (local executor, SQLite, local swarm):
#  1. set up the machine (idempotent),
#  2. validate every enrolled recipe's CI settings (`ccci-meta validate recipes/`),
#  3. a `!testme` on a pull request becomes a run on the real local Docker Swarm and a result
#     on the pull request (scripts/demo.sh — the forge, abra and traefik are testbed stand-ins).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[main-job] validating enrolled recipes"
node --conditions=source --import tsx packages/recipe-meta/src/cli.ts validate recipes/
echo "[main-job] !testme → run → result"
bash scripts/demo.sh
