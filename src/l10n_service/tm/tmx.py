"""TMX 1.4 (Translation Memory eXchange) reading and writing.

Reading streams the file (``iterparse``, elements freed as we go) with a parser that
resolves no entities and fetches nothing from the network, since TMX files come from
other tools and other people. A ``<tu>`` gives one unit per target ``<tuv>``; the
source is the ``<tuv>`` in the unit's ``srclang`` (or the header's; the first one for
``*all*``). Inline markup (``<bpt>``, ``<ph>``...) holds the original codes, so a
segment's text is all of its text, in order.

Writing produces standard TMX 1.4: a header with ``srclang`` (``*all*`` when the memory
holds several source languages, with ``srclang`` on each unit then), ``xml:lang`` as
BCP 47 (``pt-BR``), and our provenance as ``x-origin``/``x-state`` properties.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

from lxml import etree

from .. import __version__
from ..errors import InputError
from ..storage import write_atomic

__all__ = ["read_tmx", "write_tmx"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ALL = "*all*"


class TMXError(InputError):
    """A TMX file we cannot read."""


def _lang(element: Any) -> str:
    return str(element.get(XML_LANG) or element.get("lang") or "").strip()


def _same_language(a: str, b: str) -> bool:
    a, b = a.lower().replace("_", "-"), b.lower().replace("_", "-")
    return a == b or a.split("-")[0] == b or b.split("-")[0] == a


def _segment(tuv: Any) -> str | None:
    seg = tuv.find("seg")
    return None if seg is None else "".join(seg.itertext())


def _props(tu: Any) -> dict[str, str]:
    return {str(p.get("type")): (p.text or "") for p in tu.findall("prop")}


def read_tmx(path: Path) -> Iterator[tuple[str, str, str, str, str, str]]:
    """(source_lang, target_lang, source, target, origin, state) for each pair in the file."""
    header_srclang = ""
    try:
        context = etree.iterparse(
            str(path),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        for event, element in context:
            if event == "start":
                if element.tag == "header":
                    header_srclang = str(element.get("srclang") or "")
                continue
            if element.tag != "tu":
                continue
            yield from _pairs(element, header_srclang, path)
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise TMXError(f"{path}:{exc.lineno}: not well-formed TMX: {exc.msg}") from None
    except OSError as exc:
        raise TMXError(f"{path}: cannot read: {exc}") from None


def _pairs(
    tu: Any, header_srclang: str, path: Path
) -> Iterator[tuple[str, str, str, str, str, str]]:
    variants = [(_lang(tuv), _segment(tuv)) for tuv in tu.findall("tuv")]
    variants = [(lang, text) for lang, text in variants if lang and text is not None]
    if len(variants) < 2:
        return
    srclang = str(tu.get("srclang") or header_srclang or ALL)
    if srclang == ALL:
        source_lang, source = variants[0]
    else:
        found = next(
            ((lang, text) for lang, text in variants if _same_language(lang, srclang)), None
        )
        if found is None:
            return
        source_lang, source = found
    props = _props(tu)
    origin = props.get("x-origin") or f"tmx:{path.name}"
    state = (
        props.get("x-state") if props.get("x-state") in ("approved", "translated") else "translated"
    )
    for lang, text in variants:
        if (lang, text) != (source_lang, source) and not _same_language(lang, source_lang):
            yield (source_lang, lang, str(source), str(text), origin, str(state))


def _bcp47(code: str) -> str:
    return code.replace("_", "-")


def write_tmx(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """Write units (as :meth:`TranslationMemory.units` yields them) to ``path``."""
    units = list(rows)
    sources = {row["source_lang"] for row in units}
    srclang = _bcp47(next(iter(sources))) if len(sources) == 1 else ALL
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="l10n-service",
        creationtoolversion=__version__,
        segtype="sentence",
        **{"o-tmf": "l10n-service", "adminlang": "en", "srclang": srclang},
        datatype="plaintext",
    )
    body = etree.SubElement(root, "body")
    for row in units:
        tu = etree.SubElement(
            body,
            "tu",
            creationdate=row["created"],
            changedate=row["changed"],
            srclang=_bcp47(row["source_lang"]),
        )
        for kind, value in (("x-origin", row["origin"]), ("x-state", row["state"])):
            prop = etree.SubElement(tu, "prop", type=kind)
            prop.text = value
        for lang, text in (
            (row["source_lang"], row["source"]),
            (row["target_lang"], row["target"]),
        ):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: _bcp47(lang)})
            seg = etree.SubElement(tuv, "seg")
            seg.text = _xml_safe(text)
    buffer = BytesIO()
    etree.ElementTree(root).write(buffer, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    write_atomic(path, buffer.getvalue())
    return len(units)


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot hold most control characters; drop them rather than fail."""
    return (
        "".join(c for c in text if c in "\t\n\r" or c >= " ")
        if any(c < " " for c in text)
        else text
    )
