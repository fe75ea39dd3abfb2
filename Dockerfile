# The l10n-service image: API, workers and Flower all run from it (see compose.yaml).
#
# BASE_IMAGE: any Debian-like image with python3 (3.11+) and python3 -m venv.
# Without a registry, deploy/local-images.sh builds one from Debian packages.
# L10N_EXTRAS: the package's extras, comma-separated (default monitor,argos):
#   monitor  Flower (compose.yaml's "monitor" profile)
#   argos    argos-translate-lt, no torch (+~90 MB): BPE packages and `argospm`;
#            SentencePiece packages, nearly all of argos's index, run without it.
#   --build-arg L10N_EXTRAS=monitor leaves argos out, L10N_EXTRAS= both.
# Builds with the legacy builder and BuildKit alike.
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
ARG L10N_EXTRAS=monitor,argos
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PATH=/opt/venv/bin:$PATH
RUN python3 -m venv /opt/venv
# Behind a TLS-inspecting proxy pip needs the host's CA bundle (deploy/ca/README.md).
COPY deploy/ca/ /tmp/l10n-ca/
RUN if [ -s /tmp/l10n-ca/ca-certificates.crt ]; then cp /tmp/l10n-ca/ca-certificates.crt /opt/pip-ca.crt; \
    else cp /etc/ssl/certs/ca-certificates.crt /opt/pip-ca.crt; fi
ENV PIP_CERT=/opt/pip-ca.crt
WORKDIR /src
# Dependencies get their own layer (installed for a stub package, then the stub is
# removed), so a change to the source or the README does not re-download them.
# The stub is built elsewhere: setuptools' build/ cache would keep its empty files.
COPY pyproject.toml /tmp/stub/
RUN cd /tmp/stub && mkdir -p src/l10n_service && touch src/l10n_service/__init__.py README.md \
 && pip install ".${L10N_EXTRAS:+[$L10N_EXTRAS]}" \
 && pip uninstall -y l10n-service \
 && rm -rf /tmp/stub
COPY pyproject.toml README.md ./
COPY src ./src
# pip byte-compiles the package: keep that. The image runs as a user who cannot write
# to /opt/venv, so without the .pyc files every process (each worker, each CLI call)
# compiled all of l10n_service from source again (~0.13 s of CPU per start).
RUN pip install --no-deps .

FROM ${BASE_IMAGE}
# GNU gettext: every catalog written is checked with msgfmt --check.
RUN command -v msgfmt >/dev/null \
 || (apt-get update && apt-get install -y --no-install-recommends gettext \
     && rm -rf /var/lib/apt/lists/*)
# Not root: a fixed uid, so a workspace volume keeps one owner across rebuilds.
RUN groupadd --system --gid 10001 l10n \
 && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/l10n \
      --shell /usr/sbin/nologin l10n \
 && mkdir -p /workspace /models/packages \
 && chown -R l10n:l10n /workspace /models
COPY --from=build /opt/venv /opt/venv
# workers/ (celery -A workers.main, python -m workers.healthcheck) from any directory.
COPY workers /app/workers
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    L10N_ROOT=/workspace \
    ARGOS_PACKAGES_DIR=/models/packages
USER l10n
WORKDIR /workspace
EXPOSE 8000 5555
# The API by default. Workers: `l10n worker --role apply|mt --name NODE` (compose.yaml),
# checked with --node NODE or L10N_WORKER_NODE=NODE (a ping to NODE@<hostname> only).
HEALTHCHECK --interval=30s --timeout=30s --start-period=60s --retries=3 \
    CMD ["python3", "-m", "workers.healthcheck"]
CMD ["l10n", "serve", "--host", "0.0.0.0", "--port", "8000"]
