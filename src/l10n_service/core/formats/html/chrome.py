"""Page chrome: the parts of an HTML page that are the site's, not the article's.

A page saved from a site or a documentation set carries navigation around the text:
menus, the site banner and footer, sidebars, and "Prev | Home | Next" bars between
chapters. They are the same on every page, often generated, and translated (if at
all) with the site, so by default they are left out of the segments and kept byte
for byte in every rendition (``--include-chrome`` keeps them in). Two rules decide:

* **landmarks**, the elements and roles HTML-AAM maps to navigation landmarks:
  ``nav``, ``aside``, ``search``, ``role="navigation|banner|contentinfo|complementary|search"``,
  and ``header``/``footer`` of the *page* (not inside ``article``, ``aside``,
  ``main``, ``nav`` or ``section``, where they are the article's own byline);
* **link bars**: a block whose text is only navigation links and the names of the
  pages they lead to, with at least one such link. A navigation link says so itself
  (``rel="prev|next|up|home|..."`` or an ``accesskey``, as DocBook, Sphinx and most
  pagers write them); the names are this page's ``<title>`` and the titles of the
  ``<link rel="prev|next|up|home|...">`` elements in its head. So the DocBook bar
  "Prev | Chapter 1. ... | Next" goes, while a table of contents, whose links are
  ordinary ones, stays. ``<link>`` titles themselves name other documents: chrome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import unescape

__all__ = ["LinkBars", "is_landmark", "is_nav_link", "nav_title", "normal"]

_LANDMARK_TAGS = frozenset({"nav", "aside", "search"})
_PAGE_LANDMARK_TAGS = frozenset({"header", "footer"})
# header/footer inside these belong to the content around them (HTML-AAM).
_SECTIONING = ("article", "aside", "main", "nav", "section")
_LANDMARK_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
_NAV_RELS = frozenset(
    {"prev", "previous", "next", "up", "home", "first", "last", "start", "index", "contents"}
)

_Attrs = Sequence[tuple[str, str | None]]


def _get(attrs: _Attrs, name: str) -> str | None:
    return next((value for key, value in attrs if key == name), None)


def normal(text: str) -> str:
    """Text as a reader compares it: entities decoded, spacing and case ignored."""
    return " ".join(unescape(text).split()).casefold()


def is_landmark(tag: str, attrs: _Attrs, open_counts: Mapping[str, int]) -> bool:
    """Whether the element is a navigation landmark of the page (see the module)."""
    roles = set((_get(attrs, "role") or "").lower().split())
    if roles & _LANDMARK_ROLES or tag in _LANDMARK_TAGS:
        return True
    return tag in _PAGE_LANDMARK_TAGS and not any(open_counts[t] > 0 for t in _SECTIONING)


def _rels(attrs: _Attrs) -> set[str]:
    return set((_get(attrs, "rel") or "").lower().split())


def is_nav_link(tag: str, attrs: _Attrs) -> bool:
    """An ``<a>`` that says it leads to a neighbouring page."""
    return tag == "a" and (bool(_rels(attrs) & _NAV_RELS) or _get(attrs, "accesskey") is not None)


def nav_title(attrs: _Attrs) -> str | None:
    """The page a ``<link rel="next" title="...">`` names, normalised; else None."""
    title = _get(attrs, "title")
    return normal(title) if title and _rels(attrs) & _NAV_RELS else None


@dataclass
class _Bar:
    first_block: int  # index of the first block found inside the element
    links: int = 0
    other_words: bool = False


class LinkBars:
    """One entry per open block element: whether it is still a link bar. Pushed and
    popped with the extractor's stack, so deciding costs nothing per element."""

    def __init__(self) -> None:
        self._open: list[_Bar] = []

    def push(self, first_block: int) -> None:
        self._open.append(_Bar(first_block))

    def pop(self) -> int | None:
        """Close the innermost element: the index from which its blocks are chrome,
        or None when it is not a link bar. What it held counts for its parent."""
        bar = self._open.pop()
        if self._open:
            parent = self._open[-1]
            parent.links += bar.links
            parent.other_words |= bar.other_words
        return bar.first_block if bar.links and not bar.other_words else None

    def link(self) -> None:
        if self._open:
            self._open[-1].links += 1

    def words(self) -> None:
        """Text that is neither a navigation link nor a neighbouring page's name."""
        if self._open:
            self._open[-1].other_words = True
