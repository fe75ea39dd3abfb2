"""Browser sessions for the reviewer's desk: log in once with an API token,
then a cookie; CSRF protection on every form post.

The API keeps its bearer tokens; a browser cannot send those by itself, so the
desk has a login page where the person pastes their token once. What the
browser then holds is a session id (256 random bits) in an ``HttpOnly``,
``SameSite=Strict`` cookie (``Secure`` over https), never the token: a cookie
read off a disk or a proxy log stops working at logout or expiry and cannot be
used with the API.

Sessions live on the server, one small file each under ``.l10n/desk-sessions/``
named by the SHA-256 of the id (a directory listing gives nobody a session), so
every server process sees the same sessions and logout really ends one. Each
request looks the token up again by id, so revoking the token from the CLI ends
its sessions at once, as it does for the API.

CSRF: each session has a random synchronizer token, put in every form of the
page and compared in constant time on each POST; the ``Origin`` and
``Sec-Fetch-Site`` headers, when the browser sends them, must say the post came
from this site. The login form itself (no session yet) uses a double-submit
cookie. ``SameSite=Strict`` would stop most of this on its own; the tokens are
for browsers and proxies that do not honour it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Request, Response

from ..auth import TokenRecord, TokenStore
from ..storage import write_atomic

__all__ = [
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "DeskSession",
    "SessionStore",
    "check_post",
    "clear_cookie",
    "set_cookie",
]

SESSION_COOKIE = "l10n_desk"
LOGIN_COOKIE = "l10n_desk_login"
SESSION_TTL_S = 8 * 3600
_ID_BYTES = 32
_MAX_ID = 100  # a longer cookie value is not one of ours


@dataclass(frozen=True)
class DeskSession:
    token_id: str
    csrf: str
    expires: float


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SessionStore:
    """Sessions as files: ``<folder>/<sha256 of the id>.json``, private to the
    server's user."""

    def __init__(self, folder: Path, ttl_s: float = SESSION_TTL_S):
        self.folder = folder
        self.ttl_s = ttl_s

    def _path(self, secret: str) -> Path | None:
        if not secret or len(secret) > _MAX_ID:
            return None
        return self.folder / f"{_digest(secret)}.json"

    def create(self, token: TokenRecord) -> tuple[str, DeskSession]:
        """A new session for ``token``: (the id for the cookie, the session)."""
        self.sweep()
        secret = secrets.token_urlsafe(_ID_BYTES)
        session = DeskSession(token.id, secrets.token_urlsafe(_ID_BYTES), time.time() + self.ttl_s)
        data = {"token_id": session.token_id, "csrf": session.csrf, "expires": session.expires}
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._path(secret)
        assert path is not None  # a fresh id always has a path
        write_atomic(path, json.dumps(data).encode("utf-8"), mode=0o600)
        return secret, session

    def get(self, secret: str) -> DeskSession | None:
        path = self._path(secret)
        if path is None:
            return None
        try:
            data = json.loads(path.read_bytes())
            session = DeskSession(str(data["token_id"]), str(data["csrf"]), float(data["expires"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # gone, or damaged: either way, not a session
        if session.expires < time.time():
            path.unlink(missing_ok=True)
            return None
        return session

    def delete(self, secret: str) -> None:
        path = self._path(secret)
        if path is not None:
            path.unlink(missing_ok=True)

    def sweep(self) -> None:
        """Drop expired sessions (run at each login, so the folder stays small)."""
        now = time.time()
        for path in self.folder.glob("*.json"):
            try:
                if float(json.loads(path.read_bytes())["expires"]) < now:
                    path.unlink(missing_ok=True)
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)


def session_token(
    request: Request, sessions: SessionStore, tokens: TokenStore
) -> tuple[DeskSession, TokenRecord] | None:
    """The request's session and its token, if the cookie names a live session
    whose token is still active."""
    session = sessions.get(request.cookies.get(SESSION_COOKIE, ""))
    if session is None:
        return None
    token = next((t for t in tokens.records() if t.id == session.token_id), None)
    if token is None or not token.active:
        return None
    return session, token


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=_secure(request), httponly=True,
        samesite="strict",
    )  # fmt: skip


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(
        name, path="/", secure=_secure(request), httponly=True, samesite="strict"
    )


def _same_origin(request: Request) -> bool:
    """The host the browser says the form came from is the one it was posted to.
    Hosts, not schemes: behind a proxy that ends TLS the server may see http for
    a page the browser loaded over https."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.url.netloc:
        return False
    site = request.headers.get("sec-fetch-site")
    return site is None or site == "same-origin"


def check_post(request: Request, expected: str, sent: str | None) -> str | None:
    """Why a form post must be refused (cross-site, or a missing or wrong CSRF
    token), or None when it may go ahead."""
    if not _same_origin(request):
        return "this form was posted from another site"
    if not sent or not expected or not hmac.compare_digest(expected, sent):
        return "the form is out of date or was not sent by this page; reload it"
    return None
