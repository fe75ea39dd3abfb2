"""Localized bundle renditions: the JSON document, an HTML5 page, Markdown.

Pure functions of (article, chosen texts, language): no clock, no randomness, so
an unchanged input renders to the same bytes.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import nh3
from babel.dates import format_datetime
from markdown_it import MarkdownIt

from .. import __version__
from .locales import direction, display_name
from .localize import QA_REASON_PREFIX, LocalizedSegment, block_text, rebuild_source
from .model import Article, Block, BlockType
from .tokens import restore

__all__ = [
    "BUNDLE_SCHEMA_VERSION",
    "bundle_document",
    "coverage_of",
    "render_html",
    "render_markdown",
]

BUNDLE_SCHEMA_VERSION = 1
_TAG = re.compile(r"<[^>]*>")


def _plain(text: str, fmt: str) -> str:
    """Visible text of a block (titles, Markdown from HTML)."""
    if fmt == "html":
        return html.unescape(_TAG.sub("", text)).strip()
    if fmt == "md":
        return re.sub(r"[*_`]|\[|\]\([^)]*\)", "", text).strip()
    return text.strip()


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


def coverage_of(article: Article, chosen: Mapping[str, LocalizedSegment]) -> dict[str, Any]:
    """Segments (occurrences, not entries) per state, and the share not shown in the
    source language: the number a minimum coverage is compared with."""
    counts = {"original": 0, "approved": 0, "translated": 0, "machine": 0, "source-fallback": 0}
    for _, segment in article.segments():
        state = chosen[segment.entry_id].state
        counts[state] = counts.get(state, 0) + 1
    total = sum(counts.values())
    shown = total - counts["source-fallback"]
    return {**counts, "total": total, "ratio": round(shown / total, 4) if total else 1.0}


def bundle_document(
    article: Article,
    lang: str,
    chosen: Mapping[str, LocalizedSegment],
    *,
    alternates: Sequence[str],
    policy: str,
    min_coverage: float | None = None,
) -> dict[str, Any]:
    blocks = []
    engines: set[str] = set()
    for block in article.blocks:
        segments = []
        for segment in block.segments:
            loc = chosen[segment.entry_id]
            if loc.state == "machine" and loc.provenance:
                engines.add(loc.provenance.split()[1] if " " in loc.provenance else loc.provenance)
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
    total = coverage["total"]
    title_block = next((b for b in article.blocks if b.type is BlockType.TITLE), None)
    title = _plain(block_text(title_block, chosen), article.format) if title_block else ""
    notices = []
    if coverage["machine"]:
        note = f"{coverage['machine']} of {total} segments are machine-translated"
        if any("pseudo" in e for e in engines):
            note += " by pseudo-localisation (not a real translation)"
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
    if article.format == "md":
        source = rebuild_source(article, chosen)
        source = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)
        body = MarkdownIt("commonmark", {"html": True}).enable("table").render(source)
    elif article.format == "html":
        source = rebuild_source(article, chosen)
        match = re.search(r"<body[^>]*>(.*)</body>", source, flags=re.S | re.I)
        body = match.group(1) if match else source
    else:
        body = _text_body(article, chosen)
    # The page may carry translator text: only known-safe tags and URL schemes survive.
    return nh3.clean(
        body, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
    )  # fmt: skip


def _segments_html(block: Block, chosen: Mapping[str, LocalizedSegment], source_lang: str) -> str:
    """A plain-text block as HTML; a sentence shown in the source language is marked
    with its own ``lang``/``dir``, so it reads (and is spoken) correctly even in the
    middle of a right-to-left page."""
    mark = (
        f'<span lang="{html.escape(source_lang.replace("_", "-"))}" dir="{direction(source_lang)}">'
    )
    parts = [block.separators[0]]
    for segment, sep in zip(block.segments, block.separators[1:], strict=True):
        loc = chosen[segment.entry_id]
        text = html.escape(restore(loc.masked, segment.legend))
        parts.append(f"{mark}{text}</span>" if loc.state == "source-fallback" else text)
        parts.append(sep)
    return "".join(parts).strip()


def _text_body(article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
    out: list[str] = []
    open_list = False
    for block in article.blocks:
        text = _segments_html(block, chosen, article.source_lang)
        if block.type is BlockType.TOC_ENTRY:
            if not open_list:
                out.append('<ul class="toc">')
                open_list = True
            out.append(f"<li>{text}</li>")
            continue
        if open_list:
            out.append("</ul>")
            open_list = False
        out.append(_text_block_html(block, text))
    if open_list:
        out.append("</ul>")
    return "\n".join(out)


def _text_block_html(block: Block, text: str) -> str:
    if block.type is BlockType.TITLE:
        return f"<h1>{text}</h1>"
    if block.type is BlockType.HEADING:
        level = min(max(block.level or 2, 2), 6)
        return f"<h{level}>{text}</h{level}>"
    if block.type is BlockType.QUESTION:
        return f'<p class="question"><strong>{text}</strong></p>'
    if block.type is BlockType.TURN:
        speaker = html.escape(block.attr.get("speaker", ""))
        return f'<p class="turn"><strong class="speaker">{speaker}:</strong> {text}</p>'
    if block.type is BlockType.QUOTE:
        return f"<blockquote><p>{text}</p></blockquote>"
    return f"<p>{text}</p>"


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
    """Markdown rendition: the rebuilt source for Markdown articles, generated otherwise."""
    if article.format == "md":
        return rebuild_source(article, chosen)
    lines: list[str] = []
    in_list = False
    for block in article.blocks:
        text = _md_inert(_plain(block_text(block, chosen), article.format))
        if block.type in (BlockType.TOC_ENTRY, BlockType.LIST_ITEM):
            lines.append(f"- {text}")
            in_list = True
            continue
        if in_list:
            lines.append("")
            in_list = False
        if block.type is BlockType.TITLE:
            lines.append(f"# {text}\n")
        elif block.type is BlockType.HEADING:
            lines.append(f"{'#' * min(max(block.level or 2, 2), 6)} {text}\n")
        elif block.type is BlockType.QUESTION:
            lines.append(f"**{text}**\n")
        elif block.type is BlockType.TURN:
            lines.append(f"**{block.attr.get('speaker', '')}:** {text}\n")
        elif block.type is BlockType.QUOTE:
            lines.append(f"> {text}\n")
        else:
            lines.append(f"{text}\n")
    return "\n".join(lines).rstrip() + "\n"


_MARKUP_START = re.compile(r"<(?=[A-Za-z/!?])")


def _md_inert(text: str) -> str:
    """Plain text made literal in Markdown: a tag-like ``<`` or a ``](`` (source or
    translation, after HTML entities were decoded) must not become markup there."""
    return _MARKUP_START.sub("&lt;", text).replace("](", "]\\(")


def dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
