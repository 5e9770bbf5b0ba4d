#!/usr/bin/env bash
# Local stand-ins for the base images compose.yaml and the Dockerfile name by default
# (python:3.12-slim, postgres:16, redis:7), for machines that reach no container registry.
# Each is built only when missing and then reused; all are tagged localhost/careerpath-*:
#
#   localhost/careerpath-debian:bookworm   debootstrap --variant=minbase from this machine's apt mirror
#   localhost/careerpath-python:3.11       Debian's python3 in a venv on PATH, with the host's CA
#   localhost/careerpath-postgres:15       Debian's PostgreSQL 15, official-image-like entrypoint
#   localhost/careerpath-redis:7.0         Debian's Redis 7.0, official-image-like entrypoint
#
# Usage: .ci/base-images.sh        (prints the four tags as KEY=value lines for image-test to read)
# Needs: podman, debootstrap (image-test installs them). Cold: a few minutes; warm: under a second.
# Rebuild one by removing it: podman rmi localhost/careerpath-redis:7.0
set -euo pipefail
cd "$(dirname "$0")/base-images"

DEBIAN=localhost/careerpath-debian:bookworm
PYTHON=localhost/careerpath-python:3.11
POSTGRES=localhost/careerpath-postgres:15
REDIS=localhost/careerpath-redis:7.0

note() { printf '    %s\n' "$*" >&2; }
LOG=$(mktemp)
trap 'status=$?; [ $status -eq 0 ] || { tail -30 "$LOG" >&2; echo "base-images.sh failed (exit $status)" >&2; }; rm -f "$LOG"' EXIT

# The first Debian mirror apt uses here (deb822 "URIs:" or a one-line "deb" entry).
apt_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

build_debian() {
  local root
  root=$(mktemp -d /var/tmp/careerpath-debootstrap.XXXXXX)
  note "debootstrap bookworm (minbase) from $(apt_mirror) into $root"
  debootstrap --variant=minbase bookworm "$root" "$(apt_mirror)" >>"$LOG" 2>&1
  # as Debian's -slim images do: no manuals, documentation or translations, now or in later installs
  cat >"$root/etc/dpkg/dpkg.cfg.d/careerpath-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
SLIM
  find "$root/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  tar -C "$root" --numeric-owner -c . | podman import --quiet --change 'CMD ["/bin/bash"]' - "$DEBIAN" >/dev/null
  rm -rf "$root"
}

# The host's CA certificates go into the Python image only (pip needs them through the proxy);
# the image is labelled with their digest and rebuilt when they change.
ca_digest() { cat /usr/local/share/ca-certificates/*.crt 2>/dev/null | sha256sum | cut -c1-16; }

build_python() {
  local context
  context=$(mktemp -d)
  cp python.Containerfile "$context/Containerfile"
  mkdir "$context/ca"
  cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true
  podman build --quiet --layers=false --format docker --build-arg DEBIAN="$DEBIAN" --label careerpath.ca-digest="$(ca_digest)" \
    -t "$PYTHON" "$context" >>"$LOG" 2>&1
  rm -rf "$context"
}

build_from() {  # tag, Containerfile: a build whose context is this folder
  podman build --quiet --layers=false --format docker --build-arg DEBIAN="$DEBIAN" -f "$2" -t "$1" . >>"$LOG" 2>&1
}

if ! podman image exists "$DEBIAN"; then note "building $DEBIAN"; build_debian; fi
if ! podman image exists "$PYTHON" \
  || [ "$(podman image inspect --format '{{index .Labels "careerpath.ca-digest"}}' "$PYTHON")" != "$(ca_digest)" ]; then
  note "building $PYTHON"; build_python
fi
if ! podman image exists "$POSTGRES"; then note "building $POSTGRES"; build_from "$POSTGRES" postgres.Containerfile; fi
if ! podman image exists "$REDIS"; then note "building $REDIS"; build_from "$REDIS" redis.Containerfile; fi

echo "PYTHON_BASE=$PYTHON"
echo "POSTGRES_IMAGE=$POSTGRES"
echo "REDIS_IMAGE=$REDIS"
