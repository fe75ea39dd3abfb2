"""Where a long string may be cut when it is written: GNU gettext's line breaking.

msgcat wraps strings at 79 columns with libunistring's ``u8_width_linebreaks``
(UAX #14 line-breaking classes, East Asian widths). A field we render must break
where msgcat would, or a one-word edit would show up as a re-wrapped paragraph in a
translator's diff. Only the classes that text in catalogs uses are modelled; the
rest count as alphabetic.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["wrap_portion"]

# Unicode line-breaking classes (UAX #14), enough of them to break like libunistring
# does on the text catalogs hold. Anything not listed is AL (alphabetic).
_CLASS_OF_ASCII = {
    " ": "SP", "!": "EX", '"': "QU", "$": "PR", "%": "PO", "'": "QU", "(": "OP", ")": "CP",
    "+": "PR", ",": "IS", "-": "HY", ".": "IS", "/": "SY", ":": "IS", ";": "IS", "?": "EX",
    "[": "OP", "\\": "PR", "]": "CP", "{": "OP", "|": "BA", "}": "CL",
    **{d: "NU" for d in "0123456789"},
}  # fmt: skip
_CLASS_OF = {
    "\u00a0": "GL", "\u202f": "GL", "\u2007": "GL", "\u2011": "GL", "\u200b": "ZW",
    "\u2060": "WJ", "\ufeff": "WJ", "\u00ad": "BA", "\u2010": "BA", "\u2012": "BA",
    "\u2013": "BA", "\u2014": "B2", "\u3000": "BA", "\u1680": "BA", "\u205f": "BA",
    "\u00ab": "QU", "\u00bb": "QU", "\u2018": "QU", "\u2019": "QU", "\u201b": "QU",
    "\u201c": "QU", "\u201d": "QU", "\u201f": "QU", "\u2039": "QU", "\u203a": "QU",
    "\u00a1": "OP", "\u00bf": "OP", "\u2024": "IN", "\u2025": "IN", "\u2026": "IN",
    "\u00a2": "PO", "\u00b0": "PO", "\u2030": "PO", "\u2032": "PO", "\u2033": "PO",
    "\u00a3": "PR", "\u00a5": "PR", "\u00b1": "PR", "\u20ac": "PR", "\u2116": "PR",
    "\u2212": "PR", "\u060c": "IS", "\u060d": "IS", "\u037e": "IS", "\u0589": "IS",
    "\u061f": "EX", "\u06d4": "EX", "\u061b": "EX", "\u066a": "PO",
    "\u3001": "CL", "\u3002": "CL", "\uff0c": "CL", "\uff0e": "CL", "\u3009": "CL",
    "\u300b": "CL", "\u300d": "CL", "\u300f": "CL", "\u3011": "CL", "\u3015": "CL",
    "\u3017": "CL", "\u3019": "CL", "\u301b": "CL", "\uff09": "CL", "\uff3d": "CL",
    "\uff5d": "CL", "\uff63": "CL", "\u3008": "OP", "\u300a": "OP", "\u300c": "OP",
    "\u300e": "OP", "\u3010": "OP", "\u3014": "OP", "\u3016": "OP", "\u3018": "OP",
    "\u301a": "OP", "\uff08": "OP", "\uff3b": "OP", "\uff5b": "OP", "\uff62": "OP",
    "\uff01": "EX", "\uff1f": "EX", "\uff1a": "NS", "\uff1b": "NS", "\u30fb": "NS",
    "\u30fc": "NS", "\u3005": "NS", "\u303b": "NS", "\u301c": "NS", "\u30a0": "NS",
    "\u309b": "NS", "\u309c": "NS", "\u309d": "NS", "\u309e": "NS", "\u30fd": "NS",
    "\u30fe": "NS", "\uff65": "NS", "\u301d": "OP", "\u301e": "CL", "\u301f": "CL",
}  # fmt: skip
_SMALL_KANA = set("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")


@lru_cache(maxsize=4096)
def _class(ch: str) -> str:
    found = _CLASS_OF.get(ch)
    if found:
        return found
    if ch in _SMALL_KANA:
        return "NS"
    code = ord(ch)
    if (
        0x2E80 <= code <= 0x2FFF
        or 0x3040 <= code <= 0x30FF
        or 0x3100 <= code <= 0x31EF
        or 0x3200 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xA000 <= code <= 0xA4CF
        or 0xAC00 <= code <= 0xD7A3
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFF60
        or 0x1F300 <= code <= 0x1FAFF
        or 0x20000 <= code <= 0x3FFFD
    ):
        return "ID"
    category = unicodedata.category(ch)
    if category in ("Mn", "Mc", "Me"):
        return "CM"
    if category == "Nd":
        return "NU"
    if 0x05D0 <= code <= 0x05FF:
        return "HL"
    return "AL"


@lru_cache(maxsize=4096)
def _width(ch: str) -> int:
    if ch < "\u0300":
        return 1 if ch >= " " else 0
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


_NO_BREAK_BEFORE = {"CL", "CP", "EX", "IS", "SY"}  # LB13
_NO_BREAK_BEFORE_LATE = {"QU", "BA", "HY", "NS", "IN"}  # LB19-LB22, after LB18 (SP ÷)
_NO_BREAK_PAIRS = {
    ("CL", "PO"), ("CP", "PO"), ("CL", "PR"), ("CP", "PR"), ("NU", "PO"), ("NU", "PR"),
    ("PO", "OP"), ("PO", "OPW"), ("PO", "NU"), ("PR", "OP"), ("PR", "OPW"), ("PR", "NU"),
    ("HY", "NU"), ("IS", "NU"), ("NU", "NU"), ("SY", "NU"), ("AL", "NU"), ("HL", "NU"),
    ("NU", "AL"), ("NU", "HL"), ("PR", "ID"), ("ID", "PO"), ("PR", "AL"), ("PR", "HL"),
    ("PO", "AL"), ("PO", "HL"), ("AL", "PR"), ("AL", "PO"), ("HL", "PR"), ("HL", "PO"),
    ("AL", "AL"), ("AL", "HL"), ("HL", "AL"), ("HL", "HL"), ("AL", "OP"), ("HL", "OP"),
    ("NU", "OP"), ("CP", "AL"), ("CP", "HL"), ("CP", "NU"), ("SY", "HL"),
}  # fmt: skip


def _class_at(chars: str, j: int) -> str:
    """Line-breaking class of ``chars[j]``; combining marks take their base's class
    (LB9) or become alphabetic after a space (LB10, where libunistring breaks)."""
    ch = chars[j]
    if ch < "\x80":
        return _CLASS_OF_ASCII.get(ch, "AL")
    cls = _class(ch)
    if cls == "CM":
        k = j - 1
        while k >= 0 and _class(chars[k]) == "CM":
            k -= 1
        before = _class_at(chars, k) if k >= 0 else "SP"
        if before in ("SP", "ZW"):
            return "ALCM"
        return "CM" + before
    if cls == "OP" and _width(ch) == 2:
        return "OPW"  # LB30 keeps letters and wide brackets breakable
    return cls


def _can_break(chars: str, i: int) -> bool:
    """May a line break before character ``i`` (UAX #14 as libunistring applies it)?"""
    a, b = _class_at(chars, i - 1), _class_at(chars, i)
    if b[:2] == "CM":  # LB9: a mark stays with its base
        return False
    if a[:2] == "CM":
        a = a[2:]
    before_spaces = a
    if a == "SP":
        j = i - 2
        while j >= 0 and chars[j] == " ":
            j -= 1
        if j < 0:  # leading spaces: nothing breaks at the start of a line
            return False
        before_spaces = _class_at(chars, j)
        if before_spaces[:2] == "CM":
            before_spaces = before_spaces[2:]
    if b == "SP" or b == "ZW":  # LB7
        return False
    if b == "ALCM":
        if a == "SP":
            return True
        b = "AL"
    if a == "ALCM":
        a = "AL"
    if before_spaces == "ALCM":
        before_spaces = "AL"
    if before_spaces == "ZW":  # LB8
        return True
    if a == "WJ" or b == "WJ" or a == "GL":  # LB11, LB12
        return False
    if b == "GL" and a not in ("SP", "BA", "HY"):  # LB12a
        return False
    if b in _NO_BREAK_BEFORE:  # LB13
        return False
    if before_spaces in ("OP", "OPW"):  # LB14
        return False
    if before_spaces == "QU" and b in ("OP", "OPW"):  # LB15
        return False
    if b == "NS" and (a in ("CL", "CP") or before_spaces == "CL"):  # LB16 (CP SP* NS breaks)
        return False
    if before_spaces == "B2" and b == "B2":  # LB17
        return False
    if a == "SP":  # LB18
        return True
    if a == "QU" or b in _NO_BREAK_BEFORE_LATE:  # LB19, LB21, LB22
        return False
    if (a, b) in _NO_BREAK_PAIRS:  # LB23-LB30
        return False
    # LB21a: no break after a hyphen that follows a Hebrew letter
    return not (a in ("HY", "BA") and i >= 2 and _class_at(chars, i - 2) == "HL")


_ESCAPE_PAIR = re.compile(r"\\.")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def wrap_portion(
    portion: str, width: int, start_column: int, newline_end: bool, max_lines: int = 0
) -> list[str]:
    """Break one escaped portion into lines of at most ``width`` columns.

    Same result as libunistring's greedy ``u8_width_linebreaks``: each line ends at the
    last break opportunity that still fits, or, when none fits, at the first one after
    the limit. Only the opportunities near each limit are evaluated. With
    ``max_lines``, stops once that many lines are cut (the last holds the rest): a
    caller asking "does it fit on one line?" needs no more than two.
    """
    # Columns are character positions unless some character is wide or zero-width:
    # true of all ASCII and of most Latin, Cyrillic or Greek text, so only their
    # distinct characters are looked at, not every position.
    narrow = portion.isascii() or all(
        _width(ch) == 1 for ch in set(portion) if ch >= "\x80"
    )
    if narrow:
        columns = None
        total = len(portion)
    else:
        columns = [0]
        for ch in portion:
            columns.append(columns[-1] + (_width(ch) if ch >= "\x80" else 1))
        total = columns[-1]
    if start_column + total <= width:
        return [portion]
    # Never inside an escape sequence, nor right before the final \n.
    prohibited = {m.start() + 1 for m in _ESCAPE_PAIR.finditer(portion)}
    if newline_end:
        prohibited.add(len(portion) - 2)
    size = len(portion)

    def col(i: int) -> int:
        return i if columns is None else columns[i]

    def opportunity(i: int) -> bool:
        # Two ASCII letters or digits never break (LB28-LB30: AL/NU pairs), which
        # rules out most positions without the full rules.
        if portion[i - 1] in _WORD and portion[i] in _WORD:
            return False
        return i not in prohibited and _can_break(portion, i)

    lines: list[str] = []
    begin = 0
    offset = start_column
    while True:
        if offset + col(size) - col(begin) <= width or (max_lines and len(lines) + 1 >= max_lines):
            break
        # the last index q with offset + col(q) - col(begin) <= width
        limit = begin
        budget = width - offset + col(begin)
        if columns is None:
            limit = min(size, max(begin, budget))
        else:
            while limit < size and columns[limit + 1] <= budget:
                limit += 1
        cut = next((q for q in range(limit, begin, -1) if opportunity(q)), None)
        if cut is None:
            cut = next((q for q in range(limit + 1, size) if opportunity(q)), None)
            if cut is None:
                break
        lines.append(portion[begin:cut])
        begin = cut
        offset = 0
    lines.append(portion[begin:])
    return lines
