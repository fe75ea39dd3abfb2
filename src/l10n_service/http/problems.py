"""Every error as RFC 9457 ``application/problem+json``, and never a traceback.

Our exception tree already says what went wrong in words meant for the user, so
it maps onto status codes by meaning: bad input 400 (422 when the request was
well-formed but its content is unusable), missing things 404, merge conflicts
409, a broker or lock server that is down 503. Anything else is a bug: it is logged with its
traceback on the server and the client gets a bare 500.

Messages from the services name files by absolute path, which says more about
the server than a client needs; the workspace root is cut from every detail.

A browser (one that prefers ``text/html``) gets the same error as a small HTML
page (:mod:`.errorpage`); every error response varies on ``Accept``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import (
    ArticleError,
    BrokerUnavailable,
    CatalogError,
    ConflictError,
    EngineUnavailable,
    InputError,
    JobError,
    L10nError,
    NotFoundError,
    ServiceUnavailable,
    StorageError,
    UploadError,
)
from .errorpage import HTML_CSP, error_page
from .negotiate import prefers_html

__all__ = [
    "PROBLEM_JSON",
    "PROBLEM_RESPONSES",
    "BodySizeLimit",
    "Problem",
    "error_response",
    "install_problem_handlers",
    "problem_response",
]

log = logging.getLogger("l10n_service.http")

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "tag:l10n-service,2025:problem:"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "conflicts": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}

# Documented on every operation, so clients (and schemathesis) know the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {
        "description": HTTPStatus(code).phrase,
        "content": {
            PROBLEM_JSON: {"schema": PROBLEM_SCHEMA},
            "text/html": {"schema": {"type": "string"}},
        },
    }
    for code in (400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 500, 503)
}


class Problem(Exception):
    """Raise to answer with a problem document from anywhere in a handler."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}
        self.extensions = extensions


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """A problem+json response. ``kind`` names our own problem types; without one
    the type is ``about:blank`` and the title is the HTTP reason phrase (RFC 9457
    section 4.2.1)."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": _TYPE_BASE + kind if kind else "about:blank",
        "title": kind.replace("-", " ").capitalize() if kind else phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


def error_response(
    scope: Scope,
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """The error for this request's client: an HTML page when it prefers
    ``text/html`` (a browser), else the problem document."""
    accept = next((v for k, v in scope.get("headers", ()) if k == b"accept"), b"")
    vary = {**(headers or {}), "Vary": "Accept"}
    if prefers_html(accept.decode("latin-1")) is True:
        title = kind.replace("-", " ").capitalize() if kind else HTTPStatus(status).phrase
        home = str(scope.get("root_path", "")).rstrip("/") + "/"
        return HTMLResponse(
            error_page(status, title, detail, home),
            status_code=status,
            # nosniff here too: the 413 answered before the app runs skips NoSniff.
            headers={
                **vary,
                "Content-Security-Policy": HTML_CSP,
                "X-Content-Type-Options": "nosniff",
            },
        )
    return problem_response(
        status, detail, kind=kind, instance=instance, headers=vary, **extensions
    )


def _classify(exc: L10nError) -> tuple[int, str]:
    if isinstance(exc, UploadError | ArticleError | CatalogError):
        return 422, "unprocessable-content"
    if isinstance(exc, InputError):
        return 400, "invalid-input"
    if isinstance(exc, NotFoundError):
        return 404, "not-found"
    if isinstance(exc, ConflictError):
        return 409, "conflict"
    if isinstance(exc, EngineUnavailable):
        return 422, "engine-unavailable"
    if isinstance(exc, JobError | BrokerUnavailable):
        return 503, "job-queue-unavailable"
    if isinstance(exc, ServiceUnavailable):
        return 503, "service-unavailable"
    if isinstance(exc, StorageError):
        return 507, "insufficient-storage"
    return 500, "internal-error"


_SERVER_FAULTS = {
    "job-queue-unavailable": "the job queue is unavailable (is the broker running?); "
    "see the server log",
    "service-unavailable": "the lock server (Redis) does not answer; nothing was stored; "
    "see the server log",
    "insufficient-storage": "the server's disk is full; nothing was stored",
}


def _scrub(message: str, root: Path) -> str:
    """Drop the workspace's absolute path from a message (``root/x`` -> ``x``)."""
    text = message.replace(f"{root}/", "").replace(str(root), ".")
    return text[:2000]


def install_problem_handlers(app: FastAPI, root: Path) -> None:
    """Route every exception the app can raise through :func:`problem_response`."""

    async def on_problem(request: Request, error: Exception) -> Response:
        exc = cast(Problem, error)  # registered for this type only
        return error_response(
            request.scope,
            exc.status,
            _scrub(exc.detail, root),
            kind=exc.kind,
            instance=request.url.path,
            headers=exc.headers,
            **exc.extensions,
        )

    async def on_l10n(request: Request, error: Exception) -> Response:
        exc = cast(L10nError, error)  # registered for this type only
        status, kind = _classify(exc)
        detail = _scrub(str(exc), root)
        if status >= 500:
            # The message may name server files or a broker address: log it, and
            # tell the client only what kind of fault it was.
            log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
            detail = _SERVER_FAULTS.get(kind, "internal error; see the server log")
        extra: dict[str, Any] = {}
        if isinstance(exc, ConflictError) and exc.conflicts:
            extra["conflicts"] = exc.conflicts
        if isinstance(exc, CatalogError) and exc.line:
            extra["line"] = exc.line
        return error_response(
            request.scope, status, detail, kind=kind, instance=request.url.path, **extra
        )

    async def on_http(request: Request, error: Exception) -> Response:
        exc = cast(StarletteHTTPException, error)  # registered for this type only
        phrase = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
        return error_response(
            request.scope, exc.status_code, detail, instance=request.url.path, headers=exc.headers
        )

    async def on_validation(request: Request, error: Exception) -> Response:
        exc = cast(RequestValidationError, error)  # registered for this type only
        # loc and msg say what to fix; the rejected input is not echoed back.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()[:50]
        ]
        where = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
        return error_response(
            request.scope,
            422,
            f"the request does not match the API: {where}" if where else "invalid request",
            kind="validation-error",
            instance=request.url.path,
            errors=errors,
        )

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.error("%s %s crashed", request.method, request.url.path, exc_info=exc)
        return error_response(request.scope, 500, "internal error; see the server log")

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(L10nError, on_l10n)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_crash)


class BodySizeLimit:
    """Bound every request body, answering 413 as a problem document.

    A ``Content-Length`` over the limit is refused before any handler runs; a body
    sent without one (chunked) is counted as it is read, and the read that goes
    over raises, inside the handler, an HTTP 413 that the problem handlers render.
    (FastAPI's own ``max_body_size`` is not used: it replaces whatever the app
    answers with a plain-text 413.)
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> str:
        return f"the request body is over the {self.max_bytes} byte limit"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                response = error_response(scope, 413, self._too_large(), instance=scope.get("path"))
                await response(scope, receive, send)
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise StarletteHTTPException(413, self._too_large())
            return message

        await self.app(scope, limited, send)
