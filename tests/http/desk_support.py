"""Driving the reviewer's desk without a browser: log in, read the page's forms,
post them as a browser without the script would (or as the script does, with
``Accept: application/json``). Shared by the desk's HTTP and browser tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import polib
from lxml import html as lxml_html

from tests.http.conftest import SLUG, Api

REVIEW = f"/articles/{SLUG}/{{lang}}/review"


def po_bytes(root: Path, lang: str) -> bytes:
    return (root / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po").read_bytes()


def normalized(data: bytes) -> bytes:
    """A catalog with the clock taken out: the revision date (minutes) and the
    date of each approval (seconds) are the only bytes two runs of the same
    action at different times may differ in."""
    data = re.sub(rb'"PO-Revision-Date: [^"\\]*\\n"', b'"PO-Revision-Date: (date)\\\\n"', data)
    return re.sub(rb"^(# approved: \S+) \S+ (\[[0-9a-f]{8}\])$", rb"\1 (date) \2", data, flags=re.M)


def plain_sentences(root: Path, lang: str) -> list[polib.POEntry]:
    """Entries safe to retranslate by hand: one occurrence, no placeholders, no digits."""
    po = polib.pofile(str(root / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"))
    return [
        e for e in po
        if not e.obsolete and ".p" in e.msgctxt and len(e.occurrences) == 1
        and not re.search(r"[<\d]", e.msgid)
    ]  # fmt: skip


def cli_edit(path: Path, entry: str, text: str) -> None:
    """What a translator does in Poedit: new text, "needs work" cleared."""
    po = polib.pofile(str(path))
    target = next(e for e in po if e.msgctxt == entry and not e.obsolete)
    target.msgstr = text
    target.flags = [f for f in target.flags if f != "fuzzy"]
    po.save()


@dataclass
class Page:
    response: httpx.Response
    doc: lxml_html.HtmlElement = field(init=False)

    def __post_init__(self) -> None:
        self.doc = lxml_html.fromstring(self.response.text)

    @property
    def csrf(self) -> str:
        return str(self.doc.xpath("//meta[@name='csrf-token']/@content")[0])

    def segment(self, entry: str) -> lxml_html.HtmlElement:
        found = self.doc.xpath(f"//article[@data-entry='{entry}' and not(.//p[@class='note'])]")
        return found[0]

    def form(self, entry: str) -> dict[str, str]:
        """The hidden fields and text of a segment's edit form."""
        form = self.segment(entry).xpath(".//form[@class='edit']")[0]
        hidden = form.xpath(".//input[@type='hidden']")
        fields = {i.get("name"): i.get("value") or "" for i in hidden}
        fields["text"] = form.xpath(".//textarea")[0].text or ""
        return fields

    def bulk_form(self) -> list[tuple[str, str]]:
        form = self.doc.xpath("//form[@data-scope='all']")[0]
        return [(i.get("name"), i.get("value")) for i in form.xpath(".//input[@type='hidden']")]

    def state(self, entry: str) -> str:
        return str(self.segment(entry).get("data-state"))


class Desk:
    """One browser's session on the desk (a TestClient keeps its cookies)."""

    def __init__(self, api: Api, role: str, *langs: str, name: str = "rita"):
        self.api = api
        self.client = api.client
        self.secret = api.token(role, *langs, name=name)

    def login(self) -> httpx.Response:
        form = self.client.get("/desk/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf is not None, form.text
        return self.client.post(
            "/desk/login",
            data={"token": self.secret, "csrf": csrf[1], "next": "/desk"},
            follow_redirects=False,
        )

    def page(self, lang: str, query: str = "") -> Page:
        response = self.client.get(REVIEW.format(lang=lang) + query, follow_redirects=False)
        assert response.status_code == 200, response.text[:500]
        return Page(response)

    def post(
        self, lang: str, action: str, data: dict[str, str] | list[tuple[str, str]], *,
        script: bool = False,
    ) -> httpx.Response:  # fmt: skip
        headers = {"Accept": "application/json"} if script else {}
        form: dict[str, list[str]] = {}
        for name, value in data.items() if isinstance(data, dict) else data:
            form.setdefault(name, []).append(value)
        return self.client.post(
            f"{REVIEW.format(lang=lang)}/{action}", data=form, headers=headers,
            follow_redirects=False,
        )  # fmt: skip

    def save(self, lang: str, page: Page, entry: str, text: str, **extra: str) -> httpx.Response:
        return self.post(lang, "save", {**page.form(entry), "text": text, **extra})

    def approve(self, lang: str, page: Page, entry: str, **extra: str) -> httpx.Response:
        return self.post(lang, "approve", {**page.form(entry), "scope": "segment", **extra})
