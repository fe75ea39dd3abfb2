"""Plain-text news copy (``.txt``): guess each line's role from its shape, explainably.

Plain text has no markup, so structure is inferred line by line with rules that a
user can read back (``l10n add --explain`` prints :func:`classify`) and correct
with ``overrides``. No rule needs more than the line itself, a count made in one
pass and a little state carried forward (an open Table of Contents, an interview
section), so classification stays linear however long the document is
(:mod:`.lines`: the shape tests; :mod:`.classify`: the rules; :mod:`.document`: the
article, loaded on the first parse).

Each block's span is the line's translatable text only: bullets, speaker names,
indentation and line endings stay outside it, so they survive a rebuild untouched
and are never offered for translation. The page and ``article.md`` are generated
from the block types (the :class:`~l10n_service.core.formats.base.Format` defaults).
Plain text is the fallback format: what no other format claims is read as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....errors import ArticleError
from ...chosen import LocalizedSegment, block_texts
from ...model import Article, BlockType
from ..base import ExplainRow, Format, ParseOption, splice_blocks
from .classify import BLANK, DATELINE, KEYWORDS, LineInfo, classify

__all__ = ["BLANK", "DATELINE", "FORMAT", "KEYWORDS", "LineInfo", "TextFormat", "classify", "parse"]


def parse(
    source: str,
    *,
    slug: str,
    source_lang: str = "en",
    overrides: Mapping[int, BlockType] | None = None,
) -> Article:
    """Parse plain-text news copy into an :class:`Article`.

    ``overrides`` maps a 1-based line number to the block type it must have, for
    when a heuristic guessed wrong. Raises :class:`ArticleError` when no line holds
    anything to translate.
    """
    from .document import parse as parse_document

    return parse_document(source, slug=slug, source_lang=source_lang, overrides=overrides)


def _read_overrides(value: Any) -> dict[int, BlockType]:
    """``{line: type}`` from the command line (ints) or the settings (strings)."""
    if not isinstance(value, Mapping):
        raise ArticleError(f"bad block override: expected LINE=TYPE pairs, got {value!r}")
    try:
        return {int(line): BlockType(kind) for line, kind in value.items()}
    except ValueError as exc:
        raise ArticleError(f"bad block override: {exc}") from None


def _dump_overrides(value: Mapping[int, BlockType]) -> dict[str, str]:
    return {str(line): kind.value for line, kind in value.items()}


class TextFormat(Format):
    name = "text"
    label = "plain text"
    extensions = (".txt", ".text")
    media_types = ("text/plain",)
    fallback = True
    options = (
        ParseOption(
            "overrides",
            "block types forced on lines, {line number: block type} (l10n add --block)",
            read=_read_overrides,
            dump=_dump_overrides,
        ),
    )

    def detect(self, name: str, text: str) -> bool:
        return True  # any decoded text can be read line by line

    def parse(
        self, source: str, *, slug: str, source_lang: str, options: Mapping[str, Any]
    ) -> Article:
        return parse(source, slug=slug, source_lang=source_lang, overrides=options.get("overrides"))

    def explain(self, article: Article, options: Mapping[str, Any]) -> list[ExplainRow]:
        """Every paragraph (a line, or wrapped lines joined: ``12-14``) with the rule
        that decided what it is, and why its lines were joined."""
        from .classify import decide
        from .lines import scan

        rows = []
        _, units, decisions = decide(scan(article.source), options.get("overrides"))
        for unit, decision in zip(units, decisions, strict=True):
            info = decision.info
            if info.kind == BLANK:
                continue
            kind = info.kind + (f" {info.level}" if info.level else "")
            if info.speaker:
                kind += f" ({info.speaker})"
            where = f"{unit.number}-{unit.last}" if unit.parts else str(unit.number)
            rows.append(ExplainRow(where, kind, info.text, info.reason))
        return rows

    def rebuild(self, article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
        """The source's own line breaks where the source text is kept; a translated
        block of a hard-wrapped document re-wrapped at the document's width."""
        from .layout import Layout

        texts = block_texts(chosen)
        layout = Layout(article.source)
        return splice_blocks(article, lambda block: layout.text(block, texts))


FORMAT = TextFormat()
