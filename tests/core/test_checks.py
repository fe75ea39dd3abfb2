"""QA checks: each registered check fires on its own kind of mistake, with its
severity, and stays quiet on a good translation."""

from __future__ import annotations

import pytest

from l10n_service.core.checks import CHECKS, CheckContext, Severity, run_checks
from l10n_service.core.glossary import parse_glossary

GLOSSARY = parse_glossary(["Pyongyang\t=", "marathon\tMarathon", "# a comment", ""])

# (check, source, bad translation, good translation, flags)
CASES = [
    ("placeholders", "Run <1>fast</1> now.", "Lauf schnell jetzt.", "Lauf <1>schnell</1>.", ()),
    ("placeholders", "A <1>b</1> <2/>.", "A </1>b<1> <2/>.", "A <1>b</1> <2/>.", ()),
    ("markup", "Hello there.", "Hallo <b>da</b>.", "Hallo da.", ()),
    ("unsafe", "Click here.", 'Klick <a href="javascript:alert(1)">hier</a>.', "Klick hier.", ()),
    ("unsafe", "See this.", "Siehe <img src=x onerror=alert(1)>.", "Siehe dies.", ()),
    ("numbers", "In 1990 we won 3 games.", "1991 gewannen wir 3 Spiele.",
     "1990 gewannen wir 3 Spiele.", ()),
    ("numbers", "It cost 1,500 won.", "Es kostete 1.600 Won.", "Es kostete 1.500 Won.", ()),
    ("urls", "Read www.example.org today.", "Lies heute.", "Lies heute www.example.org.", ()),
    ("glossary", "The marathon starts.", "Der Lauf beginnt.", "Der Marathon beginnt.", ()),
    ("do-not-translate", "Pyongyang hosts it.", "Phjöngjang richtet es aus.",
     "Pyongyang richtet es aus.", ()),
    ("untranslated", "The runners crossed the finish line together.",
     "The runners crossed the finish line together.", "Die Läufer kamen gemeinsam ins Ziel.", ()),
    ("length", "The runners crossed the finish line together.", "Ja.",
     "Die Läufer kamen gemeinsam ins Ziel.", ()),
    ("whitespace", "Hello world. ", "Hallo Welt.", "Hallo Welt. ", ()),
    ("punctuation", "Did they win?", "Haben sie gewonnen.", "Haben sie gewonnen?", ()),
    ("printf", "%(count)d runners from %s", "%(count)s Läufer", "%(count)d Läufer aus %s",
     ("python-format",)),
    ("printf", "%s beat %d", "%d schlug %s", "%s schlug %d", ("c-format",)),
    ("brace-format", "{name} won {count} medals", "{name} gewann Medaillen",
     "{name} gewann {count} Medaillen", ("python-brace-format",)),
]  # fmt: skip


def _names(source: str, text: str, flags: tuple[str, ...]) -> set[str]:
    context = CheckContext(frozenset(flags), GLOSSARY)
    return {f.check for f in run_checks(source, text, context)}


@pytest.mark.parametrize(("check", "source", "bad", "good", "flags"), CASES)
def test_check_fires_on_its_mistake_only(
    check: str, source: str, bad: str, good: str, flags: tuple[str, ...]
) -> None:
    assert check in _names(source, bad, flags)
    assert check not in _names(source, good, flags)


def test_severities() -> None:
    errors = {n for n, c in CHECKS.items() if c.severity is Severity.ERROR}
    assert errors == {
        "placeholders", "markup", "unsafe", "numbers", "urls", "do-not-translate",
        "untranslated", "printf", "brace-format",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("Did they win?", "هل فازوا؟"),  # Arabic question mark
        ("It ended.", "終わった。"),  # ideographic full stop
        ("It cost 1,500 won.", "كلف ١٬٥٠٠ وون."),  # Arabic-Indic digits and separator
        ("He said “go”.", "[Ĥéé šààíđ “ĝöö”.]"),  # pseudo-localisation brackets
        ("Run <1>fast</1>.", "Lauf <1>schnell.</1>"),  # punctuation inside a placeholder
        ("%d%% done", "%d%% fertig"),  # %% is not a conversion
    ],
)
def test_equivalents_across_scripts_pass(source: str, text: str) -> None:
    assert _names(source, text, ("c-format",)) == set()


def test_untranslated_entries_are_not_checked() -> None:
    assert run_checks("Hello <1>x</1>.", "") == []


# A link the source does not have, in every spelling a browser or a reader accepts.
ADDED_URLS = [
    "Lies HTTPS://EVIL.EXAMPLE/a heute.",
    "Lies Https://evil.example heute.",
    "Lies //evil.example/a heute.",
    "Lies \\\\evil.example heute.",
    "Lies h&#116;tps://evil.example heute.",
    "Lies https&#58;//evil.example heute.",
    "Lies &amp;#104;ttps://evil.example heute.",
    "Lies ht\ttps://evil.example heute.",
    "Lies https:\n//evil.example heute.",
    "Lies https : // evil.example heute.",
    "Lies h\u200bttps://evil.example heute.",
    "Lies ｈｔｔｐｓ：／／evil.example heute.",
    "Lies ftp://evil.example heute.",
    "Lies WWW.evil.example heute.",
    "Lies mailto:boss@evil.example heute.",
]


@pytest.mark.parametrize("text", ADDED_URLS)
def test_urls_catches_every_spelling_of_an_added_link(text: str) -> None:
    findings = run_checks("Read it today.", text)
    assert any(f.check == "urls" and "not in the source" in f.message for f in findings)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("Read https://example.org/A today.", "Lies HTTPS://Example.org/A heute."),
        ("Get it from //cdn.example.org/x.js.", "Hol es von //cdn.example.org/x.js."),
        ("Mail press@example.org now.", "Schreib jetzt an PRESS@example.org."),
        # Not links: paths, versions, file names, "and/or", comments.
        (
            "Use v1.2.3 and/or node.js with README.md.",
            "Nimm v1.2.3 und/oder node.js mit README.md.",
        ),
        ("Install Python 3.11.", "Installiere Python 3.11 // später mehr."),
    ],
)
def test_urls_accepts_copied_links_and_non_links(source: str, text: str) -> None:
    assert "urls" not in _names(source, text, ())


SCRIPT_URLS = [
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106avascript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&Tab;script:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "java&NewLine;script&colon;alert(1)",
    "&amp;#106;avascript:alert(1)",
    "java\u200bscript:alert(1)",
    "\x01javascript:alert(1)",
    "ｊａｖａｓｃｒｉｐｔ:alert(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("payload", SCRIPT_URLS)
def test_unsafe_sees_through_encodings(payload: str) -> None:
    assert "unsafe" in _names("Click here.", f"Klick {payload} hier.", ())
    # An article about the very thing may mention it, in any spelling.
    assert "unsafe" not in _names(f"Never type {payload} here.", f"Tippe nie {payload} hier.", ())


def test_java_script_as_two_words_is_not_a_script_url() -> None:
    assert "unsafe" not in _names("A Java guide.", "Ein Java script: Leitfaden.", ())
