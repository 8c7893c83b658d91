#!/usr/bin/env bash
# One setup for a fresh Debian machine with Node 20 and npm: pnpm, the workspace's packages,
# a build, and the testbed (Docker Swarm on loopback, test images, Chromium). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@10 >/dev/null
pnpm install --frozen-lockfile --reporter=silent
pnpm -s build
bash packages/testbed/scripts/setup.sh
