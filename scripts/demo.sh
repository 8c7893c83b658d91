#!/usr/bin/env bash
# The README's main job: a `!testme` on a pull request becomes a run on the local Docker Swarm
# and a result on the pull request. trigger-bot (embedded default: local executor, SQLite) runs
# the real harness-runner against the testbed's stand-in Gitea forge, with the testbed's abra
# double first on PATH. Prints the acknowledgement, the edited comment, the commit statuses, the
# level, /api/results, the badge URL and where the results are; checks nothing is left behind.
# Needs `bash scripts/setup.sh` once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packages/testbed/scripts/setup.sh
exec node --conditions=source --import tsx apps/trigger-bot/scripts/demo-full.ts
