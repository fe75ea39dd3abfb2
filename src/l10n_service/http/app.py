"""The HTTP API: ``create_app(root)`` builds the FastAPI application for a workspace.

Run it with ``l10n serve`` (uvicorn, ``--factory``); machine translation needs a
worker consuming the job queues (``l10n worker``), see ``http.jobs``.

The application holds no state of its own beyond caches: every request reads the
workspace (bundles, catalogs, the token file), so the CLI and several server
processes can work on one workspace side by side.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..auth import TokenStore
from ..workspace import Workspace
from . import articles, bundles, catalogs, desk, jobs, monitoring, pages, tokens
from .deps import AppState
from .fastpath import BundleFastPath
from .files import FileCache
from .formats import document_formats
from .problems import PROBLEM_RESPONSES, BodySizeLimit, install_problem_handlers

__all__ = ["DEFAULT_MAX_BODY_BYTES", "create_app"]

DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024

_DESCRIPTION = """\
Localize articles through gettext catalogs.

* **Readers** (no token): `GET /`, `GET /articles/{slug}` (negotiated on
  `Accept-Language` and `Accept`), `GET /articles/{slug}/{lang}/bundle.json`.
* **Translators** (token for some languages): download and upload their `.po` files.
* **Reviewers**: approve entries, start machine translation, build bundles.
* **Admins**: add and delete articles, manage tokens.

Tokens: `l10n tokens create --role ...`, sent as `Authorization: Bearer <token>`.
Machine translation runs on Celery: start `l10n worker` next to the server.
Errors are `application/problem+json` (RFC 9457).
"""


def create_app(root: Path | None = None, *, max_body_bytes: int | None = None) -> FastAPI:
    """The application for the workspace at ``root`` (default ``$L10N_ROOT`` or the
    current directory). ``max_body_bytes`` (default ``$L10N_MAX_BODY_BYTES`` or
    2 MiB) bounds every request body; larger ones get 413 before being read."""
    ws = Workspace.at(root or os.environ.get("L10N_ROOT") or Path.cwd())
    limit = max_body_bytes or int(os.environ.get("L10N_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))
    app = FastAPI(
        title="l10n-service",
        version=__version__,
        description=_DESCRIPTION,
        responses=PROBLEM_RESPONSES,
    )
    app.state.l10n = AppState(
        ws=ws, tokens=TokenStore.for_workspace(ws), files=FileCache(), max_body_bytes=limit
    )
    install_problem_handlers(app, ws.root)
    app.state.metrics = monitoring.build_metrics(ws)
    for module in (pages, bundles, articles, catalogs, jobs, tokens, desk, monitoring):
        app.include_router(module.router)
    document_formats(app)

    @app.get("/healthz", tags=["service"], summary="Liveness: the workspace is readable.")
    def healthz() -> dict[str, str]:
        ws.root.stat()
        return {"status": "ok", "version": __version__}

    app.add_middleware(NoSniff)
    app.add_middleware(BodySizeLimit, max_bytes=limit)
    app.add_middleware(BundleFastPath, state=app.state.l10n)
    app.add_middleware(monitoring.RequestTimer, metrics=app.state.metrics)  # outermost
    return app


class NoSniff:
    """``X-Content-Type-Options: nosniff`` on every response: a translator's .po or
    an article body must never be sniffed into HTML by a browser. (No compression
    here: a reverse proxy does that, and would otherwise make our strong ETags
    describe bytes that were not sent.)"""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
            await send(message)

        await self.app(scope, receive, send_with_header)
