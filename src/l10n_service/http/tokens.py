"""Token administration over HTTP (admin), the same store ``l10n tokens`` uses.

The first admin token has to come from the CLI, on the server, by whoever can
write the workspace; after that an admin can issue and revoke tokens remotely.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from ..auth import Permission, TokenRecord
from .deps import JsonBody, State, require
from .schemas import TokenCreated, TokenCreateRequest, TokenOut

__all__ = ["router"]

router = APIRouter(tags=["tokens"])

Admin = Annotated[TokenRecord, Depends(require(Permission.TOKENS))]


@router.get("/tokens", response_model=list[TokenOut], summary="List tokens (never their secrets)")
def list_tokens(_: Admin, app: State) -> list[TokenOut]:
    return [TokenOut.model_validate(r.public()) for r in app.tokens.records()]


@router.post(
    "/tokens",
    status_code=201,
    response_model=TokenCreated,
    dependencies=[JsonBody],
    summary="Issue a token; the secret is in this response only",
)
def create_token(body: TokenCreateRequest, _: Admin, app: State) -> TokenCreated:
    record, secret = app.tokens.create(body.role, languages=body.languages, name=body.name)
    return TokenCreated.model_validate({**record.public(), "token": secret})


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    response_class=Response,
    summary="Revoke a token (effective on the next request)",
)
def revoke_token(token_id: Annotated[str, Path(max_length=64)], _: Admin, app: State) -> Response:
    app.tokens.revoke(token_id)
    return Response(status_code=204)
