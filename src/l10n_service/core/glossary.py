"""Per-language glossaries: terms never to translate, and terms with a fixed translation.

File format (one per target language, ``glossary/<lang>.tsv`` in the workspace),
UTF-8, one term per line, ``#`` comments::

    Pyongyang<TAB>=            keep as is (names, brands)
    Kim Il-sung<TAB>=
    marathon<TAB>Marathon      always translate like this

Before MT, each term in a source sentence becomes a placeholder token, so the model
cannot mistranslate it; after MT the token becomes the kept term or its fixed
translation, and a token that did not survive makes that segment fail MT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .tokens import TOKEN_RE

__all__ = ["Glossary", "GlossaryEntry", "parse_glossary", "restore_terms"]

KEEP = "="


@dataclass(frozen=True)
class GlossaryEntry:
    source: str
    target: str  # KEEP means: leave the source term as it is

    @property
    def replacement(self) -> str:
        return self.source if self.target == KEEP else self.target


@dataclass(frozen=True)
class Glossary:
    entries: tuple[GlossaryEntry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def _pattern(self) -> re.Pattern[str] | None:
        if not self.entries:
            return None
        terms = sorted((e.source for e in self.entries), key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)")

    def protect(self, masked: str) -> tuple[str, dict[str, str]]:
        """Replace glossary terms by new ``<N/>`` tokens numbered after the existing ones;
        return the text and what each new token must become in the translation."""
        pattern = self._pattern()
        if pattern is None:
            return masked, {}
        numbers = [int(t.strip("</>")) for t in TOKEN_RE.findall(masked)]
        next_number = max(numbers, default=0) + 1
        by_source = {e.source: e.replacement for e in self.entries}
        added: dict[str, str] = {}
        out: list[str] = []
        pos = 0
        for match in pattern.finditer(masked):
            if _inside_token(masked, match.start()):
                continue
            token = f"<{next_number}/>"
            next_number += 1
            added[token] = by_source[match.group()]
            out.append(masked[pos : match.start()])
            out.append(token)
            pos = match.end()
        out.append(masked[pos:])
        return "".join(out), added

    def missing_terms(self, source: str, translation: str) -> list[str]:
        """Terms required in the translation that it lacks (for QA checks)."""
        pattern = self._pattern()
        if pattern is None:
            return []
        by_source = {e.source: e.replacement for e in self.entries}
        return [
            by_source[m.group()]
            for m in pattern.finditer(source)
            if by_source[m.group()] not in translation
        ]


def _inside_token(text: str, index: int) -> bool:
    return any(m.start() < index < m.end() for m in TOKEN_RE.finditer(text))


def restore_terms(translated: str, added: dict[str, str]) -> str:
    for token, term in added.items():
        translated = translated.replace(token, term)
    return translated


def parse_glossary(lines: Iterable[str], name: str = "glossary") -> Glossary:
    from ..errors import InputError

    entries = []
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        source, sep, target = line.partition("\t")
        if not sep or not source.strip() or not target.strip():
            raise InputError(f"{name}:{number}: expected 'term<TAB>translation' or 'term<TAB>='")
        entries.append(GlossaryEntry(source.strip(), target.strip()))
    return Glossary(tuple(entries))
