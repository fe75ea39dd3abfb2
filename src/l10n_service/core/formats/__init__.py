"""Article formats: decode bytes, find the format, parse into an :class:`Article`.

Each format is one :class:`~.base.Format` object (``markdown``, ``html``, ``text``
here) known to the registry (:mod:`.registry`). Parsers find blocks and inline markup
(:class:`~l10n_service.core.inline.RawBlock`); the shared
:func:`~l10n_service.core.builder.build_article` does the rest.
"""

from __future__ import annotations

from typing import Any

from ...errors import ArticleError
from ..model import Article
from .base import ExplainRow, Format, ParseOption
from .registry import (
    format_for,
    formats,
    get_format,
    names,
    names_phrase,
    register,
    registered,
    unregister,
)

__all__ = [
    "MAX_ARTICLE_BYTES",
    "ExplainRow",
    "Format",
    "ParseOption",
    "decode_article",
    "detect_format",
    "format_for",
    "formats",
    "get_format",
    "names",
    "names_phrase",
    "parse_article",
    "register",
    "registered",
    "unregister",
]

MAX_ARTICLE_BYTES = 20 * 1024 * 1024


def decode_article(data: bytes, name: str = "article") -> str:
    """UTF-8 text of an article, or an error that says exactly what is wrong."""
    if not data.strip():
        raise ArticleError(f"{name}: the file is empty")
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(
            f"{name}: {len(data)} bytes is over the {MAX_ARTICLE_BYTES} byte limit for an article"
        )
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{name}: looks like binary data (NUL byte), not an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(
            f"{name}: invalid UTF-8 at byte {exc.start} (line {line}): "
            f"0x{data[exc.start]:02x} cannot start or continue a character"
        ) from None
    return text


def detect_format(name: str, text: str) -> str:
    """The name of the format of ``text`` read from a file called ``name``."""
    return format_for(name, text).name


def parse_article(
    source: str, *, fmt: str, slug: str, source_lang: str = "en", **options: Any
) -> Article:
    """``options`` are the format's declared parse options (e.g. ``front_matter_keys``
    for md); one it does not declare is an :class:`ArticleError`."""
    return get_format(fmt).extract(source, slug=slug, source_lang=source_lang, options=options)
