"""Language codes, checked and normalised by babel, never trusted as path parts.

``pt-BR``, ``pt_BR`` and ``pt_br`` all become ``pt_BR``; ``zh-Hant`` becomes
``zh_Hant``. A code babel does not know is an error, so a language name can never
smuggle ``../`` into a path.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from ..errors import LocaleError

__all__ = ["direction", "display_name", "normalize_locale", "plural_forms"]

_SHAPE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$")
_RTL_FALLBACK = {"ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"}


@lru_cache(maxsize=512)
@lru_cache(maxsize=4096)  # every path of a catalog goes through here
def normalize_locale(code: str) -> str:
    raw = code.strip()
    if not _SHAPE.match(raw):
        raise LocaleError(f"{code!r} is not a language code (expected e.g. de, pt-BR, zh_Hant)")
    try:
        locale = Locale.parse(raw.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise LocaleError(f"unknown language code {code!r}") from None
    return str(locale)


def direction(code: str) -> str:
    locale = Locale.parse(normalize_locale(code))
    if locale.character_order == "right-to-left" or locale.language in _RTL_FALLBACK:
        return "rtl"
    return "ltr"


def plural_forms(code: str) -> str:
    return get_plural(Locale.parse(normalize_locale(code))).plural_forms


def display_name(code: str, in_locale: str | None = None) -> str:
    locale = Locale.parse(normalize_locale(code))
    name = locale.get_display_name(Locale.parse(normalize_locale(in_locale or code)))
    return name or code
