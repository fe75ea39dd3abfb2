"""Request dependencies: the app's workspace and caches, and the token check.

Authorization is declared per route as ``Depends(require(Permission.X))``, so
each handler's signature shows what it needs and OpenAPI shows the bearer scheme
on exactly the operations that use it. The order of refusals is fixed: no or bad
token 401 (with ``WWW-Authenticate``), a malformed language in the path 400,
then a token that may not do this 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..auth import Permission, TokenRecord, TokenStore
from ..core.locales import normalize_locale
from ..workspace import Workspace
from .files import FileCache
from .problems import Problem

__all__ = ["AppState", "JsonBody", "LangParam", "SlugParam", "State", "require", "state"]

# Path parameters whose pattern is documented (clients and fuzzers see it) but
# checked by our own validators in the handler, so a bad slug or language is a
# 400 from ``validate_slug`` / ``normalize_locale`` with their message, the same
# answer the CLI gives, rather than a generic 422.
SlugParam = Annotated[str, Path(json_schema_extra={"pattern": r"^[a-z0-9][a-z0-9_-]{0,99}$"})]
LangParam = Annotated[
    str,
    Path(
        json_schema_extra={"pattern": r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$"},
    ),
]


@dataclass(frozen=True)
class AppState:
    """What the handlers share, created once per app by ``create_app``."""

    ws: Workspace
    tokens: TokenStore
    files: FileCache
    max_body_bytes: int


def state(request: Request) -> AppState:
    value: AppState = request.app.state.l10n
    return value


State = Annotated[AppState, Depends(state)]

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    description="An API token from `l10n tokens create` (roles: translator, reviewer, admin).",
)

_CHALLENGE = 'Bearer realm="l10n"'


def bearer_token(request: Request, app: AppState) -> TokenRecord | None:
    """The request's active API token (``Authorization: Bearer``), or None; never
    refuses: for public pages that show a token holder a little more."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return app.tokens.authenticate(secret.strip())


def require(permission: Permission) -> Callable[..., TokenRecord]:
    """A dependency that admits a token holding ``permission``; for catalog
    permissions the ``lang`` path parameter is checked against a translator's
    languages."""

    def check(
        request: Request,
        app: State,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> TokenRecord:
        if credentials is None:
            raise Problem(
                401,
                "this operation needs an API token: Authorization: Bearer <token>",
                kind="unauthorized",
                headers={"WWW-Authenticate": _CHALLENGE},
            )
        token = app.tokens.authenticate(credentials.credentials)
        if token is None:
            raise Problem(
                401,
                "the API token is unknown or revoked",
                kind="unauthorized",
                headers={"WWW-Authenticate": _CHALLENGE + ', error="invalid_token"'},
            )
        raw_lang = request.path_params.get("lang")
        lang = normalize_locale(raw_lang) if isinstance(raw_lang, str) else None
        if not token.allows(permission, lang):
            scope = f" for {lang}" if lang else ""
            raise Problem(
                403,
                f"a {token.role.value} token may not do {permission.value}{scope}",
                kind="forbidden",
            )
        return token

    return check


def _json_only(request: Request) -> None:
    """415 for a body that is not JSON on a JSON operation (FastAPI alone would
    answer 422 "not a valid dict", which blames the content, not its type)."""
    has_body = request.headers.get("content-length", "0") not in ("", "0") or (
        "transfer-encoding" in request.headers
    )
    mime = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if has_body and mime != "application/json" and not mime.endswith("+json"):
        raise Problem(
            415,
            f"unsupported Content-Type {mime or '(none)'!r}; send application/json",
            kind="unsupported-media-type",
        )


JsonBody = Depends(_json_only)
