"""Quality checks on one translation, in the spirit of translate-toolkit's pofilter.

Each check is a small function of (source, translation, context) that raises
:class:`CheckFailure` when the translation is wrong in one specific way; the
registry gives it a name and a severity. Errors block approval, warnings are only
shown: a lost placeholder, injected markup or a changed number breaks or falsifies
a published page, while an odd length or a glossary term in another inflection
only deserves a second look.

Sources and translations are masked (``<1>``..``</1>``, ``<2/>``): our own markup,
URLs and numbers are placeholders, so "free text" below means the text between them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from .glossary import KEEP, Glossary
from .tokens import TOKEN_RE, placeholder_problems

__all__ = [
    "CHECKS",
    "Check",
    "CheckContext",
    "CheckFailure",
    "Finding",
    "Severity",
    "run_checks",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class CheckFailure(Exception):
    """Raised by a check with a message that says what is wrong."""


@dataclass(frozen=True)
class CheckContext:
    """What a check may need besides the two strings: gettext flags, the glossary."""

    flags: frozenset[str] = frozenset()
    glossary: Glossary = field(default_factory=Glossary)


@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    message: str


CheckFn = Callable[[str, str, CheckContext], None]


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    fn: CheckFn


CHECKS: dict[str, Check] = {}


def _register(name: str, severity: Severity) -> Callable[[CheckFn], CheckFn]:
    def add(fn: CheckFn) -> CheckFn:
        CHECKS[name] = Check(name, severity, fn)
        return fn

    return add


def run_checks(source: str, translation: str, context: CheckContext | None = None) -> list[Finding]:
    """Every registered check's complaint about ``translation``; none when it is empty
    (an untranslated entry has nothing to check)."""
    if not translation:
        return []
    ctx = context or CheckContext()
    findings = []
    for check in CHECKS.values():
        try:
            check.fn(source, translation, ctx)
        except CheckFailure as exc:
            findings.append(Finding(check.name, check.severity, str(exc)))
    return findings


def _free(masked: str) -> str:
    """The text between placeholders (each placeholder counts as a space)."""
    return TOKEN_RE.sub(" ", masked)


def _diff(want: Counter[str], got: Counter[str], what: str) -> None:
    missing, extra = want - got, got - want
    parts = []
    if missing:
        parts.append(f"missing {what} " + " ".join(sorted(missing.elements())))
    if extra:
        parts.append(f"{what} not in the source " + " ".join(sorted(extra.elements())))
    if parts:
        raise CheckFailure("; ".join(parts))


@_register("placeholders", Severity.ERROR)
def check_placeholders(source: str, translation: str, ctx: CheckContext) -> None:
    """Every placeholder exactly once and properly nested, or the page cannot be rebuilt."""
    problems = placeholder_problems(source, translation)
    if problems:
        raise CheckFailure("; ".join(problems))


_RAW_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9:-]*)[^<>]*>")


def _raw_tags(masked: str) -> Counter[str]:
    return Counter(f"<{m[1]}{m[2].lower()}>" for m in _RAW_TAG.finditer(_free(masked)))


@_register("markup", Severity.ERROR)
def check_markup(source: str, translation: str, ctx: CheckContext) -> None:
    """Raw inline tags: only those the source has, as many of each (so balanced too)."""
    _diff(_raw_tags(source), _raw_tags(translation), "tags")


# Characters a browser drops from a URL or a reader never sees: C0 controls (tab and
# newline included: the URL parser strips them anywhere), DEL, soft hyphen, zero-width
# and word-joiner characters, the byte order mark.
_INVISIBLE = dict.fromkeys(
    [*range(0x20), 0x7F, 0xAD, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF], None
)


def _decoded(text: str) -> str:
    """``text`` with HTML entities decoded until none is left (``&amp;#106;`` is two
    layers), so an encoded scheme or tag reads as what it becomes in a page."""
    for _ in range(4):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _as_browser_reads(text: str) -> str:
    """What a browser makes of ``text`` as a URL: entities decoded, compatibility
    forms folded (fullwidth letters), invisible characters and tab/newline removed.
    ``java&#x09;script:``, ``&#106;avascript:`` and ``ja\u200bvascript:`` all read
    ``javascript:``."""
    return unicodedata.normalize("NFKC", _decoded(text)).translate(_INVISIBLE)


_UNSAFE = (
    (re.compile(r"<\s*script", re.I), "a <script> tag"),
    (re.compile(r"<[^<>]{0,500}?\son[a-z]+\s*=", re.I), "an event handler attribute"),
    (re.compile(r"(?:java|vb)script\s*:", re.I), "a script URL"),
    (re.compile(r"data\s*:\s*(?:text/html|image/svg)", re.I), "a data: HTML or SVG URL"),
)


@_register("unsafe", Severity.ERROR)
def check_unsafe(source: str, translation: str, ctx: CheckContext) -> None:
    """Text that could run code if it ever reached a page unescaped, however it is
    spelled (entities, invisible characters, fullwidth letters). The renderer removes
    script URLs anyway; this says that the translation tried."""
    src, dst = _as_browser_reads(source), _as_browser_reads(translation)
    for pattern, what in _UNSAFE:
        if pattern.search(dst) and not pattern.search(src):
            raise CheckFailure(f"contains {what}")


_NUMBER = re.compile(r"\d+(?:[.,'\u00a0\u202f\u2009\u066b\u066c]\d+)*")


def _numbers(masked: str) -> Counter[str]:
    """Numbers by their digits, so 1,000 = 1.000 = ١٬٠٠٠ (separators and scripts vary);
    the digits of a character reference (``&#8217;``) are not a number anyone reads."""
    found: Counter[str] = Counter()
    for match in _NUMBER.finditer(_decoded(_free(masked))):
        found["".join(str(unicodedata.digit(ch)) for ch in match.group() if ch.isdigit())] += 1
    return found


@_register("numbers", Severity.ERROR)
def check_numbers(source: str, translation: str, ctx: CheckContext) -> None:
    """Digits in free text survive: a changed figure in a news story is a factual error."""
    _diff(_numbers(source), _numbers(translation), "numbers")


# Spellings of a link, found after _decoded and the invisible characters are removed
# (tab and newline stay: they end a URL in text, but inside a scheme a browser drops
# them, so the scheme part allows them): any ``scheme://`` in any case, with spaces
# or backslashes around ``:`` and ``//``; protocol-relative ``//host.tld``;
# ``www.``; ``mailto:`` and bare e-mail addresses.
_GAP = r"[\t\n\r]*"
_SEP = r"[\t\n\r ]*"
_URL = re.compile(
    rf"(?P<scheme>[a-z](?:{_GAP}[a-z0-9+.-]){{0,31}}){_SEP}:{_SEP}[/\\]{_GAP}[/\\]{_SEP}"
    r"(?P<rest>[^\s<>\"']+)"
    r"|(?<![\w:/\\.@-])[/\\]{2}(?P<host>[\w-]+(?:\.[\w-]+)+(?:[/?#:][^\s<>\"']*)?)"
    r"|(?<![\w./@-])(?P<www>www\.[^\s<>\"']+)"
    r"|(?:mailto:)?(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    re.I,
)
_URL_TEXT = {c: None for c in _INVISIBLE if chr(c) not in "\t\n\r"}


def _lower_host(address: str) -> str:
    host, sep, path = address.partition("/")
    return host.lower() + sep + path


def _url_key(match: re.Match[str]) -> str:
    """One spelling per link: scheme and host in lower case, gaps removed, so
    ``HTTPS://Example.org/a`` in the source and ``https://example.org/a`` in the
    translation are the same link."""
    if match["scheme"] is not None:
        scheme = re.sub(r"\s", "", match["scheme"]).lower()
        return f"{scheme}://{_lower_host(match['rest'])}"
    if match["host"] is not None:
        return f"//{_lower_host(match['host'])}"
    if match["www"] is not None:
        return _lower_host(match["www"])
    return str(match["email"]).lower()


def _urls(masked: str) -> Counter[str]:
    text = unicodedata.normalize("NFKC", _decoded(_free(masked))).translate(_URL_TEXT)
    return Counter(_url_key(m).rstrip(".,;:!?)") for m in _URL.finditer(text))


@_register("urls", Severity.ERROR)
def check_urls(source: str, translation: str, ctx: CheckContext) -> None:
    """URLs and e-mail addresses in free text are copied, never translated, and a
    translation adds none: whatever the spelling (``HTTPS://``, ``//host``,
    ``h&#116;tps://``, ``https : //``), a link the source does not have is one the
    reader would follow on the translator's word alone."""
    _diff(_urls(source), _urls(translation), "URLs")


def _mentions(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.I) is not None


@_register("glossary", Severity.WARNING)
def check_glossary(source: str, translation: str, ctx: CheckContext) -> None:
    """Agreed terms are used (a warning: inflection may legitimately change them)."""
    wrong = [
        f"{t.source!r} -> {t.target!r}"
        for t in ctx.glossary.entries
        if t.target != KEEP
        and _mentions(_free(source), t.source)
        and t.target.casefold() not in translation.casefold()
    ]
    if wrong:
        raise CheckFailure("glossary terms not used: " + ", ".join(wrong))


@_register("do-not-translate", Severity.ERROR)
def check_do_not_translate(source: str, translation: str, ctx: CheckContext) -> None:
    """Names the glossary marks with ``=`` appear exactly as in the source (MT already
    protects them; this catches a translator's edit)."""
    lost = [
        t.source
        for t in ctx.glossary.entries
        if t.target == KEEP and _mentions(_free(source), t.source) and t.source not in translation
    ]
    if lost:
        raise CheckFailure("must stay untranslated: " + ", ".join(repr(x) for x in lost))


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


@_register("untranslated", Severity.ERROR)
def check_untranslated(source: str, translation: str, ctx: CheckContext) -> None:
    """A long sentence copied unchanged is not a translation (short ones may be names)."""
    words = [w for w in _free(source).split() if any(ch.isalpha() for ch in w)]
    same = " ".join(_free(source).split()) == " ".join(_free(translation).split())
    if same and len(words) >= 3 and _letters(source) >= 20:
        raise CheckFailure("the translation is a copy of the source")


_RATIO_LIMITS = (0.2, 4.0)


@_register("length", Severity.WARNING)
def check_length(source: str, translation: str, ctx: CheckContext) -> None:
    """Far shorter or longer than the source usually means something was lost or added."""
    src, dst = len(_free(source).strip()), len(_free(translation).strip())
    if src < 10:
        return
    low, high = _RATIO_LIMITS
    ratio = dst / src
    if not low <= ratio <= high:
        raise CheckFailure(f"{ratio:.2g} times the length of the source")


def _edges(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


@_register("whitespace", Severity.WARNING)
def check_whitespace(source: str, translation: str, ctx: CheckContext) -> None:
    """Leading and trailing whitespace is layout, kept as in the source."""
    if _edges(source) != _edges(translation):
        raise CheckFailure("leading or trailing whitespace differs from the source")


_FINAL = {
    ".": "full stop", "。": "full stop", "।": "full stop", "۔": "full stop",
    "…": "ellipsis", "?": "question mark", "؟": "question mark", "？": "question mark",
    "!": "exclamation mark", "！": "exclamation mark", ":": "colon", "：": "colon",
    ";": "semicolon", "؛": "semicolon", ",": "comma", "،": "comma", "，": "comma",
}  # fmt: skip
_CLOSERS = ")]}\"'»”’›」』"


_END_TOKEN = re.compile(r"</?\d+/?>\Z")


def _final(masked: str) -> str | None:
    """The sentence's final punctuation, past placeholders, closing quotes and brackets."""
    text = masked
    while True:
        trimmed = _END_TOKEN.sub("", text.rstrip().rstrip(_CLOSERS))
        if trimmed == text:
            break
        text = trimmed
    if text.endswith("..."):
        return "ellipsis"
    return _FINAL.get(text[-1:]) if text else None


@_register("punctuation", Severity.WARNING)
def check_punctuation(source: str, translation: str, ctx: CheckContext) -> None:
    """A question stays a question: final punctuation matches (in the target's script)."""
    want, got = _final(source), _final(translation)
    if want != got:
        raise CheckFailure(f"ends with {got or 'no punctuation'}, the source with {want or 'none'}")


_PRINTF = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<pos>\d+\$)?[-#0 +']*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
    r"(?:hh|h|ll|l|L|q|j|z|t)?(?P<conv>[diouxXeEfFgGcrsa%])"
)


def _printf(text: str) -> tuple[Counter[str], list[str]]:
    """Named or positional conversions (order free), and plain ones (order fixed)."""
    free: Counter[str] = Counter()
    ordered: list[str] = []
    for m in _PRINTF.finditer(text):
        if m["conv"] == "%":
            continue
        if m["key"] is not None or m["pos"]:
            free[m.group()] += 1
        else:
            ordered.append(m.group())
    return free, ordered


@_register("printf", Severity.ERROR)
def check_printf(source: str, translation: str, ctx: CheckContext) -> None:
    """``c-format``/``python-format`` entries keep their conversions (a crash otherwise)."""
    if not ctx.flags & {"c-format", "python-format"}:
        return
    (want_free, want_seq), (got_free, got_seq) = _printf(source), _printf(translation)
    _diff(want_free, got_free, "format specifiers")
    if want_seq != got_seq:
        raise CheckFailure(
            f"format specifiers {' '.join(got_seq) or 'none'} differ from the source's "
            f"{' '.join(want_seq) or 'none'} (reorder only with %1$s or %(name)s)"
        )


_BRACE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def _brace_fields(text: str) -> Counter[str]:
    return Counter("{" + m[1] + "}" for m in _BRACE.finditer(text) if m[1] is not None)


@_register("brace-format", Severity.ERROR)
def check_brace_format(source: str, translation: str, ctx: CheckContext) -> None:
    """``python-brace-format`` entries keep their ``{fields}``."""
    if "python-brace-format" in ctx.flags:
        _diff(_brace_fields(source), _brace_fields(translation), "format fields")
