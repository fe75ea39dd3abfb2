"""The values of the workspace index (``services/index.py``): a catalog's counts by
state, a status line, the whole-workspace status summary, one page of the article
list and the query that asked for it. Plain data, so the HTTP and CLI layers can
hold them without touching the index."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TypedDict

from ..errors import InputError
from .post_edit import WARN_SHARE, unmodified_share

__all__ = [
    "LIST_STATES", "ArticleEntry", "ArticlePage", "CatalogRow", "LanguageSummary", "ListQuery",
    "StatusFigures", "StatusRow", "StatusSummary",
]  # fmt: skip

# ``?state=`` of the article lists: untranslated, machine or fuzzy entries present;
# needs-review, machine or fuzzy ones; translated, nothing left to translate or
# review; approved, every entry approved; problem, an unreadable catalog.
LIST_STATES = (
    "untranslated", "machine", "fuzzy", "needs-review", "translated", "approved", "problem",
)  # fmt: skip


@dataclass(frozen=True)
class CatalogRow:
    slug: str
    lang: str
    untranslated: int
    machine: int
    fuzzy: int
    translated: int
    approved: int
    template_hash: str | None = None
    problem: str | None = None  # why the file could not be read (counts are 0 then)
    unmodified_machine: int = 0  # machine, translated or approved text equal to the MT output

    @property
    def total(self) -> int:
        return self.untranslated + self.machine + self.fuzzy + self.translated + self.approved

    @property
    def machine_share(self) -> float | None:
        """Unmodified machine output among the entries holding a translation."""
        return unmodified_share(
            self.unmodified_machine, self.machine + self.translated + self.approved
        )

    def status(self) -> StatusRow:
        """This catalog as a status line (every count carried over, so a field added
        to both cannot be forgotten at a call site)."""
        return StatusRow(
            self.slug, self.lang, self.total, self.untranslated, self.machine,
            self.translated, self.approved, self.fuzzy, self.unmodified_machine,
        )  # fmt: skip


@dataclass(frozen=True)
class StatusRow:
    """One line of ``l10n status`` and the API's catalog counts."""

    slug: str
    lang: str
    total: int
    untranslated: int
    machine: int
    translated: int
    approved: int
    fuzzy: int
    # Entries whose msgstr is still the engine's output (approved ones included).
    unmodified_machine: int = 0

    @property
    def done_ratio(self) -> float:
        return (self.translated + self.approved) / self.total if self.total else 1.0

    @property
    def machine_share(self) -> float | None:
        """Unmodified machine output among the entries holding a translation."""
        return unmodified_share(
            self.unmodified_machine, self.machine + self.translated + self.approved
        )

    @property
    def mostly_machine(self) -> bool:
        """More than ``WARN_SHARE`` of its translations are unmodified machine output
        (``(!)`` in ``l10n status``)."""
        share = self.machine_share
        return share is not None and share > WARN_SHARE

    @property
    def needs_attention(self) -> bool:
        """Entries left to translate or review, or mostly unmodified machine text:
        what the status summary counts and lists (the index's ``ATTENTION`` in SQL)."""
        return bool(self.untranslated or self.machine or self.fuzzy) or self.mostly_machine

    def to_dict(self) -> dict[str, object]:
        figures: StatusFigures = {"machine_share": self.machine_share}
        return {**asdict(self), **figures}


@dataclass(frozen=True)
class LanguageSummary:
    """One language of the whole-workspace status (``lang`` is ``all`` for the
    totals): entries by state summed over its catalogs, and how many of those
    catalogs need attention and why (one catalog may count under several reasons)."""

    lang: str
    catalogs: int  # one per article translated into the language
    untranslated: int
    machine: int
    translated: int
    approved: int
    fuzzy: int
    unmodified_machine: int
    to_translate: int  # catalogs with untranslated entries
    to_review: int  # catalogs with machine or fuzzy entries
    mostly_machine: int  # catalogs above WARN_SHARE of unmodified machine output
    attention: int  # catalogs with any of the above

    @property
    def total(self) -> int:
        return self.untranslated + self.machine + self.translated + self.approved + self.fuzzy

    @property
    def machine_share(self) -> float | None:
        """Unmodified machine output among the language's translated entries."""
        return unmodified_share(
            self.unmodified_machine, self.machine + self.translated + self.approved
        )

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "total": self.total, "machine_share": self.machine_share}


@dataclass(frozen=True)
class StatusSummary:
    """The whole-workspace ``l10n status``: per language, and the first catalogs
    needing attention (most outstanding entries first), a bounded read at any size."""

    articles: int  # every article; with languages asked for, those with a catalog in one
    languages: tuple[LanguageSummary, ...]
    attention: tuple[StatusRow, ...]  # the first ones, at most the limit asked for
    warned: tuple[StatusRow, ...]  # the first mostly-machine catalogs, (slug, lang) order

    @property
    def totals(self) -> LanguageSummary:
        """Every language together (the ``all`` line)."""
        fields = [f for f in LanguageSummary.__dataclass_fields__ if f != "lang"]
        sums = {f: sum(getattr(s, f) for s in self.languages) for f in fields}
        return LanguageSummary("all", **sums)

    @property
    def catalogs(self) -> int:
        return sum(s.catalogs for s in self.languages)

    def to_dict(self) -> dict[str, object]:
        """``summary`` in ``l10n status --json`` (the catalogs are listed beside it)."""
        return {
            "articles": self.articles,
            "languages": [s.to_dict() for s in self.languages],
            "totals": self.totals.to_dict(),
        }


class StatusFigures(TypedDict):
    """What :meth:`StatusRow.to_dict` adds to the fields (the HTTP schema is built
    from both, see ``http.schemas``)."""

    machine_share: float | None


@dataclass(frozen=True)
class ArticleEntry:
    slug: str
    title: str
    format: str | None
    source_lang: str | None
    catalogs: tuple[CatalogRow, ...]


@dataclass(frozen=True)
class ListQuery:
    page: int = 1
    per_page: int = 50
    lang: str | None = None
    state: str | None = None
    q: str | None = None

    def __post_init__(self) -> None:
        if self.page < 1:
            raise InputError(f"page {self.page}: pages start at 1")
        if not 1 <= self.per_page <= 500:
            raise InputError(f"per_page {self.per_page}: use 1 to 500")
        if self.state is not None and self.state not in LIST_STATES:
            raise InputError(f"unknown state {self.state!r}: use one of {', '.join(LIST_STATES)}")


@dataclass(frozen=True)
class ArticlePage:
    query: ListQuery
    total: int  # articles matching the filters, all pages
    articles: tuple[ArticleEntry, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))
