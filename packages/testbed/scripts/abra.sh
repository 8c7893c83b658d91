#!/usr/bin/env bash
# Installs the pinned real abra (nix/abra-release.json, the one pin that production uses too)
# with `go install` into the gitignored tools folder .tools/bin, idempotently, and says which
# abra the tests will use. Where Go is missing or the Go module proxy refuses the module, it
# says so with the exact error, and the tests use the abra double (packages/testbed/bin/abra).
# Prints nothing else on stdout but the path of the abra to use.
set -uo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
pin="$root/nix/abra-release.json"
module=$(sed -n 's/.*"module": *"\([^"]*\)".*/\1/p' "$pin")
version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$pin")
tools="$root/.tools"
bin="$tools/bin/abra"
stamp="$tools/abra.version"
double="$root/packages/testbed/bin/abra"
log() { printf '[abra] %s\n' "$*" >&2; }

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  log "real abra $version at $bin"
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  log "no Go on this machine: the tests use the abra double ($double)"
  echo "$double"
  exit 0
fi
mkdir -p "$tools/bin"
if out=$(GOBIN="$tools/bin" GOFLAGS=-mod=mod timeout 300 go install "$module@$version" 2>&1); then
  echo "$version" >"$stamp"
  log "installed real abra $version at $bin"
  echo "$bin"
else
  log "go install $module@$version failed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
  log "the tests use the abra double ($double) for every operation"
  echo "$double"
fi
