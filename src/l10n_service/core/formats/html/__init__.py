"""HTML articles (``.html``): find each translatable block's exact source span.

Tokens come from :mod:`.tokens` (Python's tolerant ``html.parser``), element roles
from :mod:`.structure`, blocks from one flat pass in :mod:`.extract`, the title and
the article from :mod:`.document`; they load on the first parse.

A *run* is a stretch of inline content (text, character references, inline tags)
between two block boundaries; each run with words becomes one block, typed by the
nearest enclosing element that has a type:

* ``title`` -> TITLE; ``h1``-``h6`` -> HEADING (level); the first ``h1`` is the
  TITLE when the document has no ``<title>`` (only one TITLE: its id is fixed);
* ``li`` -> LIST_ITEM (level = list item depth); ``blockquote`` -> QUOTE (level =
  quote depth); ``td``/``th`` -> TABLE_CELL;
* ``dt``, ``dd``, ``figcaption``, ``caption``, ``summary``, ``legend``, ``p`` and text
  directly inside ``div``/``section``/``article``/``body``... -> PARAGRAPH;
* ``alt`` and ``title`` attributes, and ``content`` of ``<meta name="description">``
  (and the og:/twitter: title and description) -> ATTRIBUTE, span = the quoted value,
  character references kept as written. An attribute on a tag *inside* a run with
  words cannot be its own block without cutting the sentence (spans cannot overlap):
  an ``img``'s ``alt`` is then translated in place, between an open/close pair made of
  the rest of the tag; other attributes of such tags (``title``) stay untranslated.

Blocks carry ``("tag", name)``, the element that gave them their type (none for text
outside any element); ATTRIBUTE blocks also ``("attr", name)``, and ``("name", ...)``
for ``<meta>``.

Inline elements (``a``, ``em``, ``span``, unknown elements...) become Markup open /
close pieces with their exact tag text; ``br``, ``img``, ``wbr``, ``input``, comments,
numeric character references and the whole of ``code``/``kbd``/``samp``/``var``/``tt``
elements are atoms. Named character references (``&amp;``, ``&nbsp;``) stay in the
text as written, so a translator reads ``Q&amp;A`` rather than a bare placeholder;
numeric ones would be mangled by number protection (``&#<1/>;``), so they are atoms.

Page chrome (``nav``, the page's ``header``/``footer``, ``aside``, landmark roles,
"Prev | Home | Next" link bars: :mod:`.chrome`) is left out unless the article was
added with ``include_chrome``; it stays byte for byte in every rendition.

``script``, ``style``, ``pre``, ``template``, ``textarea``, ``svg``, ``math``,
``noscript``, embedded content, and elements with ``translate="no"`` or class
``notranslate`` are left untouched (an atom when inline).

Rebuilt and rendered: ``article.html`` is the rebuilt source; the page shows what
its ``<body>`` holds. In a translation, only the raw tags its source sentence has
survive; any other markup a translator typed becomes text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import nh3

from ...chosen import LocalizedSegment
from ...model import Article
from ..base import Format, ParseOption
from ..escape import SAFE_URL_SCHEMES, defuse_urls, inert_markup

__all__ = ["FORMAT", "HtmlFormat", "parse"]

_HEAD = ("<!doctype html", "<html", "<article", "<body", "<div", "<p>")
_TAG = re.compile(r"<[^>]*>")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)


def parse(
    source: str, *, slug: str, source_lang: str = "en", include_chrome: bool = False
) -> Article:
    """Parse an HTML article into blocks whose spans rebuild the source exactly;
    page chrome (:mod:`.chrome`) is left out unless ``include_chrome``."""
    from .document import parse as parse_document

    return parse_document(source, slug=slug, source_lang=source_lang, include_chrome=include_chrome)


def _read_flag(value: Any) -> bool:
    """A yes/no option from the command line (bool) or the settings (bool)."""
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


class HtmlFormat(Format):
    name = "html"
    label = "HTML"
    extensions = (".html", ".htm")
    media_types = ("text/html",)
    options = (
        ParseOption(
            "include_chrome",
            "keep page chrome (nav, page header/footer, aside, link bars) in the segments "
            "(l10n add --include-chrome)",
            read=_read_flag,
        ),
    )

    def detect(self, name: str, text: str) -> bool:
        return text.lstrip()[:512].lower().startswith(_HEAD)

    def parse(
        self, source: str, *, slug: str, source_lang: str, options: Mapping[str, Any]
    ) -> Article:
        return parse(
            source,
            slug=slug,
            source_lang=source_lang,
            include_chrome=options.get("include_chrome", False),
        )

    def clean_translation_piece(self, piece: str, *, allowed: frozenset[str], defuse: bool) -> str:
        # Entities first, so they cannot hide a tag or a scheme; then every "&" is
        # text again ("&amp;copy;" stays the five characters "&copy;", not "©").
        piece = html.unescape(piece)
        if defuse:
            piece = defuse_urls(piece)
        # nh3 keeps the source's own raw tags (without attributes) and writes
        # everything else as escaped text.
        return nh3.clean(
            inert_markup(piece.replace("&", "&amp;"), allowed), tags=set(allowed), attributes={},
            url_schemes=set(SAFE_URL_SCHEMES),
        )  # fmt: skip

    def plain(self, text: str) -> str:
        return html.unescape(_TAG.sub("", text)).strip()

    def render_body_html(self, article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
        source = self.rebuild(article, chosen)
        match = _BODY.search(source)
        return match.group(1) if match else source


FORMAT = HtmlFormat()
