# A stand-in for redis:7-alpine from Debian's redis-server, for hosts without a
# registry (see deploy/local-images.sh). Runs as the redis user with /data as its
# directory, like the official image.
ARG DEBIAN_IMAGE=l10n-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no", "--dir", "/data"]
