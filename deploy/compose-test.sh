#!/usr/bin/env bash
# `make compose-test`: the whole deployment on this machine, end to end.
#   1. a Docker engine (deploy/docker-host.sh: apt-installs docker.io, docker-compose,
#      debootstrap if missing; starts dockerd in the background if none answers)
#   2. base images (deploy/local-images.sh: pulled, or built once from Debian
#      packages when no registry answers, and kept under l10n-local/* tags)
#   3. deploy/compose_test.py: build the image, run the stack, drive an article
#      through the HTTP API to a published page, scale, health checks, down -v.
# Ends with one PASS/FAIL line; exit status 0 only on PASS.
# L10N_COMPOSE_BROKER=rabbitmq: the same with RabbitMQ as the broker.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
echo "== docker engine"
deploy/docker-host.sh
echo "== base images"
kinds=(python redis)
[[ ${L10N_COMPOSE_BROKER:-redis} == rabbitmq ]] && kinds+=(rabbitmq)
images=$(deploy/local-images.sh "${kinds[@]}")
eval "$images"
printf '%s\n' "$images" | sed 's/^/  /'
echo "== compose stack ($(( SECONDS - started )) s so far)"
exec python3 deploy/compose_test.py
