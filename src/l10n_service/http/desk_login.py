"""Logging in to the reviewer's desk with an API token, logging out, the list
of review pages a token may open, and the desk's two static files."""

from __future__ import annotations

from secrets import token_urlsafe
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from ..services import desk as service
from .deps import State
from .desk_common import (
    abilities,
    context,
    current_viewer,
    html_page,
    prefix,
    refuse,
    sessions,
    to_login,
)
from .desk_session import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    SESSION_TTL_S,
    check_post,
    clear_cookie,
    set_cookie,
)
from .desk_views import STATIC, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


# --- login ------------------------------------------------------------------------------


def _safe_next(value: str | None, request: Request) -> str:
    """Only a path on this site: never another host (``//x``, ``/\\x``, a scheme)."""
    if (
        value
        and value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and all(32 < ord(c) < 127 for c in value)
    ):
        return value
    return f"{prefix(request)}/desk"


def _login_page(request: Request, next_: str, error: str = "", status: int = 200) -> Response:
    csrf = request.cookies.get(LOGIN_COOKIE, "")
    if not 20 <= len(csrf) <= 100:
        csrf = token_urlsafe(32)
    page = render("desk_login.html", context(request, csrf=csrf, next=next_, error=error))
    response = html_page(page, status)
    set_cookie(response, request, LOGIN_COOKIE, csrf, max_age=3600)
    return response


@router.get("/desk/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, _safe_next(next, request))


@router.post("/desk/login")
def login(
    request: Request,
    app: State,
    token: Annotated[str, Form(max_length=500)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    target = _safe_next(next, request)
    refused = check_post(request, request.cookies.get(LOGIN_COOKIE, ""), csrf)
    if refused:
        return _login_page(request, target, refused, status=403)
    record = app.tokens.authenticate(token.strip())
    if record is None:
        return _login_page(request, target, "That token is unknown or revoked.", status=401)
    secret, _ = sessions(app).create(record)
    response = RedirectResponse(target, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, secret, max_age=int(SESSION_TTL_S))
    clear_cookie(response, request, LOGIN_COOKIE)
    return response


@router.post("/desk/logout")
def logout(
    request: Request, app: State, csrf: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    viewer = current_viewer(request, app)
    if viewer is not None:
        refused = check_post(request, viewer.session.csrf, csrf)
        if refused:
            return refuse(request, 403, refused)
        sessions(app).delete(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse(f"{prefix(request)}/desk/login", status_code=303)
    clear_cookie(response, request, SESSION_COOKIE)
    return response


@router.get("/desk/static/{name}")
def static(name: str, request: Request) -> Response:
    found = STATIC.get(name)
    if found is None:
        return Response(status_code=404)
    headers = {"ETag": found.etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=304, headers=headers)
    return Response(found.data, media_type=found.media_type, headers=headers)


@router.get("/desk")
def desk_index(request: Request, app: State) -> Response:
    viewer = current_viewer(request, app)
    if viewer is None:
        return to_login(request)
    rows = [r for r in service.desk_catalogs(app.ws) if abilities(viewer.token, r.lang) is not None]
    page = render(
        "desk_index.html",
        context(request, rows=rows, token=viewer.token, csrf=viewer.session.csrf),
    )
    return html_page(page)
