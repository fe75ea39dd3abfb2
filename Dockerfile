FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY workers ./workers
# Supply the CPU build of torch 2.13.0 (e.g. PIP_FIND_LINKS pointing at a wheel
# folder); a plain resolve would pull a multi-GB CUDA build.
ARG PIP_FIND_LINKS=""
RUN pip install --no-cache-dir "torch==2.13.0" && pip install --no-cache-dir . flower
ENV L10N_ROOT=/workspace
CMD ["l10n", "serve", "--host", "0.0.0.0", "--root", "/workspace"]
