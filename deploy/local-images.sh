#!/usr/bin/env bash
# Resolve the base images compose.yaml and the Dockerfile use, without needing a registry.
#
# For each image: use it if present, else pull it, else use (or build once) a local
# substitute made from Debian packages: `debootstrap --variant=minbase bookworm` imported
# with `docker import`, then python3/venv/pip (for the app image) or redis-server on top.
# Substitutes are tagged l10n-local/..., so the next run finds them and takes seconds.
#
# Usage: eval "$(deploy/local-images.sh [python] [redis] [rabbitmq])"   (default: python redis)
# Prints `export BASE_IMAGE=...` lines on stdout; progress goes to stderr.
# L10N_LOCAL_IMAGES=1 skips pulling (straight to the local substitutes).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_LOCAL=l10n-local/debian:bookworm

say() { printf '[local-images] %s\n' "$*" >&2; }

have() { docker image inspect "$1" >/dev/null 2>&1; }

pull() {
    [[ ${L10N_LOCAL_IMAGES:-0} == 1 ]] && return 1
    say "pulling $1"
    timeout "${L10N_PULL_TIMEOUT:-120}" docker pull -q "$1" >&2 2>/dev/null
}

debian_base() {
    have "$DEBIAN_LOCAL" && return 0
    local root
    root=$(mktemp -d /var/tmp/l10n-debootstrap.XXXXXX)
    say "debootstrap bookworm minbase from $MIRROR into $root (2-3 min)"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$MIRROR" \
        >"$root.log" 2>&1 || { tail -n 20 "$root.log" >&2; rm -rf "$root"; return 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    say "docker import -> $DEBIAN_LOCAL"
    tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$DEBIAN_LOCAL" >/dev/null
    rm -rf "$root" "$root.log"
}

build_local() {  # tag dockerfile
    debian_base
    say "building $1 from $2 on $DEBIAN_LOCAL"
    DOCKER_BUILDKIT=0 docker build -q --force-rm --network host --build-arg "DEBIAN_IMAGE=$DEBIAN_LOCAL" \
        -t "$1" -f "$HERE/images/$2" "$HERE/images" >/dev/null
}

resolve() {  # VAR default local-tag dockerfile
    local want=${!1:-$2}
    if have "$want" || pull "$want"; then
        say "$1=$want"
    else
        have "$3" || build_local "$3" "$4"
        say "$1=$3 (local substitute for $want)"
        want=$3
    fi
    printf 'export %s=%q\n' "$1" "$want"
}

(($#)) || set -- python redis
for what in "$@"; do
    case $what in
        python) resolve BASE_IMAGE python:3.11-slim l10n-local/python:3.11-bookworm python.Dockerfile ;;
        redis) resolve REDIS_IMAGE redis:7-alpine l10n-local/redis:7-bookworm redis.Dockerfile ;;
        rabbitmq)
            resolve RABBITMQ_IMAGE rabbitmq:3-management-alpine l10n-local/rabbitmq:3-bookworm \
                rabbitmq.Dockerfile ;;
        *) echo "error: unknown image kind $what (python, redis, rabbitmq)" >&2; exit 2 ;;
    esac
done
