"""Malformed catalogs: a CatalogError that names the file and line, nothing written,
the previous catalog left as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from l10n_service.catalog import store
from l10n_service.catalog.store import MAX_CATALOG_BYTES, read_po, write_po
from l10n_service.errors import CatalogError
from l10n_service.services.catalogs import update_languages
from l10n_service.workspace import Workspace

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'

BAD = {
    "unterminated string": ('msgid "never closed\nmsgstr ""\n', 5, "unterminated"),
    "unterminated continuation": ('msgid ""\n"open\nmsgstr ""\n', 6, "unterminated"),
    "escaped closing quote": ('msgid "a\\"\nmsgstr ""\n', 5, "unterminated"),
    "bad escape": ('msgid "tab\\qx"\nmsgstr ""\n', 5, "invalid escape"),
    "text after the string": ('msgid "a" junk\nmsgstr ""\n', 5, "unexpected text"),
    "stray quote": ('msgid "a"b"\nmsgstr ""\n', 5, "unexpected text"),
    "duplicate msgid": ('msgid "a"\nmsgstr "x"\n\nmsgid "a"\nmsgstr "y"\n', 8, "duplicate"),
    "duplicate in context": (
        'msgctxt "c"\nmsgid "a"\nmsgstr ""\n\nmsgctxt "c"\nmsgid "a"\nmsgstr ""\n',
        9,
        "duplicate",
    ),
    "msgstr without msgid": ('msgstr "x"\n', 5, "without a msgid"),
    "missing msgstr": ('msgid "a"\n\nmsgid "b"\nmsgstr ""\n', 7, "second msgid"),
    "missing msgstr at the end": ('msgid "a"\n', 6, "missing msgstr"),
    "plural index gap": (
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\nmsgstr[2] ""\n',
        8,
        "out of order",
    ),
    "msgstr[n] without plural": ('msgid "a"\nmsgstr[0] "x"\n', 6, "without msgid_plural"),
    "plain msgstr with plural": ('msgid "a"\nmsgid_plural "as"\nmsgstr "x"\n', 7, "needs msgstr"),
    "comment inside an entry": ('msgid "a"\n# note\nmsgstr ""\n', 6, "comment inside"),
    "obsolete mixed with active": ('#~ msgid "a"\nmsgstr ""\n', 6, "mixes obsolete"),
    "continuation of nothing": ('# note\n"floating"\n', 6, "continues nothing"),
    "unknown keyword": ('msgid "a"\nmsgfoo "b"\n', 6, "unexpected text"),
    "unknown previous keyword": ('#| msgstr "a"\nmsgid "a"\nmsgstr ""\n', 5, "previous"),
}


@pytest.mark.parametrize(("body", "line", "message"), BAD.values(), ids=BAD.keys())
def test_syntax_errors_name_file_and_line(
    tmp_path: Path, body: str, line: int, message: str
) -> None:
    path = tmp_path / "bad.po"
    path.write_text(HEADER + body, "utf-8")
    with pytest.raises(CatalogError, match=message) as caught:
        read_po(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert f"{path}:{line}: " in str(caught.value)


def test_duplicate_names_the_first_definition(tmp_path: Path) -> None:
    path = tmp_path / "dup.po"
    path.write_text(HEADER + BAD["duplicate msgid"][0], "utf-8")
    with pytest.raises(CatalogError, match="first defined at line 5"):
        read_po(path)


@pytest.mark.parametrize(
    ("plural_forms", "message"),
    [
        ("nplurals=2; plural=n>;", "plural expression"),
        ("nplurals=2; plural=n;", "gives 2 for n=2"),
        ("nplurals=0; plural=0;", "out of range"),
        ("plural=(n != 1);", "not 'nplurals=N"),
        ("nplurals=2; plural=import os;", "plural expression"),
        ("nplurals=2; plural=n/(n-n);", "divides by zero"),
    ],
)
def test_invalid_plural_forms(tmp_path: Path, plural_forms: str, message: str) -> None:
    path = tmp_path / "plural.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: ru\\n"\n'
        f'"Plural-Forms: {plural_forms}\\n"\n\nmsgid "a"\nmsgstr "b"\n',
        "utf-8",
    )
    with pytest.raises(CatalogError, match=message) as caught:
        read_po(path)
    assert caught.value.line == 4


def test_template_plural_forms_placeholder_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "t.pot"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"\n', "utf-8"
    )
    assert read_po(path).metadata["Plural-Forms"].startswith("nplurals=INTEGER")


def test_bytes_that_are_not_the_declared_charset(tmp_path: Path) -> None:
    path = tmp_path / "latin1-in-utf8.po"
    path.write_bytes(HEADER.encode() + 'msgid "a"\nmsgstr "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(CatalogError, match="not valid UTF-8") as caught:
        read_po(path)
    assert caught.value.line == 6


def test_unknown_charset(tmp_path: Path) -> None:
    path = tmp_path / "odd.po"
    path.write_text(HEADER.replace("UTF-8", "NO-SUCH-CHARSET") + 'msgid "a"\nmsgstr ""\n')
    with pytest.raises(CatalogError, match="unknown charset 'NO-SUCH-CHARSET'"):
        read_po(path)


def test_a_100_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.po"
    with path.open("wb") as handle:  # sparse: costs no disk and no time
        handle.truncate(100 * 1024 * 1024)
    assert path.stat().st_size > MAX_CATALOG_BYTES
    with pytest.raises(CatalogError, match="byte limit") as caught:
        read_po(path)
    assert caught.value.path == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no such catalog"):
        read_po(tmp_path / "nope.po")


@pytest.fixture
def article_text() -> str:
    """The article of this module's ``ws``."""
    return "# Title\n\nOne sentence. Two sentences.\n"


@pytest.mark.parametrize("body", [v[0] for v in BAD.values()][:6], ids=list(BAD)[:6])
def test_update_of_a_broken_catalog_writes_nothing(ws: Workspace, body: str) -> None:
    path = ws.po_path("post", "de")
    broken = (path.read_text("utf-8") + "\n" + body).encode()
    path.write_bytes(broken)
    with pytest.raises(CatalogError, match=str(path)):
        update_languages(ws, "post", ["de"])
    assert path.read_bytes() == broken
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_a_failed_write_leaves_the_old_file(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ws.po_path("post", "de")
    before = path.read_bytes()
    po = read_po(path)
    po[0].msgstr = "changed"

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_po(po, path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_errors_are_input_errors() -> None:
    with pytest.raises(CatalogError) as caught:
        store.parse_po('msgid "a', "upload.po")
    assert caught.value.path == "upload.po" and caught.value.line == 1
