"""Article formats: decode bytes, detect the format, parse into an :class:`Article`.

Each format module exposes ``parse(source: str, *, slug: str, source_lang: str) ->
Article`` and, optionally, ``explain``-friendly block types. Parsers find blocks and
inline markup (:class:`~l10n_service.core.inline.RawBlock`); the shared
:func:`~l10n_service.core.builder.build_article` does the rest.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import PurePath

from ...errors import ArticleError
from ..model import Article

__all__ = ["FORMATS", "decode_article", "detect_format", "parse_article", "parser_for"]

Parser = Callable[..., Article]

EXTENSIONS = {
    ".md": "md",
    ".markdown": "md",
    ".mdown": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".text": "text",
}
FORMATS = ("md", "html", "text")
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
    suffix = PurePath(name).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html", "<article", "<body", "<div", "<p>")):
        return "html"
    if head.startswith(("#", "---\n")):
        return "md"
    if suffix:
        raise ArticleError(
            f"{name}: unknown article format {suffix!r}; use --format md, html or text"
        )
    return "text"


_MODULES = {"md": "markdown", "html": "html", "text": "text"}


def parser_for(fmt: str) -> Parser:
    """The format's ``parse``, imported on first use (each parser pulls its own library)."""
    if fmt not in _MODULES:
        raise ArticleError(f"unknown article format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{_MODULES[fmt]}")
    parse: Parser = module.parse
    return parse


def parse_article(
    source: str, *, fmt: str, slug: str, source_lang: str = "en", **options: object
) -> Article:
    """``options`` go to the format's parser (e.g. ``front_matter_keys`` for md)."""
    return parser_for(fmt)(source, slug=slug, source_lang=source_lang, **options)
