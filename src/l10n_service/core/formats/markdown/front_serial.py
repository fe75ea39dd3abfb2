"""Front matter syntaxes read and written by real parsers: YAML, TOML and JSON.

The only module that imports PyYAML, ``tomllib`` and ``json`` for front matter. A
translated value is written as one scalar of the block's own syntax and then read
back by that syntax's parser; only a scalar that reads back as exactly the text
intended is used, so no translation can add a key, end the block or change a type
(``[Ĥéĺĺö]`` is a list in plain YAML, ``a: b #1`` a mapping, a newline a new key).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from typing import Any, Literal

import yaml

__all__ = ["Syntax", "loads", "quoted", "same_shape", "scalar"]

Syntax = Literal["yaml", "toml", "json"]

# Characters a double-quoted YAML/TOML/JSON string must not hold raw: C0 and C1
# controls, DEL, the Unicode line and paragraph separators (YAML line breaks) and
# the byte order mark (YAML drops it).
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _needs_escape(ch: str) -> bool:
    code = ord(ch)
    return (
        code < 0x20 or 0x7F <= code <= 0x9F or ch in "\u2028\u2029\ufeff" or 0xD800 <= code < 0xE000
    )


def _printable(value: str) -> bool:
    return "\n" not in value and not any(_needs_escape(c) for c in value)


def quoted(value: str) -> str:
    """``value`` as a double-quoted string that YAML, TOML and JSON all read the same."""
    out = ['"']
    for ch in value:
        short = _SHORT_ESCAPES.get(ch)
        if short is not None:
            out.append(short)
        elif _needs_escape(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def loads(syntax: Syntax, text: str) -> Any:
    """The parsed front matter, or ``None`` when the syntax does not read it (or it
    is not a mapping: nothing in it is then offered for translation)."""
    readers: dict[str, Callable[[str], Any]] = {
        "yaml": yaml.safe_load,
        "toml": tomllib.loads,
        "json": json.loads,
    }
    reader = readers[syntax]
    try:
        data = reader(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _reads_as(syntax: Syntax, key: str, written: str, value: str) -> bool:
    """Whether ``key: written`` (``key = written``) is one key whose value is ``value``."""
    if syntax == "yaml":
        text = f"{key}: {written}\n"
    elif syntax == "toml":
        text = f"{key} = {written}\n"
    else:
        text = f'{{"{key}": {written}}}'
    data = loads(syntax, text)
    return bool(data == {key: value})


def scalar(syntax: Syntax, style: str, value: str) -> str:
    """``value`` written as a scalar of ``syntax``, in the source's ``style`` when that
    style can hold it exactly (``plain``, ``single`` quotes), else double-quoted."""
    probe = "k"
    plain_ok = style == "plain" and syntax == "yaml" and value and value == value.strip()
    if plain_ok and _printable(value) and _reads_as(syntax, probe, value, value):
        return value
    if style == "single" and _printable(value):
        if syntax == "yaml":
            written = "'" + value.replace("'", "''") + "'"
            if _reads_as(syntax, probe, written, value):
                return written
        elif syntax == "toml" and "'" not in value:
            written = f"'{value}'"
            if _reads_as(syntax, probe, written, value):
                return written
    written = quoted(value)
    if not _reads_as(syntax, probe, written, value):  # a lone surrogate, say
        raise ValueError(f"cannot write {value!r} as a {syntax} string")
    return written


def same_shape(before: dict[str, Any], after: dict[str, Any] | None) -> bool:
    """The same keys, in the same order, each value of the same type."""
    if after is None or list(before) != list(after):
        return False
    return all(type(before[k]) is type(after[k]) for k in before)
