"""Operations endpoints: ``/readyz`` (broker and workspace) and ``/metrics``
(Prometheus), and the middleware that times every request. Thin: the checks live
in ``services.monitoring``, the figures in ``services.metrics``, the broker's
answers in ``jobs.broker``."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..jobs import broker
from ..jobs.config import APPLY_QUEUE
from ..services.metrics import CONTENT_TYPE, Metrics
from ..services.monitoring import readiness
from ..settings import load_settings
from ..workspace import Workspace
from .deps import State

__all__ = ["RequestTimer", "build_metrics", "router"]

router = APIRouter(tags=["service"])


def build_metrics(ws: Workspace) -> Metrics:
    return Metrics(
        ws, broker.queue_depths, always=(APPLY_QUEUE,), embedded=load_settings().embedded
    )


_READINESS_SCHEMA = {
    "type": "object",
    "required": ["status", "failed", "checks"],
    "properties": {
        "status": {"type": "string", "enum": ["ready", "not ready"]},
        "failed": {"type": "array", "items": {"type": "string"}},
        "checks": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"ok": {"type": "boolean"},
                                             "detail": {"type": "string"}}}},
    },
}  # fmt: skip


@router.get(
    "/readyz",
    summary="Readiness: the broker answers and the workspace is readable and writable.",
    response_class=JSONResponse,
    responses={
        200: {"content": {"application/json": {"schema": _READINESS_SCHEMA}}},
        503: {
            "description": "Not ready; `failed` names the checks that failed.",
            "content": {"application/json": {"schema": _READINESS_SCHEMA}},
        },
    },
)
def readyz(app: State) -> JSONResponse:
    result = readiness(app.ws, broker.ping(), embedded=load_settings().embedded)
    return JSONResponse(result.to_dict(), status_code=200 if result.ok else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format).",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> Response:
    collected: Metrics = request.app.state.metrics
    return Response(collected.render(), media_type=CONTENT_TYPE)


class RequestTimer:
    """Observe each HTTP request's latency, labelled by method, status and route
    template (``/articles/{slug}``, never the concrete path, which would make a
    series per article); requests no route matched (bundle files served by the
    fast path, 404s) are ``other``."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "other"
            self.metrics.observe(scope["method"], route, status, started)
