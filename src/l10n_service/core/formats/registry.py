"""The article formats: one registry that every other part of the code asks.

Services (which file name, which parser), rendering, localisation, the HTTP API
(validation, the OpenAPI enum, upload media types) and the CLI (help, ``--explain``)
look formats up here; none of them names a format. Adding a format is one module
with a :class:`~l10n_service.core.formats.base.Format` subclass and one
:func:`register` call (or one line in ``_BUILTINS``).

The built-ins register on first use, not at import, so asking for the registry
stays cheap for commands that never read an article.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath

from ...errors import ArticleError
from .base import Format

__all__ = [
    "format_for",
    "formats",
    "get_format",
    "names",
    "names_phrase",
    "register",
    "registered",
    "unregister",
]

# The built-in formats, in the order they are asked to detect an article: each
# module of this package exposes its Format instance as ``FORMAT``.
_BUILTINS = ("markdown", "html", "text")

_formats: dict[str, Format] = {}
_lock = threading.Lock()
_loaded = False


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        for module in _BUILTINS:
            fmt = importlib.import_module(f"{__package__}.{module}").FORMAT
            _formats.setdefault(fmt.name, fmt)
        _loaded = True


def register(fmt: Format) -> Format:
    """Make ``fmt`` known by its name; registering another format under a taken name
    is a programming error (the first one would silently lose its articles)."""
    _load_builtins()
    with _lock:
        taken = _formats.get(fmt.name)
        if taken is not None and taken is not fmt:
            raise ValueError(f"an article format named {fmt.name!r} is already registered")
        if not fmt.extensions or not all(e.startswith(".") for e in fmt.extensions):
            raise ValueError(f"format {fmt.name!r}: extensions must look like '.md'")
        _formats[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    _load_builtins()
    with _lock:
        _formats.pop(name, None)


@contextmanager
def registered(fmt: Format) -> Iterator[Format]:
    """``fmt`` registered for the duration of a ``with`` block (tests, one-off tools)."""
    already = fmt in formats()
    register(fmt)
    try:
        yield fmt
    finally:
        if not already:
            unregister(fmt.name)


def formats() -> tuple[Format, ...]:
    """Every registered format, built-ins first, in registration order."""
    _load_builtins()
    return tuple(_formats.values())


def names() -> tuple[str, ...]:
    return tuple(fmt.name for fmt in formats())


def names_phrase() -> str:
    """``md, html or text``: the registered names for messages and help texts."""
    known = names()
    return known[0] if len(known) == 1 else f"{', '.join(known[:-1])} or {known[-1]}"


def get_format(name: str) -> Format:
    _load_builtins()
    fmt = _formats.get(name)
    if fmt is None:
        raise ArticleError(f"unknown article format {name!r}; choose one of {', '.join(names())}")
    return fmt


def format_for(filename: str, text: str) -> Format:
    """The format of an article: by extension, else by content, else the fallback
    format (plain text) for a file without an extension. A file whose extension no
    format claims and whose content none recognises is refused, not guessed at."""
    suffix = PurePath(filename).suffix.lower()
    every = formats()
    for fmt in every:
        if suffix in fmt.extensions:
            return fmt
    for fmt in every:
        if not fmt.fallback and fmt.detect(filename, text):
            return fmt
    fallback = next((fmt for fmt in every if fmt.fallback), None)
    if suffix or fallback is None:
        what = f"unknown article format {suffix!r}" if suffix else "unknown article format"
        raise ArticleError(f"{filename}: {what}; use --format {names_phrase()}")
    return fallback
