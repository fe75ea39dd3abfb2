"""Published bundles without the framework: the readers' hot path as plain ASGI.

FastAPI's routing, dependency injection and validation cost more than sending a
cached bundle. Plain ``GET``/``HEAD`` requests for ``/articles/{slug}`` and
``/articles/{slug}/{lang}/{file}`` (no query string) are answered here with the very
same functions the routes use (:func:`bundles.negotiated_reply`,
:func:`bundles.file_reply`), so headers and bytes are identical. Anything unusual
(a query string, an error, a missing bundle) falls through to the application,
which answers it with its full error handling.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import L10nError
from .bundles import FILES, Reply, file_reply, negotiated_reply
from .deps import AppState
from .problems import Problem

__all__ = ["BundleFastPath"]

_PATH = re.compile(
    r"^/articles/(?P<slug>[a-z0-9][a-z0-9_-]{0,99})"
    r"(?:/(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3})/(?P<file>[a-z.]+))?$"
)


_WANTED = frozenset({b"accept", b"accept-language", b"if-none-match"})


class BundleFastPath:
    def __init__(self, app: ASGIApp, state: AppState):
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        reply = self._try(scope) if scope["type"] == "http" else None
        if reply is None:
            await self.app(scope, receive, send)
            return
        status, headers, body = reply
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        raw.append((b"x-content-type-options", b"nosniff"))
        if status == 200:
            raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    def _try(self, scope: Scope) -> Reply | None:
        if scope["method"] not in ("GET", "HEAD") or scope.get("query_string"):
            return None
        match = _PATH.match(scope["path"])
        if match is None or (match["file"] is not None and match["file"] not in FILES):
            return None
        headers = {
            k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"] if k in _WANTED
        }
        try:
            if match["file"] is None:
                prefix = str(scope.get("root_path", "")).rstrip("/")
                return negotiated_reply(self.state, match["slug"], None, headers, prefix)
            return file_reply(
                self.state, match["slug"], match["lang"], match["file"], None, headers
            )
        except (L10nError, Problem):
            return None
