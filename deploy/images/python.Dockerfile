# A stand-in for python:3.11-slim built from Debian packages, for hosts that reach
# deb.debian.org but no image registry (see deploy/local-images.sh).
ARG DEBIAN_IMAGE=l10n-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv ca-certificates gettext \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/bin/python3 /usr/local/bin/python
ENV LANG=C.UTF-8
CMD ["python3"]
