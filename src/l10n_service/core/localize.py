"""Choose the text shown for every segment of an article in one language.

The publish policy decides which catalog states may appear (the state the caller
reads with :func:`.post_edit.catalog_state`, so text that is still the engine's
output is machine under every policy, whatever its flags say); anything else, any
translation whose placeholders don't match its source, and any translation with a
QA error (under every policy: an error nobody looked at is not published because
its state allows it) falls back to the source sentence and is recorded as such, so
a bundle never shows broken markup or an unreviewed link.

A translation chosen is made safe for the article's format here, once, so every
rendition (bundle.json, the page, Markdown, the rebuilt article) carries the same
text: the source's inline markup comes back only through its placeholders, any
markup the translator typed stays inert text, and script URLs are removed (the
rules are the format's: ``Format.clean_translation_piece``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .chosen import LocalizedSegment, block_text, block_texts
from .formats.registry import get_format
from .model import Article, SegmentState
from .tokens import placeholder_problems

__all__ = [
    "POLICIES",
    "QA_REASON_PREFIX",
    "CatalogText",
    "LocalizedSegment",
    "QaErrors",
    "block_text",
    "block_texts",
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
    machine_edit: float | None = None  # see LocalizedSegment.machine_edit


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
    fmt = get_format(article.format)
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
            safe = fmt.sanitize_translation(segment.source, found.msgstr)
            chosen[segment.entry_id] = LocalizedSegment(
                segment, safe, found.state.value, found.provenance,
                machine_edit=found.machine_edit,
            )  # fmt: skip
    return chosen


def sanitize_translation(source: str, translation: str, fmt: str) -> str:
    """The translation (masked) made safe to splice into an article of format ``fmt``:
    the format's escape rules (:meth:`~.formats.base.Format.sanitize_translation`)."""
    return get_format(fmt).sanitize_translation(source, translation)


def rebuild_source(article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
    """The article in its own format with the chosen texts spliced in."""
    return get_format(article.format).rebuild(article, chosen)
