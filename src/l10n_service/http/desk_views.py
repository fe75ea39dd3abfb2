"""HTML for the reviewer's desk: the Jinja environment, its filters, and the
static files (one stylesheet, one script) the pages load.

Every string a translator, a machine or a memory produced goes through nh3
(``clean_text``) before it reaches the page, and Jinja escapes everything else;
placeholders are drawn as marked-up chips built here from escaped pieces. The
pages carry no inline script or style, so the CSP below can forbid both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nh3
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..core.diff import Change, DiffPart
from ..core.locales import direction, display_name
from ..core.tokens import TOKEN_RE

__all__ = ["DESK_CSP", "PREVIEW_CSP", "STATIC", "StaticFile", "render"]

_PACKAGE = Path(__file__).resolve().parent.parent

# No inline script or style anywhere; scripts, styles and requests only to us;
# the preview may be framed by the desk and nothing else frames anything.
DESK_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# The preview is the bundle page itself (its own inline style, like HTML_CSP),
# shown in a sandboxed frame of the desk.
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)


def _clean(text: str) -> Markup:
    """nh3's escaping of a translator string. It also writes spaces and "=" as
    character references, for unquoted attributes; every attribute here is
    quoted, so those two go back to plain characters (a third of the page's size)."""
    return Markup(nh3.clean_text(text).replace("&#32;", " ").replace("&#61;", "="))


def masked(text: str, legend: tuple[tuple[str, str], ...] = ()) -> Markup:
    """Translator or source text with each placeholder drawn as a chip that says
    what it stands for (the link, the number, the markup)."""
    stands_for = dict(legend)
    out: list[str] = []
    pos = 0
    for match in TOKEN_RE.finditer(text):
        out.append(_clean(text[pos : match.start()]))
        token = match.group()
        title = stands_for.get(token)
        attrs = f' title="{_clean(title)}"' if title else ""
        out.append(f'<span class="ph"{attrs}>{_clean(token)}</span>')
        pos = match.end()
    out.append(_clean(text[pos:]))
    return Markup("".join(out))


def diff(parts: tuple[DiffPart, ...]) -> Markup:
    tags = {Change.INSERT: "ins", Change.DELETE: "del"}
    out = []
    for part in parts:
        tag = tags.get(part.change)
        text = masked(part.text)
        out.append(f"<{tag}>{text}</{tag}>" if tag else str(text))
    return Markup("".join(out))


def _tag(code: str) -> str:
    return code.replace("_", "-")


_env = Environment(
    loader=FileSystemLoader(_PACKAGE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(
    plain=_clean,
    masked=masked,
    diff=diff,
    tag=_tag,
    direction=direction,
    language=display_name,
    percent=lambda value: f"{float(value):.0%}",
)


def render(template: str, context: Mapping[str, Any]) -> str:
    return _env.get_template(template).render(**context)


def render_macro(template: str, name: str, *args: Any, **kwargs: Any) -> str:
    """One macro of a template, for the fragments the script swaps into the page."""
    macro = getattr(_env.get_template(template).module, name)
    return str(macro(*args, **kwargs))


@dataclass(frozen=True)
class StaticFile:
    data: bytes
    media_type: str
    etag: str


def _static(name: str, media_type: str) -> StaticFile:
    data = (_PACKAGE / "static" / name).read_bytes()
    return StaticFile(data, media_type, '"' + hashlib.sha256(data).hexdigest()[:32] + '"')


STATIC = {
    "desk.js": _static("desk.js", "text/javascript; charset=utf-8"),
    "desk.css": _static("desk.css", "text/css; charset=utf-8"),
}
