"""Which state a catalog entry is in, read from standard gettext fields only.

Everything lives in the .po file itself, so Poedit and msgmerge carry it along:
- ``#, fuzzy, machine``: machine output nobody has looked at yet;
- ``machine`` without ``fuzzy``: a translator accepted it (Poedit clears ``fuzzy``);
- ``# approved: NAME DATE [hash]``: a reviewer approved exactly this msgstr; the hash
  makes any later edit drop the entry back to translated without extra bookkeeping.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from .model import SegmentState

__all__ = [
    "APPROVAL_PREFIX",
    "MACHINE_FLAG",
    "MT_COMMENT_PREFIX",
    "approval_comment",
    "entry_state",
    "is_approved",
    "strip_approval",
]

MACHINE_FLAG = "machine"
FUZZY_FLAG = "fuzzy"
APPROVAL_PREFIX = "approved:"
MT_COMMENT_PREFIX = "mt:"
_APPROVAL = re.compile(r"^approved: (?P<who>\S+) (?P<when>\S+) \[(?P<hash>[0-9a-f]{8})\]$")


def text_hash(msgstr: str) -> str:
    return hashlib.sha256(msgstr.encode("utf-8")).hexdigest()[:8]


def approval_comment(who: str, when: str, msgstr: str) -> str:
    return f"{APPROVAL_PREFIX} {who} {when} [{text_hash(msgstr)}]"


def approval_of(tcomment: str, msgstr: str) -> tuple[str, str] | None:
    """(who, when) of a still-valid approval, else None."""
    for line in tcomment.splitlines():
        match = _APPROVAL.match(line.strip())
        if match and match["hash"] == text_hash(msgstr):
            return match["who"], match["when"]
    return None


def is_approved(tcomment: str, msgstr: str) -> bool:
    return approval_of(tcomment, msgstr) is not None


def strip_approval(tcomment: str) -> str:
    return "\n".join(
        line for line in tcomment.splitlines() if not line.strip().startswith(APPROVAL_PREFIX)
    )


def entry_state(msgstr: str, flags: Iterable[str], tcomment: str = "") -> SegmentState:
    flagset = set(flags)
    if not msgstr:
        return SegmentState.UNTRANSLATED
    if FUZZY_FLAG in flagset:
        return SegmentState.MACHINE if MACHINE_FLAG in flagset else SegmentState.FUZZY
    if is_approved(tcomment, msgstr):
        return SegmentState.APPROVED
    return SegmentState.TRANSLATED
