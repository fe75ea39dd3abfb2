"""QA reporting: run the checks of :mod:`..core.checks` on catalog entries and
report findings per entry (``l10n check``, the QA endpoint, and the warnings an
import or an approval shows).

The checks themselves are pure functions of (source, translation); this module
only reads catalogs and glossaries and says which entry and state a finding is on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polib

from ..catalog.store import read_po
from ..core.checks import CheckContext, run_checks
from ..core.glossary import Glossary
from ..core.locales import normalize_locale
from ..core.post_edit import catalog_state
from ..errors import NotFoundError
from ..workspace import Workspace, load_glossary

__all__ = ["Issue", "check_catalog", "entry_issues"]


@dataclass(frozen=True)
class Issue:
    """A QA finding on one catalog entry."""

    slug: str
    lang: str
    entry: str
    state: str
    check: str
    severity: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _text(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return "\x00".join(v for _, v in sorted(entry.msgstr_plural.items()))
    return str(entry.msgstr)


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) per form: plural forms are checked against msgid_plural."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
    ]


def entry_issues(
    slug: str, lang: str, entry: polib.POEntry, glossary: Glossary | None = None
) -> list[Issue]:
    """Findings on one entry, each check and message once across plural forms."""
    context = CheckContext(frozenset(entry.flags), glossary or Glossary())
    state = catalog_state(
        _text(entry), entry.flags, entry.tcomment or "", entry.comment or ""
    ).value
    seen: dict[tuple[str, str], Issue] = {}
    for source, text in _pairs(entry):
        for finding in run_checks(source, text, context):
            issue = Issue(
                slug, lang, entry.msgctxt or entry.msgid[:60], state,
                finding.check, finding.severity.value, finding.message,
            )  # fmt: skip
            seen.setdefault((finding.check, finding.message), issue)
    return list(seen.values())


def check_catalog(ws: Workspace, slug: str, lang: str) -> list[Issue]:
    """QA findings on every translated entry of one catalog (machine output included:
    a reviewer wants to know before accepting it)."""
    lang = normalize_locale(lang)
    path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}")
    glossary = load_glossary(ws, lang)
    return [
        issue
        for entry in read_po(path)
        if not entry.obsolete and _text(entry).strip("\x00")
        for issue in entry_issues(slug, lang, entry, glossary)
    ]
