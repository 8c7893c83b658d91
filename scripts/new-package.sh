#!/usr/bin/env bash
# Scaffold packages/<name> (or apps/<name> with --app) with the house layout.
set -euo pipefail
kind=packages; if [ "${1:-}" = "--app" ]; then kind=apps; shift; fi
name=${1:?usage: new-package.sh [--app] <name>}
dir="$(dirname "$0")/../$kind/$name"
mkdir -p "$dir/src" "$dir/test"
[ -f "$dir/package.json" ] || cat > "$dir/package.json" <<JSON
{
  "name": "@ccci/$name",
  "version": "0.0.0",
  "type": "module",
  "license": "AGPL-3.0-or-later",
  "exports": {
    ".": { "source": "./src/index.ts", "default": "./dist/index.js" }
  },
  "files": ["dist"],
  "scripts": {
    "build": "node ../../scripts/build-package.mjs"
  }
}
JSON
# For editors; `pnpm typecheck` checks the whole workspace in one program (root tsconfig.json).
[ -f "$dir/tsconfig.json" ] || cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "outDir": "dist" },
  "include": ["src", "test"]
}
JSON
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
[ -f "$dir/README.md" ] || printf '# @ccci/%s\n' "$name" > "$dir/README.md"
echo "$dir"
