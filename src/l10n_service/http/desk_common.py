"""What every page of the reviewer's desk shares: who is looking (the session's
token) and what that token may do on a language, and the HTML and JSON answers
with the desk's security headers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from ..auth import Permission, TokenRecord
from .deps import AppState
from .desk_session import DeskSession, SessionStore, session_token
from .desk_views import DESK_CSP, PREVIEW_CSP, STATIC, render

__all__ = [
    "NOT_FOUND",
    "Abilities",
    "Viewer",
    "abilities",
    "context",
    "current_viewer",
    "html_page",
    "message_page",
    "not_found",
    "prefix",
    "refuse",
    "sessions",
    "to_login",
    "wants_json",
]

NOT_FOUND = (
    "There is no review page here: the article or the language does not exist, "
    "or your token does not cover it."
)


# --- who may do what --------------------------------------------------------------------


@dataclass(frozen=True)
class Abilities:
    edit: bool
    approve: bool
    publish: bool


def abilities(token: TokenRecord, lang: str) -> Abilities | None:
    """What ``token`` may do on the desk of ``lang``; None: it may not see it.
    Reviewers may post-edit on the desk (the page's purpose), so editing needs
    write access to the catalog or the right to approve it."""
    if not token.allows(Permission.CATALOG_READ, lang):
        return None
    approve = token.allows(Permission.APPROVE, lang)
    return Abilities(
        edit=token.allows(Permission.CATALOG_WRITE, lang) or approve,
        approve=approve,
        publish=token.allows(Permission.BUNDLES, lang),
    )


def sessions(app: AppState) -> SessionStore:
    return SessionStore(app.ws.state_dir / "desk-sessions")


@dataclass(frozen=True)
class Viewer:
    session: DeskSession
    token: TokenRecord


def current_viewer(request: Request, app: AppState) -> Viewer | None:
    found = session_token(request, sessions(app), app.tokens)
    return Viewer(*found) if found else None


# --- responses --------------------------------------------------------------------------


def prefix(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def html_page(text: str, status: int = 200, csp: str = DESK_CSP) -> Response:
    return Response(
        text,
        status_code=status,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": csp,
            "Cache-Control": "no-store",
            "Referrer-Policy": "same-origin",
            "X-Frame-Options": "SAMEORIGIN" if csp == PREVIEW_CSP else "DENY",
        },
    )


def context(request: Request, **values: Any) -> dict[str, Any]:
    return {"prefix": prefix(request), "static_version": STATIC["desk.js"].etag[1:9], **values}


def message_page(request: Request, status: int, heading: str, message: str) -> Response:
    page = render("desk_message.html", context(request, heading=heading, message=message))
    return html_page(page, status)


def not_found(request: Request) -> Response:
    return message_page(request, 404, "Not found", NOT_FOUND)


def to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = urlencode({"next": target})
    return RedirectResponse(f"{prefix(request)}/desk/login?{query}", status_code=303)


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def refuse(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {"status": "refused", "message": message}
        if status == 401:
            body["login"] = f"{prefix(request)}/desk/login"
        return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    return message_page(
        request, status, "Not allowed" if status != 401 else "Log in again", message
    )
