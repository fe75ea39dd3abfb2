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
from .localize import LocalizedSegment, block_text, rebuild_source
from .locales import direction, display_name
from .model import Article, Block, BlockType

__all__ = ["BUNDLE_SCHEMA_VERSION", "bundle_document", "render_html", "render_markdown"]

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


def bundle_document(
    article: Article,
    lang: str,
    chosen: Mapping[str, LocalizedSegment],
    *,
    alternates: Sequence[str],
    policy: str,
) -> dict[str, Any]:
    blocks = []
    counts = {"original": 0, "approved": 0, "translated": 0, "machine": 0, "source-fallback": 0}
    engines: set[str] = set()
    for block in article.blocks:
        segments = []
        for segment in block.segments:
            loc = chosen[segment.entry_id]
            counts[loc.state] = counts.get(loc.state, 0) + 1
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
    total = sum(counts.values())
    shown = total - counts["source-fallback"]
    title_block = next((b for b in article.blocks if b.type is BlockType.TITLE), None)
    title = _plain(block_text(title_block, chosen), article.format) if title_block else ""
    notices = []
    if counts["machine"]:
        note = f"{counts['machine']} of {total} segments are machine-translated"
        if any("pseudo" in e for e in engines):
            note += " by pseudo-localisation (not a real translation)"
        notices.append(note)
    if counts["source-fallback"]:
        notices.append(
            f"{counts['source-fallback']} of {total} segments are shown in the source language"
        )
    return {
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
        "coverage": {**counts, "total": total, "ratio": round(shown / total, 4) if total else 1.0},
        "blocks": blocks,
    }


_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "section", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul",
}  # fmt: skip


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
    return nh3.clean(body, tags=_ALLOWED_TAGS, url_schemes={"http", "https", "mailto"})


def _text_body(article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
    out: list[str] = []
    open_list = False
    for block in article.blocks:
        text = html.escape(block_text(block, chosen).strip())
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


def render_html(doc: Mapping[str, Any], article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
    lang = doc["lang"]
    bcp47 = lang.replace("_", "-")
    meta = doc["article"]
    links = "\n".join(
        f'  <link rel="alternate" hreflang="{html.escape(a["lang"].replace("_", "-"))}" '
        f'href="{html.escape(a["href"])}">'
        for a in doc["alternates"]
    )
    notices = "".join(f'<p class="notice">{html.escape(n)}</p>' for n in doc["notices"])
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
        text = _plain(block_text(block, chosen), article.format)
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


def dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"

