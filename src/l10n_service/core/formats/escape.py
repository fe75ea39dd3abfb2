"""Escape rules the formats share: what makes a translator's text inert.

A translation is spliced into an article that browsers and Markdown renderers will
read, so text a translator typed must never become markup or a script URL there.
Each format picks the rules it needs in ``Format.clean_translation_piece``; these
are the pieces, written once.
"""

from __future__ import annotations

import html
import re

from ..tokens import TOKEN_RE

__all__ = [
    "SAFE_URL_SCHEMES",
    "UNSAFE_URL",
    "defuse_plain",
    "defuse_urls",
    "inert_markup",
    "markdown_inert",
    "mentions_script_url",
    "source_tags",
]

UNSAFE_URL = re.compile(r"(?:java|vb)script\s*:|data\s*:\s*text/html", re.I)
SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_MARKUP_START = re.compile(r"<(?=[A-Za-z/!?])")  # where an HTML parser would see a tag
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9:-]*)")
_RAW_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9:-]*)[^<>]*>")


def defuse_urls(text: str) -> str:
    """Drop script URL schemes (repeatedly: removing one may join another)."""
    while (cleaner := UNSAFE_URL.sub("", text)) != text:
        text = cleaner
    return text


def defuse_plain(text: str) -> str:
    """Script URL schemes out of plain text, entities included (``javascript&colon;``
    is a scheme once a renderer decodes it); text without one is left as it is."""
    decoded = html.unescape(text)
    return defuse_urls(decoded) if UNSAFE_URL.search(decoded) else text


def inert_markup(text: str, allowed: frozenset[str]) -> str:
    """Escape every ``<`` that would open markup, except tags the source itself has."""

    def escape(match: re.Match[str]) -> str:
        name = _TAG_NAME.match(text, match.start())
        return "<" if name and name[1].lower() in allowed else "&lt;"

    return _MARKUP_START.sub(escape, text)


def markdown_inert(text: str) -> str:
    """Plain text made literal in Markdown: a tag-like ``<`` or a ``](`` (source or
    translation, after HTML entities were decoded) must not become markup there."""
    return _MARKUP_START.sub("&lt;", text).replace("](", "]\\(")


def source_tags(source: str) -> frozenset[str]:
    """Names of the raw tags a masked source sentence itself has (a translation may
    keep those: they are the author's, not the translator's)."""
    return frozenset(m[1].lower() for m in _RAW_TAG.finditer(TOKEN_RE.sub(" ", source)))


def mentions_script_url(source: str) -> bool:
    """An article about JavaScript may say ``javascript:``; its translation may too."""
    return UNSAFE_URL.search(html.unescape(source)) is not None
