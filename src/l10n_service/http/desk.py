"""The reviewer's desk in the browser: ``/articles/{slug}/{lang}/review``.

Server-rendered pages that work as plain forms; ``/desk/static/desk.js`` makes
them quicker (saves without reloading, keyboard shortcuts, filters) by posting
the same forms with ``Accept: application/json`` and swapping in the fragments
the server renders. Handlers check who may do what and call one desk service
each (``services.desk``); the rules live there.

Who sees what: a reviewer (or admin) every language, a translator only the
languages on their token. Anyone else gets the same 404 page as for an article
that does not exist, so the page does not tell them which languages exist.
Reviewers approve and publish; translators, and reviewers post-editing, save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from ..core.desk import FILTERS
from ..core.locales import direction, normalize_locale
from ..errors import ConflictError, InputError, NotFoundError
from ..services import desk as service
from ..workspace import validate_slug
from . import desk_login
from .deps import AppState, State
from .desk_common import (
    Abilities,
    Viewer,
    abilities,
    context,
    current_viewer,
    html_page,
    not_found,
    prefix,
    refuse,
    to_login,
    wants_json,
)
from .desk_session import check_post
from .desk_views import PREVIEW_CSP, render, render_macro

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(desk_login.router)

_MAX_TEXT = 70_000  # the import refuses over 65,536 characters with its own message
FormStr = Annotated[str, Form(max_length=_MAX_TEXT)]
FormList = Annotated[list[str], Form(max_length=10_000)]


# --- the review page --------------------------------------------------------------------


@dataclass(frozen=True)
class Extra:
    """What one segment shows after an action: a message, a conflict, a draft."""

    message: str = ""
    kind: str = "ok"  # "ok" | "error"
    conflict: dict[str, str] | None = None
    draft: str | None = None  # the person's text, kept when it was not saved


@dataclass(frozen=True)
class Notice:
    text: str
    kind: str = "ok"


@dataclass(frozen=True)
class Desk:
    """A request on one review page, past the checks."""

    request: Request
    app: AppState
    viewer: Viewer
    slug: str
    lang: str
    can: Abilities
    show: str = "all"

    @property
    def base(self) -> str:
        return f"{prefix(self.request)}/articles/{self.slug}/{self.lang.replace('_', '-')}/review"

    def view(self, page: service.DeskPage) -> dict[str, Any]:
        """What every fragment of the page needs besides its segment."""
        return {
            "base": self.base,
            "csrf": self.viewer.session.csrf,
            "revision": page.revision,
            "show": self.show,
            "can": self.can,
            "who": self.viewer.token.name,
            "source_tag": page.source_lang.replace("_", "-"),
            "source_dir": direction(page.source_lang),
            "lang_tag": self.lang.replace("_", "-"),
            "dir": direction(self.lang),
        }


@dataclass(frozen=True)
class _Gate:
    """Either the desk the request may use, or the response that turns it away."""

    response: Response | None = None
    desk: Desk | None = None


def _open(
    request: Request,
    app: AppState,
    slug: str,
    lang: str,
    *,
    csrf: str | None = None,
    show: str = "all",
) -> _Gate:
    """Session, then CSRF (posts), then the language: a token that may not see
    this catalog gets the same 404 as a catalog that does not exist."""
    viewer = current_viewer(request, app)
    if viewer is None:
        if request.method == "GET":
            return _Gate(to_login(request))
        return _Gate(refuse(request, 401, "your session has ended; log in again"))
    if csrf is not None:
        refused = check_post(request, viewer.session.csrf, csrf)
        if refused:
            return _Gate(refuse(request, 403, refused))
    try:
        code = normalize_locale(lang)
        validate_slug(slug)
    except InputError:
        return _Gate(not_found(request))
    can = abilities(viewer.token, code)
    if can is None:
        return _Gate(not_found(request))
    show = show if show in FILTERS else "all"
    return _Gate(desk=Desk(request, app, viewer, slug, code, can, show))


_NOTICES = {
    "saved": "Saved.",
    "unchanged": "Nothing to save: the text is as it was.",
    "approved": "Approved {n}.",
    "published": "Published version {v}.",
    "not-published": "Not published: the coverage is below the minimum (see the preview).",
}


def _notice(request: Request) -> Notice | None:
    """A fixed message after a form post (never text from the query string)."""
    code = request.query_params.get("notice", "")
    if code not in _NOTICES:
        return None
    n = request.query_params.get("n", "")
    v = request.query_params.get("v", "")
    text = _NOTICES[code].format(
        n=f"{int(n)} segments" if n.isdigit() else "segments",
        v=v if v.isalnum() and len(v) <= 32 else "",
    )
    changed = request.query_params.get("changed", "")
    if changed.isdigit() and int(changed):
        text += f" {int(changed)} changed since you loaded the page and were left alone."
    return Notice(text, "ok" if code != "not-published" else "error")


def _preview(desk: Desk) -> service.Preview | None:
    """No article (a catalog made elsewhere): nothing to preview or publish."""
    if not desk.app.ws.has_article(desk.slug):
        return None
    return service.preview(desk.app.ws, desk.slug, desk.lang)


def _page(
    desk: Desk,
    *,
    status: int = 200,
    notice: Notice | None = None,
    extras: dict[str, Extra] | None = None,
) -> Response:
    try:
        page = service.load_page(desk.app.ws, desk.slug, desk.lang)
    except NotFoundError:
        return not_found(desk.request)
    preview = _preview(desk)
    by_entry = extras or {}
    indexed = {
        s.index: by_entry[s.entry]
        for b in page.blocks
        for s in b.segments
        if s.entry in by_entry and s.repeat_of is None
    }
    clean = [s for b in page.blocks for s in b.segments if s.clean]
    hidden = {b.id for b in page.blocks if not any(s.shown(desk.show) for s in b.segments)}
    html = render(
        "desk_page.html",
        context(
            desk.request, page=page, v=desk.view(page), preview=preview, notice=notice,
            extras=indexed, clean=clean, hidden_blocks=hidden,
        ),
    )  # fmt: skip
    return html_page(html, status)


@router.get("/articles/{slug}/{lang}/review")
def review_page(slug: str, lang: str, request: Request, app: State, show: str = "all") -> Response:
    gate = _open(request, app, slug, lang, show=show)
    if gate.desk is None:
        assert gate.response is not None
        return gate.response
    return _page(gate.desk, notice=_notice(request))


@router.get("/articles/{slug}/{lang}/review/preview")
def review_preview(slug: str, lang: str, request: Request, app: State) -> Response:
    gate = _open(request, app, slug, lang)
    if gate.desk is None:
        assert gate.response is not None
        return gate.response
    if not app.ws.has_article(gate.desk.slug):
        return not_found(request)
    try:
        found = service.preview(app.ws, gate.desk.slug, gate.desk.lang)
    except NotFoundError:
        return not_found(request)
    return html_page(found.html, csp=PREVIEW_CSP)


# --- actions ----------------------------------------------------------------------------


def _fragments(desk: Desk, entries: set[str], extras: dict[str, Extra]) -> dict[str, Any]:
    """Re-rendered segments of ``entries`` (every occurrence) and the summary,
    from a fresh export: each carries the revision it was rendered from."""
    page = service.load_page(desk.app.ws, desk.slug, desk.lang, only=entries)
    view = desk.view(page)
    segments = {
        str(s.index): render_macro(
            "desk_segments.html",
            "segment",
            s,
            view,
            extras.get(s.entry) if s.repeat_of is None else None,
        )
        for b in page.blocks
        for s in b.segments
        if s.entry in entries
    }
    preview = _preview(desk)
    return {
        "segments": segments,
        "summary": render_macro("desk_segments.html", "summary", page, view, preview),
        "clean": [f"{s.text_hash} {s.entry}" for b in page.blocks for s in b.segments if s.clean],
        "revision": page.revision,
    }


def _done(
    desk: Desk,
    *,
    entries: set[str],
    extra: Extra,
    notice: dict[str, str],
    at: str = "",
    status: int = 200,
) -> Response:
    """The answer to an action: fragments for the script, a redirect back to the
    page for a plain form that worked, the page with the message for one that
    did not."""
    if wants_json(desk.request):
        body = {"status": "ok" if status < 400 else "error", "message": extra.message}
        body.update(_fragments(desk, entries, {e: extra for e in entries}))
        return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    if status >= 400:
        return _page(desk, status=status, extras={e: extra for e in entries},
                     notice=Notice(extra.message, "error"))  # fmt: skip
    query = urlencode({"show": desk.show, **notice})
    anchor = f"#s{at}" if at.isdigit() else ""
    return RedirectResponse(f"{desk.base}?{query}{anchor}", status_code=303)


def _conflict_extra(exc: ConflictError, text: str) -> Extra:
    conflict = exc.conflicts[0] if exc.conflicts else None
    return Extra(
        "Not saved: someone changed this segment since you loaded it.", "error", conflict, text
    )


@router.post("/articles/{slug}/{lang}/review/save")
def review_save(
    slug: str,
    lang: str,
    request: Request,
    app: State,
    csrf: FormStr = "",
    entry: FormStr = "",
    text: FormStr = "",
    rev: FormStr = "",
    needs_work: FormStr = "",
    show: FormStr = "all",
    at: FormStr = "",
) -> Response:
    gate = _open(request, app, slug, lang, csrf=csrf, show=show)
    if gate.desk is None:
        assert gate.response is not None
        return gate.response
    desk = gate.desk
    if not desk.can.edit:
        return refuse(request, 403, "your token may not edit this catalog")
    try:
        result = service.save_segment(
            app.ws, desk.slug, desk.lang, entry=entry, text=text, revision=rev,
            needs_work=bool(needs_work),
        )  # fmt: skip
    except ConflictError as exc:
        return _done(desk, entries={entry}, extra=_conflict_extra(exc, text), notice={},
                     status=409)  # fmt: skip
    except (InputError, NotFoundError) as exc:
        extra = Extra(f"Not saved: {exc}", "error", draft=text)
        return _done(desk, entries={entry}, extra=extra, notice={}, status=422)
    code = "saved" if result.updated else "unchanged"
    return _done(desk, entries={entry}, extra=Extra(_NOTICES[code]), notice={"notice": code}, at=at)


def _seen(values: list[str]) -> dict[str, str]:
    """``seen`` fields: "<hash of the text shown> <entry id>"."""
    out = {}
    for value in values:
        shown, _, entry = value.partition(" ")
        if len(shown) != 8 or not entry:
            raise InputError(f"seen {value[:60]!r}: expected '<text hash> <entry id>'")
        out[entry] = shown
    return out


@router.post("/articles/{slug}/{lang}/review/approve")
def review_approve(
    slug: str,
    lang: str,
    request: Request,
    app: State,
    csrf: FormStr = "",
    scope: FormStr = "segment",
    entry: FormStr = "",
    shown: FormStr = "",
    text: Annotated[str | None, Form(max_length=_MAX_TEXT)] = None,
    rev: FormStr = "",
    needs_work: FormStr = "",
    seen: FormList | None = None,
    show: FormStr = "all",
    at: FormStr = "",
) -> Response:
    gate = _open(request, app, slug, lang, csrf=csrf, show=show)
    if gate.desk is None:
        assert gate.response is not None
        return gate.response
    desk = gate.desk
    if not desk.can.approve:
        return refuse(request, 403, "your token may not approve this catalog")
    who = desk.viewer.token.name
    try:
        if scope == "clean":
            wanted = _seen(seen or [])
            report = service.approve_seen(
                app.ws, desk.slug, desk.lang, who=who, seen=wanted, only_clean=True
            )
            entries = set(wanted)
        else:
            _, report = service.approve_segment(
                app.ws, desk.slug, desk.lang, who=who, entry=entry, shown=shown, text=text,
                revision=rev or None, needs_work=bool(needs_work),
            )  # fmt: skip
            entries = {entry}
    except ConflictError as exc:
        return _done(desk, entries={entry}, extra=_conflict_extra(exc, text or ""), notice={},
                     status=409)  # fmt: skip
    except (InputError, NotFoundError) as exc:
        extra = Extra(f"Not approved: {exc}", "error", draft=text)
        return _done(desk, entries={entry} if entry else set(), extra=extra, notice={},
                     status=422)  # fmt: skip
    message = f"Approved {report.approved} segment{'s' if report.approved != 1 else ''}."
    if report.changed:
        message += f" {len(report.changed)} changed since you loaded the page and were left alone."
    status = 409 if scope != "clean" and report.changed else 200
    notice = {"notice": "approved", "n": str(report.approved), "changed": str(len(report.changed))}
    kind = "error" if status != 200 else "ok"
    return _done(desk, entries=entries, extra=Extra(message, kind), notice=notice, at=at,
                 status=status)  # fmt: skip


@router.post("/articles/{slug}/{lang}/review/publish")
def review_publish(
    slug: str, lang: str, request: Request, app: State, csrf: FormStr = "", show: FormStr = "all"
) -> Response:
    gate = _open(request, app, slug, lang, csrf=csrf, show=show)
    if gate.desk is None:
        assert gate.response is not None
        return gate.response
    desk = gate.desk
    if not desk.can.publish:
        return refuse(request, 403, "your token may not publish")
    try:
        built = service.publish(app.ws, desk.slug, desk.lang)
    except NotFoundError:
        return not_found(request)
    if built.published:
        extra = Extra(f"Published version {built.version}.")
        notice = {"notice": "published", "v": built.version}
    else:
        extra = Extra(f"Not published: {built.reason}.", "error")
        notice = {"notice": "not-published"}
    return _done(desk, entries=set(), extra=extra, notice=notice)
