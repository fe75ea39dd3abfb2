# A stand-in for rabbitmq:3-management-alpine from Debian's rabbitmq-server (3.10),
# for hosts without a registry (see deploy/local-images.sh).
ARG DEBIAN_IMAGE=l10n-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rabbitmq-server \
 && rm -rf /var/lib/apt/lists/* \
 && echo 'loopback_users = none' > /etc/rabbitmq/rabbitmq.conf
USER rabbitmq
EXPOSE 5672
CMD ["rabbitmq-server"]
