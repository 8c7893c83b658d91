#!/usr/bin/env bash
# Build the local test images (no registry is reachable here). Idempotent and fast: an image is
# rebuilt only when its inputs changed, detected by a content-hash label on the image.
#   ccci-busybox:latest — FROM scratch + Debian's static busybox (`busybox --install -s /bin`).
set -euo pipefail
log() { printf '[build-images] %s\n' "$*"; }

busybox=/bin/busybox
[ -x "$busybox" ] || { log "missing $busybox: install busybox-static (apt-get install busybox-static)"; exit 1; }
# Read the whole list before matching: `busybox --list` writes one applet per write(2), so a
# `grep -q` that quits early kills it with SIGPIPE and pipefail fails the check at random.
applets=$("$busybox" --list)
grep -qx httpd <<<"$applets" || { log "$busybox has no httpd applet: install busybox-static"; exit 1; }

dockerfile='FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp", "/www", "/data", "/etc"]
RUN ["/bin/sh", "-c", "echo root:x:0:0:root:/root:/bin/sh > /etc/passwd && echo root:x:0: > /etc/group && echo nobody:x:65534:65534:nobody:/:/bin/false >> /etc/passwd && echo nogroup:x:65534: >> /etc/group"]
CMD ["/bin/sh"]'

hash=$( { cat "$busybox"; printf '%s' "$dockerfile"; } | sha256sum | cut -c1-16)
image=ccci-busybox:latest
current=$(docker image inspect --format '{{ index .Config.Labels "ccci.content-hash" }}' "$image" 2>/dev/null || true)
if [ "$current" = "$hash" ]; then
  log "$image up to date ($hash)"
  exit 0
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$busybox" "$ctx/busybox"
printf '%s\nLABEL ccci.content-hash=%s\n' "$dockerfile" "$hash" >"$ctx/Dockerfile"
log "building $image ($hash)"
# The legacy builder: Debian's docker.io may come without buildx, and the build needs nothing
# BuildKit adds.
if ! out=$(DOCKER_BUILDKIT=0 docker build -q -t "$image" "$ctx" 2>&1); then
  printf '%s\n' "$out" >&2
  exit 1
fi
log "built $image"
