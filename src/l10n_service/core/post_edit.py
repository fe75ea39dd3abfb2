"""How much a person changed the machine output of an entry, and what that makes it.

Clearing ``fuzzy`` in a PO editor takes one keystroke, so the flags alone cannot
tell human work from machine output a translator waved through (or pseudo text
published as a translation). The catalog therefore keeps the machine text of each
entry next to its provenance, as one extracted-comment line::

    #. mt: engine=apertium kind=rule-based package=apertium-eng-spa ...
    #. mt.text:{"kind":"rule-based","text":"El\\u0020maratón\\u0020de..."}

The text is JSON so that line breaks and quotes survive in one comment line, with
its spaces and hyphens escaped too, so that PO writers that wrap long comments
there (polib does) leave it whole. The line starts with ``mt.text:`` (not ``mt:``)
so every reader of the provenance line keeps reading the first ``mt:`` line only.
It stays when a person edits the entry (the provenance line goes), so the edit can
be measured afterwards.

An entry whose msgstr still equals its machine text is *machine* output whatever
its flags say (Wikipedia's Content Translation counts unmodified MT the same
way); only an explicit approval of non-pseudo text makes it anything else, and
pseudo text is never a translation, approved or not. Catalogs written before the
text was kept still say it: an entry with the ``machine`` flag that still carries
its ``mt:`` line holds the machine output (an edit drops that line).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import SegmentState
from .provenance import PSEUDO, provenance_kind
from .states import MACHINE_FLAG, MT_COMMENT_PREFIX, entry_state

__all__ = [
    "MT_TEXT_PREFIX",
    "WARN_SHARE",
    "MachineOutput",
    "catalog_state",
    "counts_as_unmodified",
    "edit_ratio",
    "is_unmodified",
    "machine_output",
    "machine_text_line",
    "unmodified_share",
    "without_machine_text",
]

MT_TEXT_PREFIX = "mt.text:"
# Above this share of unmodified machine text a language is flagged (Content
# Translation warns at 50%).
WARN_SHARE = 0.5


@dataclass(frozen=True)
class MachineOutput:
    """The text an engine wrote for an entry, and what kind of output it was."""

    text: str
    kind: str | None = None  # a provenance kind; None when unknown

    @property
    def pseudo(self) -> bool:
        return self.kind == PSEUDO


# Escaped so the line holds no whitespace or hyphen (PO writers such as polib wrap
# long comments there, never inside a word) and nothing str.splitlines() breaks at.
_ESCAPES = str.maketrans(
    {c: f"\\u{ord(c):04x}" for c in " -\x0b\x0c\x1c\x1d\x1e\x85\xa0\u2028\u2029"}
)


def machine_text_line(text: str, kind: str | None) -> str:
    """The comment line that keeps ``text``: one line, whatever the text holds, and
    one word, so that no PO writer wraps it."""
    data = {"kind": kind, "text": text} if kind else {"text": text}
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return MT_TEXT_PREFIX + encoded.translate(_ESCAPES)


def without_machine_text(comment: str) -> list[str]:
    """The lines of an extracted comment, minus any machine-text line."""
    return [x for x in comment.split("\n") if not x.startswith(MT_TEXT_PREFIX)]


_BROKEN = MachineOutput("")  # a machine-text line nobody can read: no claim either way


def _recorded(comment: str) -> MachineOutput | None:
    for line in comment.split("\n"):
        if not line.startswith(MT_TEXT_PREFIX):
            continue
        try:
            data = json.loads(line[len(MT_TEXT_PREFIX) :])
        except ValueError:
            return _BROKEN
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            kind = data.get("kind")
            return MachineOutput(data["text"], kind if isinstance(kind, str) else None)
        return _BROKEN
    return None


def machine_output(
    msgstr: str,
    flags: Iterable[str],
    comment: str,
    kind_of: Callable[[str], str | None] = provenance_kind,
) -> MachineOutput | None:
    """The machine text of an entry: the recorded one, or for catalogs written before
    it was recorded, the msgstr itself while the entry is flagged ``machine`` and
    keeps its ``mt:`` line. ``kind_of`` reads the kind of such a line (the engine
    registry's reader also knows lines written before ``kind=`` existed)."""
    recorded = _recorded(comment)
    if recorded is _BROKEN:
        return None
    if recorded is not None:
        return recorded
    line = next((x for x in comment.splitlines() if x.startswith(MT_COMMENT_PREFIX)), None)
    if line is not None and MACHINE_FLAG in flags and msgstr:
        return MachineOutput(msgstr, kind_of(line))
    return None


def is_unmodified(msgstr: str, output: MachineOutput | None) -> bool:
    return output is not None and bool(msgstr) and msgstr == output.text


def counts_as_unmodified(state: SegmentState, msgstr: str, output: MachineOutput | None) -> bool:
    """Whether an entry in ``state`` shows the engine's text as it came: its machine
    text unchanged, or a machine entry whose machine text is unknown (a catalog made
    elsewhere: its flags are all there is). Fuzzy and empty entries show nothing."""
    if state not in (SegmentState.MACHINE, SegmentState.TRANSLATED, SegmentState.APPROVED):
        return False
    if output is None:
        return state is SegmentState.MACHINE
    return is_unmodified(msgstr, output)


def edit_ratio(machine: str, final: str) -> float:
    """How much of the machine text a person changed: the character edit distance
    over the longer text, 0 (untouched) to 1 (rewritten), rounded to 4 places."""
    from rapidfuzz.distance import Levenshtein  # only where a ratio is asked for

    return round(Levenshtein.normalized_distance(machine, final), 4)


def unmodified_share(unmodified: int, shown: int) -> float | None:
    """The share of entries holding a translation (machine, translated, approved)
    whose text is unmodified machine output; None when none holds one."""
    return round(unmodified / shown, 4) if shown else None


def catalog_state(
    msgstr: str, flags: Iterable[str], tcomment: str = "", comment: str = ""
) -> SegmentState:
    """The entry's state as publishing, status and approval see it: the flags'
    state (:func:`.states.entry_state`), except that unmodified machine output is
    machine unless a reviewer approved it, and unmodified pseudo text is machine
    even then."""
    flags = tuple(flags)
    state = entry_state(msgstr, flags, tcomment)
    if state not in (SegmentState.TRANSLATED, SegmentState.APPROVED):
        return state
    output = machine_output(msgstr, flags, comment)
    if output is None or not is_unmodified(msgstr, output):
        return state
    if state is SegmentState.APPROVED and not output.pseudo:
        return state
    return SegmentState.MACHINE
