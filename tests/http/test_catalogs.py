"""Catalog exchange over HTTP: a conflicting upload is a 409 that lists each
entry's base, ours and theirs, and nothing is written until it is settled with
``prefer`` or ``take``; for a stamped export and for a file copied from locales/."""

from __future__ import annotations

from pathlib import Path

import polib

from l10n_service.core.merge_plan import NO_STAMP
from tests.http.conftest import SLUG, Api

ARTICLE = f"/articles/{SLUG}"
PO = "text/x-gettext-translation"


def _set(po: polib.POFile, ctxt: str, text: str) -> None:
    found = next(e for e in po if e.msgctxt == ctxt)
    found.msgstr, found.flags = text, []


def _catalog_path(api: Api) -> Path:
    return api.root / "locales" / "de" / "LC_MESSAGES" / f"{SLUG}.po"


def _put(api: Api, token: str, body: bytes, query: str = "") -> dict[str, object]:
    response = api.client.put(
        f"{ARTICLE}/catalogs/de.po{query}",
        content=body,
        headers={**api.auth(token), "Content-Type": PO},
    )
    result: dict[str, object] = {"status": response.status_code, **response.json()}
    return result


def _newer_human_translation(api: Api, ctxt: str, text: str) -> None:
    path = _catalog_path(api)
    po = polib.pofile(str(path))
    _set(po, ctxt, text)
    po.save()


def test_a_stamped_upload_conflict_is_409_until_settled(api: Api) -> None:
    translator = api.token("translator", "de")
    exported = api.client.get(f"{ARTICLE}/catalogs/de.po", headers=api.auth(translator))
    upload = polib.pofile(exported.content.decode())
    target, base = upload[1].msgctxt, upload[1].msgstr  # machine output at export
    _set(upload, target, "Übersetzerin")
    _newer_human_translation(api, target, "Lektorin")
    before = _catalog_path(api).read_bytes()
    refused = _put(api, translator, str(upload).encode())
    assert refused["status"] == 409
    assert refused["conflicts"] == [
        {"id": target, "msgid": upload[1].msgid, "base": base, "ours": "Lektorin",
         "theirs": "Übersetzerin", "note": ""}
    ]  # fmt: skip
    assert _catalog_path(api).read_bytes() == before
    settled = _put(api, translator, str(upload).encode(), "?prefer=theirs")
    assert settled["status"] == 200 and settled["resolved"] == 1 and settled["mode"] == "3-way"


def test_an_unstamped_copy_fills_gaps_and_reports_human_translations(api: Api) -> None:
    """A file copied from locales/ (machine output everywhere, no export stamp): a
    translator's text replaces machine output; where a reviewer has since put a
    human translation, the upload is a 409 until ``take`` settles it."""
    translator = api.token("translator", "de")
    copy = polib.pofile(_catalog_path(api).read_text("utf-8"))
    machine, human = copy[0].msgctxt, copy[1].msgctxt
    _set(copy, machine, "Menschlicher Titel")
    _set(copy, human, "Kopie")
    _newer_human_translation(api, human, "Lektorin")
    before = _catalog_path(api).read_bytes()
    refused = _put(api, translator, str(copy).encode())
    assert refused["status"] == 409
    assert refused["conflicts"] == [
        {"id": human, "msgid": copy[1].msgid, "base": "", "ours": "Lektorin",
         "theirs": "Kopie", "note": NO_STAMP}
    ]  # fmt: skip
    assert _catalog_path(api).read_bytes() == before
    settled = _put(api, translator, str(copy).encode(), f"?take={human}=theirs")
    assert settled["status"] == 200
    assert (settled["mode"], settled["updated"], settled["resolved"]) == ("2-way", 2, 1)
    after = {e.msgctxt: e.msgstr for e in polib.pofile(str(_catalog_path(api)))}
    assert (after[machine], after[human]) == ("Menschlicher Titel", "Kopie")
