"""Content negotiation: which published language, which media type, which ETag.

Header parsing is bounded before any work is done. Django's CVE-2023-23969 was an
``Accept-Language`` header of a few kilobytes that made ``parse_accept_lang_header``
burn CPU and memory on every request; here a header is cut to
:data:`MAX_ACCEPT_LANGUAGE` characters (at a comma, like Django's fix) and at most
:data:`MAX_LANGUAGE_ITEMS` entries are looked at, so a hostile header costs the
same as an ordinary one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale

__all__ = [
    "MAX_ACCEPT_LANGUAGE",
    "MAX_LANGUAGE_ITEMS",
    "etag_matches",
    "match_language",
    "negotiate_language",
    "parse_accept_language",
    "prefers_html",
]

MAX_ACCEPT_LANGUAGE = 500
MAX_LANGUAGE_ITEMS = 20
MAX_ACCEPT = 1000
MAX_ACCEPT_ITEMS = 30

# RFC 4647 language-range: primary subtag of 1-8 letters, then alphanumeric subtags.
_RANGE = re.compile(r"^(?:[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8}){0,6}|\*)$")
_QVALUE = re.compile(r"^[qQ]\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")


def _truncate(header: str, limit: int) -> str:
    """Cut at the last comma within ``limit`` so no half entry is parsed."""
    if len(header) <= limit:
        return header
    cut = header.rfind(",", 0, limit + 1)
    return header[:cut] if cut > 0 else ""


def _items(header: str, limit: int, max_items: int) -> list[tuple[str, float]]:
    """``(value, q)`` pairs of a comma list with ``;q=`` weights, best first.

    Entries with a malformed weight are dropped (RFC 9110 lets us ignore them);
    equal weights keep their order in the header.
    """
    out: list[tuple[int, str, float]] = []
    for index, item in enumerate(_truncate(header, limit).split(",", max_items)[:max_items]):
        value, *params = (p.strip() for p in item.split(";"))
        q = 1.0
        for param in params:
            if param[:1] in ("q", "Q"):
                match = _QVALUE.match(param)
                if match is None:
                    q = -1.0
                    break
                q = float(match.group(1))
        if value and q > 0:
            out.append((index, value, q))
    out.sort(key=lambda item: (-item[2], item[0]))
    return [(value, q) for _, value, q in out]


def parse_accept_language(header: str | None) -> list[str]:
    """Language ranges from ``Accept-Language``, best first, q=0 and junk removed."""
    if not header:
        return []
    return [
        value
        for value, _ in _items(header, MAX_ACCEPT_LANGUAGE, MAX_LANGUAGE_ITEMS)
        if _RANGE.match(value)
    ]


@lru_cache(maxsize=1024)
def _chain(tag: str) -> tuple[str, ...]:
    """Fallback chain of a language range, most specific first, babel-normalised:
    ``pt-BR`` -> (pt_BR, pt); ``zh-TW`` -> (zh_Hant_TW, zh_Hant, zh)."""
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError, TypeError):
        primary = re.split(r"[-_]", tag, maxsplit=1)[0].lower()
        return (primary,) if 2 <= len(primary) <= 3 else ()
    chain = [str(locale)]
    if locale.script and locale.territory:
        chain.append(f"{locale.language}_{locale.script}")
    if locale.territory and not locale.script:
        chain.append(locale.language)
    chain.append(locale.language)
    return tuple(dict.fromkeys(chain))


def negotiate_language(
    accept_language: str | None, available: Sequence[str], source: str | None
) -> str | None:
    """Memoised :func:`_negotiate_language`: browsers send a handful of distinct
    headers, and babel's negotiation is the costliest step of a cached request."""
    return _negotiate_cached(accept_language, tuple(available), source)


@functools.lru_cache(maxsize=4096)
def _negotiate_cached(
    accept_language: str | None, available: tuple[str, ...], source: str | None
) -> str | None:
    return _negotiate_language(accept_language, available, source)


def _negotiate_language(
    accept_language: str | None, available: Sequence[str], source: str | None
) -> str | None:
    """The published language to serve, or None when nothing is published.

    For each range the client accepts, best first: the range itself, then its
    more general forms (pt-BR -> pt), matched by babel's ``negotiate_locale``
    (which also knows aliases such as ``de`` -> ``de_DE``); then any published
    regional variant of the same language (a ``pt`` reader gets ``pt_BR`` rather
    than English). ``*`` and no match at all give the article's source language.
    """
    if not available:
        return None
    fallback = source if source in available else sorted(available)[0]
    for tag in parse_accept_language(accept_language):
        if tag == "*":
            return fallback
        found = match_language(tag, available)
        if found is not None:
            return found
    return fallback


def match_language(tag: str, available: Sequence[str]) -> str | None:
    """The published language that serves a reader asking for ``tag``, or None: the
    tag itself, its more general forms (``de-CH`` -> ``de``), babel's aliases, then
    any regional variant of the same language (``pt`` -> ``pt_BR``). One chain for
    ``Accept-Language`` and for ``?lang=``, so a link and a browser agree."""
    chain = _chain(tag)
    if not chain:
        return None
    canonical = {code.lower(): code for code in available}
    found = negotiate_locale(list(chain), list(available), sep="_")
    if found is not None and found.lower() in canonical:
        return canonical[found.lower()]
    language = chain[-1]
    regional = sorted(c for c in available if c.split("_", 1)[0] == language)
    return regional[0] if regional else None


def _media_q(items: Iterable[tuple[str, float]], media_type: str) -> float:
    """The weight the client gives ``media_type``: the most specific match wins."""
    main = media_type.split("/", 1)[0]
    best: tuple[int, float] = (-1, 0.0)
    for value, q in items:
        pattern = value.split(";", 1)[0].strip().lower()
        if pattern == media_type:
            rank = 2
        elif pattern == f"{main}/*":
            rank = 1
        elif pattern == "*/*":
            rank = 0
        else:
            continue
        if rank > best[0]:
            best = (rank, q)
    return best[1]


@functools.lru_cache(maxsize=1024)
def prefers_html(accept: str | None) -> bool | None:
    """True for HTML, False for JSON, None when the client accepts neither.

    JSON wins ties and a missing header: this is an API first, and a browser,
    which lists ``text/html`` explicitly, still gets the page.
    """
    if not accept:
        return False
    items = _items(accept, MAX_ACCEPT, MAX_ACCEPT_ITEMS)
    html = max(_media_q(items, "text/html"), _media_q(items, "application/xhtml+xml"))
    json = _media_q(items, "application/json")
    if html <= 0 and json <= 0:
        return None
    return html > json


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: weak comparison, ``*`` matches any current file."""
    if not if_none_match:
        return False
    header = if_none_match[:MAX_ACCEPT]
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))
