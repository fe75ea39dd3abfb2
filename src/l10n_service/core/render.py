"""Localized bundle renditions: the JSON document, an HTML5 page, Markdown.

Pure functions of (article, chosen texts, language): no clock, no randomness, so
an unchanged input renders to the same bytes.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import nh3
from babel.dates import format_datetime

from .. import __version__
from .chosen import LocalizedSegment, block_text
from .formats.registry import get_format
from .locales import direction, display_name
from .localize import QA_REASON_PREFIX
from .model import Article, BlockType
from .post_edit import WARN_SHARE, unmodified_share
from .provenance import PSEUDO, provenance_field, provenance_kind

__all__ = [
    "BUNDLE_SCHEMA_VERSION",
    "bundle_document",
    "coverage_of",
    "render_html",
    "render_markdown",
]

BUNDLE_SCHEMA_VERSION = 1


def published_display(published: str | None, lang: str) -> str | None:
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return published
    return format_datetime(moment, format="long", locale=lang.replace("-", "_")).replace(
        "\u202f", " "
    )


_TRANSLATION_STATES = ("approved", "translated", "machine")


def _unmodified(loc: LocalizedSegment) -> bool:
    """Shown with the engine's text as it came: no edit measured, or a machine
    entry whose machine text is not known (a catalog made elsewhere)."""
    if loc.state not in _TRANSLATION_STATES:
        return False
    return loc.machine_edit == 0 or (loc.machine_edit is None and loc.state == "machine")


def coverage_of(article: Article, chosen: Mapping[str, LocalizedSegment]) -> dict[str, Any]:
    """Segments (occurrences, not entries) per state, and the share not shown in the
    source language: the number a minimum coverage is compared with. Also how many
    translated segments show unmodified machine output, and their share of the
    translated segments (0 when none is translated)."""
    counts = {"original": 0, "approved": 0, "translated": 0, "machine": 0, "source-fallback": 0}
    unmodified = 0
    for _, segment in article.segments():
        loc = chosen[segment.entry_id]
        counts[loc.state] = counts.get(loc.state, 0) + 1
        unmodified += _unmodified(loc)
    total = sum(counts.values())
    shown = total - counts["source-fallback"]
    translated = sum(counts[state] for state in _TRANSLATION_STATES)
    return {
        **counts,
        "total": total,
        "ratio": round(shown / total, 4) if total else 1.0,
        "unmodified_machine": unmodified,
        "machine_share": unmodified_share(unmodified, translated) or 0.0,
    }


_KIND_WORDS: dict[str, str] = {
    PSEUDO: "pseudo-localisation (not a real translation)",
    "rule-based": "rule-based MT (a readable gist)",
    "neural": "neural MT",
}


def _engines_phrase(engines: Mapping[tuple[str | None, str | None], int]) -> str:
    """ " by rule-based MT (a readable gist), engine apertium" for the (engine, kind)
    pairs the machine segments came from; "" when no provenance names any."""
    parts = []
    for (name, kind), _count in sorted(engines.items(), key=lambda kv: -kv[1]):
        words = [w for w in (_KIND_WORDS.get(kind or ""), f"engine {name}" if name else "") if w]
        if words:
            parts.append(", ".join(words))
    return " by " + " and ".join(parts) if parts else ""


def _notices(
    article: Article,
    chosen: Mapping[str, LocalizedSegment],
    coverage: Mapping[str, Any],
    engines: Mapping[tuple[str | None, str | None], int],
) -> list[str]:
    total = coverage["total"]
    notices = []
    if coverage["machine"]:
        note = f"{coverage['machine']} of {total} segments are machine-translated"
        notices.append(note + _engines_phrase(engines))
    if coverage["unmodified_machine"]:
        share = coverage["machine_share"]
        note = f"{share:.0%} of the translated segments are unmodified machine output"
        if share > WARN_SHARE:
            note += f" (more than {WARN_SHARE:.0%}: read this page as a machine translation)"
        notices.append(note)
    if coverage["source-fallback"]:
        note = f"{coverage['source-fallback']} of {total} segments are shown in the source language"
        qa = sum(
            1
            for _, s in article.segments()
            if chosen[s.entry_id].reason.startswith(QA_REASON_PREFIX)
        )
        if qa:
            note += f" ({qa} because their translation has QA errors)"
        notices.append(note)
    return notices


def bundle_document(
    article: Article,
    lang: str,
    chosen: Mapping[str, LocalizedSegment],
    *,
    alternates: Sequence[str],
    policy: str,
    min_coverage: float | None = None,
    kind_of: Callable[[str], str | None] = provenance_kind,
) -> dict[str, Any]:
    """The bundle.json document. ``kind_of`` reads what kind of machine output a
    provenance line describes (the service passes the engine registry's reader,
    which also knows lines written before ``kind=`` existed)."""
    blocks = []
    engines: Counter[tuple[str | None, str | None]] = Counter()
    for block in article.blocks:
        segments = []
        for segment in block.segments:
            loc = chosen[segment.entry_id]
            if loc.state == "machine" and loc.provenance:
                engines[provenance_field(loc.provenance, "engine"), kind_of(loc.provenance)] += 1
            item: dict[str, Any] = {
                "id": segment.path,
                "entry": segment.entry_id,
                "source": segment.source,
                "text": loc.masked,
                "state": loc.state,
            }
            if loc.provenance:
                item["provenance"] = loc.provenance
            if loc.reason:
                item["fallback_reason"] = loc.reason
            if loc.machine_edit is not None and loc.state in _TRANSLATION_STATES:
                item["machine_edit"] = loc.machine_edit
            segments.append(item)
        blocks.append(
            {
                "id": block.id,
                "type": block.type.value,
                "level": block.level,
                "attrs": block.attr,
                "text": block_text(block, chosen),
                "segments": segments,
            }
        )
    coverage = coverage_of(article, chosen)
    title_block = next((b for b in article.blocks if b.type is BlockType.TITLE), None)
    plain = get_format(article.format).plain
    title = plain(block_text(title_block, chosen)) if title_block else ""
    notices = _notices(article, chosen, coverage, engines)
    doc: dict[str, Any] = {
        "schema_version": BUNDLE_SCHEMA_VERSION,
        "generator": f"l10n-service {__version__}",
        "article": {
            "slug": article.slug,
            "title": title or article.title,
            "source_title": article.title,
            "source_lang": article.source_lang,
            "format": article.format,
            "published": article.published,
            "published_display": published_display(article.published, lang),
            "metadata": article.meta,
        },
        "lang": lang,
        "dir": direction(lang),
        "language_name": display_name(lang),
        "policy": policy,
        "alternates": [{"lang": alt, "href": f"../{alt}/index.html"} for alt in alternates],
        "notices": notices,
        "coverage": coverage,
        "blocks": blocks,
    }
    if min_coverage is not None:
        doc["min_coverage"] = min_coverage
    return doc


_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "section", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul",
}  # fmt: skip


# nh3's defaults plus the attributes a page needs that cannot run anything: direction
# and language marks for source text in a translated page, and our class names.
_ALLOWED_ATTRIBUTES = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "dir", "lang", "title"},
}


def _body_html(article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
    body = get_format(article.format).render_body_html(article, chosen)
    # The page may carry translator text: only known-safe tags and URL schemes survive.
    return nh3.clean(
        body, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
    )  # fmt: skip


def render_html(
    doc: Mapping[str, Any], article: Article, chosen: Mapping[str, LocalizedSegment]
) -> str:
    lang = doc["lang"]
    bcp47 = lang.replace("_", "-")
    meta = doc["article"]
    links = "\n".join(
        f'  <link rel="alternate" hreflang="{html.escape(a["lang"].replace("_", "-"))}" '
        f'href="{html.escape(a["href"])}">'
        for a in doc["alternates"]
    )
    notices = "".join(
        f'<p class="notice" role="note" lang="en" dir="ltr">{html.escape(n)}</p>\n'
        for n in doc["notices"]
    )
    published = ""
    if meta["published"]:
        published = (
            f'<p class="published"><time datetime="{html.escape(meta["published"])}">'
            f"{html.escape(meta['published_display'] or '')}</time></p>"
        )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(bcp47)}" dir="{doc["dir"]}">\n'
        "<head>\n"
        '  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"  <title>{html.escape(meta['title'])}</title>\n"
        f"{links}\n"
        "  <style>body{max-width:42rem;margin:2rem auto;padding:0 1rem;font-family:system-ui,"
        "sans-serif;line-height:1.5}.notice{background:#fff3cd;padding:.5rem 1rem;"
        "border-radius:4px}.turn .speaker{font-weight:600}</style>\n"
        "</head>\n"
        "<body>\n"
        f"{notices}{published}\n"
        f"<article>\n{_body_html(article, chosen)}\n</article>\n"
        "</body>\n"
        "</html>\n"
    )


def render_markdown(article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
    """Markdown rendition: the rebuilt source for Markdown articles, generated otherwise
    (each format decides: ``Format.render_markdown``)."""
    return get_format(article.format).render_markdown(article, chosen)


def dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
