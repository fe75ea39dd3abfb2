"""Markdown articles (``.md``): find each translatable block's exact source span.

The parser is markdown-it; :mod:`.source_map` maps what it parsed back onto the
source, :mod:`.inline` cuts inline content into text and verbatim markup,
:mod:`.front_matter` reads YAML front matter and :mod:`.document` walks the blocks.
They load on the first parse, not when the registry lists the formats.

What becomes what:

* first level-1 heading -> TITLE; other ATX/setext headings -> HEADING (level);
* paragraphs -> PARAGRAPH, or LIST_ITEM (level = list depth) / QUOTE (level = quote
  depth) after the innermost list item or block quote that holds them;
* GFM table cells -> TABLE_CELL;
* front matter (YAML ``---``, TOML ``+++``, JSON ``{}``) ``title``/``description``/
  ``summary``/``subtitle`` -> ATTRIBUTE with ``(("key", name),)`` when the syntax's
  parser reads a string there; span = the value without quotes; a translation is
  written as a new scalar of the syntax (:mod:`.front_matter`); the rest stays
  verbatim;
* emphasis, strong, strikethrough and links -> Markup open/close pairs, a link's
  ``](url "title")`` being its close (so link titles stay untranslated);
* images -> an ``![`` open / ``](src "title")`` close pair around the alt text, which
  is translated in the context of its sentence (a separate ATTRIBUTE block would have
  to cut the sentence in two, as block spans cannot overlap);
* shortcut/collapsed reference links (``[label]``, ``[label][]``) -> a pair too; their
  text is the label, so a translation closes with ``][label]`` (``Markup.translated``);
* code spans, autolinks, raw inline HTML, hard breaks, numeric character references
  and shortcut/collapsed reference images -> atoms;
* backslash escapes are read as the character (``\\&`` -> ``&``, ``Text.source``
  keeps the spelling); named entities stay as written (``&amp;``);
* code blocks, fences, HTML blocks, thematic breaks, link reference definitions -> no
  block.

Rebuilt and rendered: ``article.md`` is the rebuilt source; the page is that source
rendered by markdown-it (front matter left out). A translator's markup, links and
URLs stay literal text (see :meth:`MarkdownFormat.clean_translation_piece`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ...chosen import LocalizedSegment, block_texts
from ...model import Article
from ..base import Format, ParseOption
from ..escape import inert_markup

__all__ = ["FORMAT", "MarkdownFormat", "parse"]

_HEAD = ("#", "---\n", "+++\n")
# In a translator's text: an escape pair (kept as typed); a ``[`` (which could start
# a link, an image, a reference or a reference definition); a URL scheme's ``:`` or a
# ``www.`` (which GFM-style renderers turn into links); emphasis, code, strikethrough
# and table delimiters; what starts a heading, quote or list at a line's start; a
# dangling backslash (it would escape the placeholder's markup after it).
_LIVE = re.compile(
    r"(?P<pair>\\[!-/:-@\[-`{-~])"
    r"|(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*):(?=//)|(?P<www>\bwww)\.(?=\w)"
    r"|(?P<line>^[ \t]*)(?P<lead>[#>+=-]|\d{1,9}(?=[.)]))"
    r"|(?P<mark>[\[*`~|]|(?<!\w)_+|_+(?!\w))"
    r"|(?P<tail>\\\Z)",
    re.I | re.M,
)


def _literal_markdown(piece: str) -> str:
    """``piece`` escaped so that it renders as the very text typed: no link, image,
    emphasis, code span or block structure of the translator's own. Markdown
    escapes render as the character, so the page reads the same; the source's
    markup comes back through its placeholders."""

    def escape(match: re.Match[str]) -> str:
        if match["pair"]:
            return match["pair"]
        if match["scheme"]:
            return match["scheme"] + "\\:"
        if match["www"]:
            return match["www"] + "\\."
        if match["lead"] is not None:
            lead = match["lead"]
            if lead.isdigit():  # "2024. war" must not become an ordered list
                return match["line"] + lead + "\\"
            return match["line"] + "\\" + lead
        if match["mark"]:
            # A run of underscores is escaped whole: escaping only the last of
            # "0__" gives 0_\_, whose first underscore then stands before a
            # backslash, so a second pass escaped it too (not idempotent).
            return "".join("\\" + c for c in match["mark"])
        return "\\\\"

    return _LIVE.sub(escape, piece)


def _keys(value: Any) -> tuple[str, ...]:
    """Front matter keys, as a list or a comma-separated string."""
    items = value.split(",") if isinstance(value, str) else list(value)
    if not all(isinstance(item, str) for item in items):
        raise TypeError(f"expected key names, got {items!r}")
    return tuple(item.strip() for item in items if item.strip())


def parse(
    source: str,
    *,
    slug: str,
    source_lang: str = "en",
    front_matter_keys: Sequence[str] | None = None,
) -> Article:
    """Parse a Markdown article into blocks whose spans rebuild the source exactly.
    ``front_matter_keys`` are the translatable YAML keys (default: title,
    description, summary, subtitle); every other key is kept verbatim."""
    from .document import parse as parse_document

    return parse_document(
        source, slug=slug, source_lang=source_lang, front_matter_keys=front_matter_keys
    )


class MarkdownFormat(Format):
    name = "md"
    label = "Markdown"
    extensions = (".md", ".markdown", ".mdown")
    media_types = ("text/markdown", "text/x-markdown")
    options = (
        ParseOption(
            "front_matter_keys",
            "translatable YAML front matter keys (default: title, description, summary, "
            "subtitle); the rest stays verbatim",
            read=_keys,
            dump=list,
        ),
    )

    def detect(self, name: str, text: str) -> bool:
        return text.lstrip()[:512].lower().startswith(_HEAD)

    def parse(
        self, source: str, *, slug: str, source_lang: str, options: Mapping[str, Any]
    ) -> Article:
        return parse(
            source, slug=slug, source_lang=source_lang,
            front_matter_keys=options.get("front_matter_keys"),
        )  # fmt: skip

    def clean_translation_piece(self, piece: str, *, allowed: frozenset[str], defuse: bool) -> str:
        """A typed tag or autolink would be live HTML, and a ``[``, ``](``, a URL or a
        reference definition a new link. The source's raw tags are placeholders in a
        Markdown sentence, so a translator never needs to type one (``allowed`` is
        not used: an ``<a href>`` typed again would be a new link)."""
        piece = super().clean_translation_piece(piece, allowed=allowed, defuse=defuse)
        return _literal_markdown(inert_markup(piece, frozenset())).replace("](", "]\\(")

    def plain(self, text: str) -> str:
        # Parsed, not pattern-stripped: a bracket that is text (pseudo text's own
        # ``[...]``, a literal ``]``) stays and link/emphasis syntax goes, as a reader sees it.
        from markdown_it import MarkdownIt

        from .document import plain_text

        tokens = MarkdownIt("commonmark").parseInline(text)
        return plain_text(tokens[0].children or []) if tokens else ""

    def rebuild(self, article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
        """The generic splice for the body; the front matter is rewritten by its own
        syntax's rules (:func:`.front_matter.rebuilt_front_matter`)."""
        from .front_matter import rebuilt_front_matter

        texts = block_texts(chosen)
        head, pos = rebuilt_front_matter(article, texts)
        parts = [head]
        for block in sorted(article.blocks, key=lambda b: b.span):
            start, end = block.span
            if start < pos:
                continue
            parts += [article.source[pos:start], block.text(texts)]
            pos = end
        parts.append(article.source[pos:])
        return "".join(parts)

    def render_body_html(self, article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
        from markdown_it import MarkdownIt

        from .front_matter import find_region

        source = self.rebuild(article, chosen)
        region = find_region(article.source)
        if region is not None:  # the rebuilt head may be longer: find it again
            found = find_region(source)
            source = source[found.end :] if found is not None else source
        body: str = MarkdownIt("commonmark", {"html": True}).enable("table").render(source)
        return body

    def render_markdown(self, article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
        return self.rebuild(article, chosen)


FORMAT = MarkdownFormat()
