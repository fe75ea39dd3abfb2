"""Choose the text shown for every segment of an article in one language.

The publish policy decides which catalog states may appear; anything else, any
translation whose placeholders don't match its source, and any translation with a
QA error (under every policy: an error nobody looked at is not published because
its state allows it) falls back to the source sentence and is recorded as such, so
a bundle never shows broken markup or an unreviewed link.

A translation chosen is made safe for the article's format here, once, so every
rendition (bundle.json, the page, Markdown, the rebuilt article) carries the same
text: the source's inline markup comes back only through its placeholders, any
markup the translator typed stays inert text, and script URLs are removed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import nh3

from .model import Article, Block, Segment, SegmentState
from .tokens import TOKEN_RE, placeholder_problems

__all__ = [
    "POLICIES",
    "QA_REASON_PREFIX",
    "CatalogText",
    "LocalizedSegment",
    "QaErrors",
    "localize",
    "rebuild_source",
    "sanitize_translation",
]

POLICIES: dict[str, frozenset[SegmentState]] = {
    "approved-only": frozenset({SegmentState.APPROVED}),
    "human": frozenset({SegmentState.APPROVED, SegmentState.TRANSLATED}),
    "machine-allowed": frozenset(
        {SegmentState.APPROVED, SegmentState.TRANSLATED, SegmentState.MACHINE}
    ),
}


QA_REASON_PREFIX = "qa: "

# The names of the QA checks an entry fails with an error, asked only for a
# translation the policy would show; the caller runs the checks, so this module
# stays pure.
QaErrors = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class CatalogText:
    """What the catalog holds for one entry."""

    msgstr: str
    state: SegmentState
    provenance: str = ""


@dataclass(frozen=True)
class LocalizedSegment:
    segment: Segment
    masked: str  # the masked text chosen (translation or source)
    state: str  # a SegmentState value, or "original" in the source language
    provenance: str = ""
    reason: str = ""  # why a translation was not used


def localize(
    article: Article,
    lang: str,
    catalog: Mapping[str, CatalogText],
    policy: str = "machine-allowed",
    qa_errors: QaErrors | None = None,
) -> dict[str, LocalizedSegment]:
    """Per entry id, the text to show. In the source language every segment is original.

    ``qa_errors(entry_id)`` names the checks an entry fails; a translation with any
    falls back with the reason ``qa: urls, unsafe``. Only names: the findings quote
    the translation (the very URL that must not be published) and the reason is
    public in bundle.json; ``l10n check`` shows the details."""
    allowed = POLICIES[policy]
    chosen: dict[str, LocalizedSegment] = {}
    for segment in article.unique_segments():
        if lang == article.source_lang:
            chosen[segment.entry_id] = LocalizedSegment(segment, segment.source, "original")
            continue
        found = catalog.get(segment.entry_id)
        reason = ""
        if found is None or found.state is SegmentState.UNTRANSLATED:
            reason = "untranslated"
        elif found.state not in allowed:
            reason = f"{found.state.value} not allowed by policy {policy}"
        else:
            problems = placeholder_problems(segment.source, found.msgstr)
            if problems:
                reason = "; ".join(problems)
            elif qa_errors is not None and (errors := qa_errors(segment.entry_id)):
                reason = QA_REASON_PREFIX + ", ".join(errors)
        if reason or found is None:
            chosen[segment.entry_id] = LocalizedSegment(
                segment, segment.source, SegmentState.SOURCE_FALLBACK.value, reason=reason
            )
        else:
            safe = sanitize_translation(segment.source, found.msgstr, article.format)
            chosen[segment.entry_id] = LocalizedSegment(
                segment, safe, found.state.value, found.provenance
            )
    return chosen


_UNSAFE_URL = re.compile(r"(?:java|vb)script\s*:|data\s*:\s*text/html", re.I)
_MARKUP_START = re.compile(r"<(?=[A-Za-z/!?])")  # where an HTML parser would see a tag
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9:-]*)")
_RAW_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9:-]*)[^<>]*>")
_SAFE_URL_SCHEMES = {"http", "https", "mailto"}


def _defuse(text: str) -> str:
    """Drop script URL schemes (repeatedly: removing one may join another)."""
    while (cleaner := _UNSAFE_URL.sub("", text)) != text:
        text = cleaner
    return text


def _inert_markup(text: str, allowed: set[str]) -> str:
    """Escape every ``<`` that would open markup, except tags the source itself has."""

    def escape(match: re.Match[str]) -> str:
        name = _TAG_NAME.match(text, match.start())
        return "<" if name and name[1].lower() in allowed else "&lt;"

    return _MARKUP_START.sub(escape, text)


def _clean_piece(piece: str, fmt: str, allowed: set[str], defuse: bool) -> str:
    if fmt == "html":
        # Entities first, so they cannot hide a tag or a scheme; then every "&" is
        # text again ("&amp;copy;" stays the five characters "&copy;", not "©").
        piece = html.unescape(piece)
        if defuse:
            piece = _defuse(piece)
        # nh3 keeps the source's own raw tags (without attributes) and writes
        # everything else as escaped text.
        return nh3.clean(
            _inert_markup(piece.replace("&", "&amp;"), allowed), tags=allowed, attributes={},
            url_schemes=_SAFE_URL_SCHEMES,
        )  # fmt: skip
    if defuse:
        piece = _defuse(html.unescape(piece)) if _UNSAFE_URL.search(html.unescape(piece)) else piece
    if fmt == "md":  # a typed tag or autolink would be live HTML, and "](" a new link
        return _inert_markup(piece, allowed).replace("](", "]\\(")
    return piece


def sanitize_translation(source: str, translation: str, fmt: str) -> str:
    """The translation (masked) made safe to splice into an article of format ``fmt``.

    Placeholders are left alone (they are restored from the source's legend); the
    text between them is cleaned. Script URLs are dropped unless the source sentence
    itself mentions one (an article about JavaScript); plain text needs nothing else,
    because every HTML or Markdown rendition of it escapes it.
    """
    allowed = {m[1].lower() for m in _RAW_TAG.finditer(TOKEN_RE.sub(" ", source))}
    defuse = _UNSAFE_URL.search(html.unescape(source)) is None
    out: list[str] = []
    pos = 0
    for match in TOKEN_RE.finditer(translation):
        out.append(_clean_piece(translation[pos : match.start()], fmt, allowed, defuse))
        out.append(match.group())
        pos = match.end()
    out.append(_clean_piece(translation[pos:], fmt, allowed, defuse))
    return "".join(out)


def block_texts(chosen: Mapping[str, LocalizedSegment]) -> dict[str, str]:
    """Masked text per entry id where it differs from the source (already made safe
    for the article's format by :func:`localize`)."""
    return {
        entry_id: loc.masked
        for entry_id, loc in chosen.items()
        if loc.state != "original" and loc.masked != loc.segment.source
    }


def rebuild_source(article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
    """The article in its own format with the chosen texts spliced in."""
    texts = block_texts(chosen)
    parts: list[str] = []
    pos = 0
    for block in sorted(article.blocks, key=lambda b: b.span):
        start, end = block.span
        parts.append(article.source[pos:start])
        parts.append(block.text(texts))
        pos = end
    parts.append(article.source[pos:])
    return "".join(parts)


def block_text(block: Block, chosen: Mapping[str, LocalizedSegment]) -> str:
    return block.text({s.entry_id: chosen[s.entry_id].masked for s in block.segments})
