"""The placeholder token syntax, shared by the model, the builder and QA checks.

``<1>``..``</1>`` wraps translatable text inside inline markup, ``<2/>`` stands for
an untranslatable token (see :mod:`l10n_service.core.placeholders`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

__all__ = ["TOKEN_RE", "placeholder_problems", "restore", "tokens_in"]

TOKEN_RE = re.compile(r"</?\d+/?>")


def tokens_in(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def placeholder_problems(source: str, translation: str) -> list[str]:
    """Why ``translation`` cannot be restored with the legend of ``source``, if it can't."""
    want, got = Counter(tokens_in(source)), Counter(tokens_in(translation))
    problems = []
    missing = want - got
    extra = got - want
    if missing:
        problems.append("missing placeholders " + " ".join(sorted(missing)))
    if extra:
        problems.append("unknown or repeated placeholders " + " ".join(sorted(extra)))
    if not problems:
        depth: list[str] = []
        for token in tokens_in(translation):
            if token.endswith("/>"):
                continue
            if token.startswith("</"):
                if not depth or depth[-1] != token[2:-1]:
                    problems.append(f"placeholder {token} closes out of order")
                    break
                depth.pop()
            else:
                depth.append(token[1:-1])
    return problems


def restore(masked: str, legend: Mapping[str, str]) -> str:
    """Replace every token by the original it stands for; unknown tokens stay as text."""
    if "<" not in masked:  # no token (most segments): nothing to look up
        return masked
    return TOKEN_RE.sub(lambda m: legend.get(m.group(), m.group()), masked)
