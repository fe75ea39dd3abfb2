#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine, as on the project's Debian hosts:
# install Debian's docker.io/docker-compose/debootstrap with apt when missing, and start
# dockerd by hand (no systemd here) in the background, its log in a file.
# Idempotent: does nothing when `docker info` already answers.
set -euo pipefail

DOCKERD_LOG=${L10N_DOCKERD_LOG:-/var/log/l10n-dockerd.log}

say() { printf '[docker-host] %s\n' "$*"; }

missing=()
command -v docker >/dev/null || missing+=(docker.io)
command -v dockerd >/dev/null || missing+=(docker.io)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
    missing+=(docker-compose)
fi
command -v debootstrap >/dev/null || missing+=(debootstrap)
if ((${#missing[@]})); then
    # shellcheck disable=SC2207
    pkgs=($(printf '%s\n' "${missing[@]}" | sort -u))
    say "installing ${pkgs[*]} with apt"
    if [[ $(id -u) != 0 ]]; then
        echo "error: ${pkgs[*]} missing and not root: install them (apt-get install ${pkgs[*]})" >&2
        exit 2
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
    say "docker engine answers ($(docker version --format '{{.Server.Version}}'))"
    exit 0
fi
if [[ $(id -u) != 0 ]]; then
    echo "error: no docker engine answers and only root can start dockerd here" >&2
    exit 2
fi
say "starting dockerd in the background (log: $DOCKERD_LOG)"
mkdir -p "$(dirname "$DOCKERD_LOG")"
nohup dockerd >>"$DOCKERD_LOG" 2>&1 &
for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
        say "docker engine started ($(docker version --format '{{.Server.Version}}'))"
        exit 0
    fi
    sleep 1
done
echo "error: dockerd did not answer within 60 s; see $DOCKERD_LOG" >&2
tail -n 20 "$DOCKERD_LOG" >&2
exit 1
