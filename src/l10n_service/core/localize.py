"""Choose the text shown for every segment of an article in one language.

The publish policy decides which catalog states may appear; anything else, and
any translation whose placeholders don't match its source, falls back to the
source sentence and is recorded as such, so a bundle never shows broken markup.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

from .model import Article, Block, Segment, SegmentState
from .tokens import TOKEN_RE, placeholder_problems

__all__ = ["POLICIES", "CatalogText", "LocalizedSegment", "localize", "rebuild_source"]

POLICIES: dict[str, frozenset[SegmentState]] = {
    "approved-only": frozenset({SegmentState.APPROVED}),
    "human": frozenset({SegmentState.APPROVED, SegmentState.TRANSLATED}),
    "machine-allowed": frozenset(
        {SegmentState.APPROVED, SegmentState.TRANSLATED, SegmentState.MACHINE}
    ),
}


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
) -> dict[str, LocalizedSegment]:
    """Per entry id, the text to show. In the source language every segment is original."""
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
        if reason or found is None:
            chosen[segment.entry_id] = LocalizedSegment(
                segment, segment.source, SegmentState.SOURCE_FALLBACK.value, reason=reason
            )
        else:
            chosen[segment.entry_id] = LocalizedSegment(
                segment, found.msgstr, found.state.value, found.provenance
            )
    return chosen


def _safe_html_text(masked: str) -> str:
    """Translator text spliced into HTML: escape everything but our own tokens, so a
    typed ``<script>`` shows as text instead of running."""
    out: list[str] = []
    pos = 0
    for match in TOKEN_RE.finditer(masked):
        out.append(html.escape(html.unescape(masked[pos : match.start()]), quote=False))
        out.append(match.group())
        pos = match.end()
    out.append(html.escape(html.unescape(masked[pos:]), quote=False))
    return "".join(out)


def block_texts(article: Article, chosen: Mapping[str, LocalizedSegment]) -> dict[str, str]:
    """Masked text per entry id, made safe for the article's own format."""
    texts: dict[str, str] = {}
    for entry_id, loc in chosen.items():
        if loc.state == "original" or loc.masked == loc.segment.source:
            continue
        texts[entry_id] = _safe_html_text(loc.masked) if article.format == "html" else loc.masked
    return texts


def rebuild_source(article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
    """The article in its own format with the chosen texts spliced in."""
    texts = block_texts(article, chosen)
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
