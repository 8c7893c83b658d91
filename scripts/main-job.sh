#!/usr/bin/env bash
# The main job on the embedded default. For now: validate every enrolled recipe's CI settings.
# Later stages grow it into a full local run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node --conditions=source --import tsx packages/recipe-meta/src/cli.ts validate recipes/
