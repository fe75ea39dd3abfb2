"""HTML elements by role, and what an open element means for the text inside it.

The element sets say which tags are blocks, which are skipped or captured whole, and
which implicitly close an open sibling (``<p>``, ``<li>``, table cells), the way an
HTML parser's tree builder would, without building a tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model import BlockType

__all__ = [
    "BLOCK",
    "CAPTURE",
    "HEADINGS",
    "SKIP",
    "VOID",
    "VOID_INLINE",
    "Context",
    "child_context",
    "implied_close",
]

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
VOID = frozenset(
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img",
        "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip
VOID_INLINE = frozenset({"br", "img", "input", "wbr"})
# Content never translated and never looked into.
SKIP = frozenset(
    {
        "audio", "canvas", "iframe", "listing", "math", "noembed", "noframes", "noscript",
        "object", "plaintext", "pre", "script", "select", "style", "svg", "template",
        "textarea", "video", "xmp",
    }
)  # fmt: skip
# Inline elements kept whole as one atom (code and its relatives).
CAPTURE = frozenset({"code", "kbd", "samp", "tt", "var"})
BLOCK = HEADINGS | frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "frameset", "head", "header", "hgroup",
        "html", "legend", "li", "main", "menu", "nav", "ol", "p", "search", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
    }
)  # fmt: skip
_PARAGRAPH_LIKE = frozenset({"caption", "dd", "dt", "figcaption", "legend", "summary"})
# Start tags that close an open <p> (HTML's "close a p element in button scope").
_CLOSES_P = (BLOCK - {"body", "caption", "head", "html", "td", "th", "title", "tr"}) | {
    "hr",
    "pre",
    "listing",
    "xmp",
    "plaintext",
}
_P_SCOPE = frozenset(
    {"applet", "button", "caption", "html", "marquee", "object", "table", "td", "template", "th"}
)


@dataclass(frozen=True, slots=True)
class Context:
    """What an open block element means for the text inside it. Computed once, when
    the element opens, so nothing ever walks the stack."""

    type: BlockType = BlockType.PARAGRAPH
    level: int = 0
    tag: str = ""
    typed: bool = False
    li_depth: int = 0
    quote_depth: int = 0
    # Stack index of the open element a new sibling start tag would close, or -1.
    open_p: int = -1
    open_li: int = -1
    open_dd: int = -1
    open_cell: int = -1
    open_row: int = -1


def _typed(parent: Context, tag: str) -> tuple[BlockType, int] | None:
    """The block type and level an element gives the text inside it, if any."""
    if tag in HEADINGS:
        return BlockType.HEADING, int(tag[1])
    if tag == "title":
        return BlockType.TITLE, 0
    if tag == "li":
        return BlockType.LIST_ITEM, parent.li_depth + 1
    if tag == "blockquote":
        return BlockType.QUOTE, parent.quote_depth + 1
    if tag in ("td", "th"):
        return BlockType.TABLE_CELL, 0
    if tag in _PARAGRAPH_LIKE:
        return BlockType.PARAGRAPH, 0
    return None


def child_context(parent: Context, tag: str, index: int) -> Context:
    """The context inside ``tag``: its own type, else the nearest typed ancestor's
    (``<li><p>`` is a list item, ``<blockquote><p>`` a quote)."""
    typed = _typed(parent, tag)
    if typed is not None:
        kind, level, name, is_typed = typed[0], typed[1], tag, True
    elif parent.typed:
        kind, level, name, is_typed = parent.type, parent.level, parent.tag, True
    else:
        kind, level, name, is_typed = BlockType.PARAGRAPH, 0, tag, False
    transparent = tag in ("div", "p", "address")
    return Context(
        type=kind,
        level=level,
        tag=name,
        typed=is_typed,
        li_depth=parent.li_depth + (tag == "li"),
        quote_depth=parent.quote_depth + (tag == "blockquote"),
        open_p=index if tag == "p" else -1 if tag in _P_SCOPE else parent.open_p,
        open_li=index if tag == "li" else parent.open_li if transparent else -1,
        open_dd=index if tag in ("dt", "dd") else parent.open_dd if transparent else -1,
        open_cell=index if tag in ("td", "th") else -1 if tag == "table" else parent.open_cell,
        open_row=index if tag == "tr" else -1 if tag == "table" else parent.open_row,
    )


def implied_close(context: Context, tag: str) -> int:
    """Stack index that opening ``tag`` closes (a sibling p, li, cell...), or -1."""
    candidates = [-1]
    if tag in _CLOSES_P:
        candidates.append(context.open_p)
    if tag == "li":
        candidates.append(context.open_li)
    if tag in ("dt", "dd"):
        candidates.append(context.open_dd)
    if tag in ("td", "th"):
        candidates.append(context.open_cell)
    if tag in ("tr", "tbody", "thead", "tfoot"):
        candidates.append(context.open_row)
    return min((c for c in candidates if c >= 0), default=-1)
