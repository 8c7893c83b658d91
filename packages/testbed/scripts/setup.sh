#!/usr/bin/env bash
# Idempotent machine setup for ccci's tests and demo: a real single-node Docker Swarm on
# loopback, the `proxy` overlay network abra recipes expect, Chromium, and the local test
# images. Safe to run twice; fast when everything is already up. Needs root for apt/dockerd.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { printf '[setup] %s\n' "$*"; }

need_apt=()
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
# `busybox --list` writes one applet per write(2): under pipefail, `grep -q` quitting early kills
# it with SIGPIPE and fails the check at random. Read the whole list first.
applets=$( [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null || true)
grep -qx httpd <<<"$applets" || need_apt+=(busybox-static)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v setpriv >/dev/null 2>&1 || need_apt+=(util-linux)
command -v script >/dev/null 2>&1 || need_apt+=(bsdutils)
command -v git >/dev/null 2>&1 || need_apt+=(git)
# Recipe code (hooks, tests, install steps) runs in a bubblewrap sandbox (packages/run, sandbox.ts).
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
# The results card (SVG→PNG through resvg) is drawn and measured with these fonts
# (packages/results/src/fonts.ts): DejaVu Sans, Noto Sans CJK for Chinese/Japanese/Korean, Symbola
# for emoji (resvg-js 2.6 draws outline glyphs only, so not Noto Color Emoji's bitmaps).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need_apt+=(fonts-noto-cjk)
[ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || need_apt+=(fonts-symbola)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/ccci-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start; see /var/log/ccci-dockerd.log"; exit 1; }
fi

state=$(docker info --format '{{.Swarm.LocalNodeState}}')
if [ "$state" != "active" ]; then
  log "initialising swarm on 127.0.0.1"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi

# A /16, not Docker's default /24: a CI host deploys thousands of times on one `proxy`, and the
# swarm's allocator leaks addresses under churn (docs/install.md, docs/runbook.md).
proxy_subnet=${CCCI_PROXY_SUBNET:-10.224.0.0/16}
if ! docker network inspect proxy >/dev/null 2>&1; then
  log "creating overlay network proxy ($proxy_subnet)"
  docker network create --driver overlay --attachable --scope swarm --subnet "$proxy_subnet" proxy >/dev/null
fi

if [ -x "$here/build-images.sh" ]; then
  "$here/build-images.sh"
fi
# The pinned real abra where Go and the module proxy allow it; the double otherwise (abra.sh says
# which, and why).
abra_bin=$(bash "$here/abra.sh")
log "abra for the tests: $abra_bin"
log "ready: swarm $(docker info --format '{{.Swarm.LocalNodeState}}'), network proxy"
