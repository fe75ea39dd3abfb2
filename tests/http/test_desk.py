"""The reviewer's desk over HTTP (its forms posted as a browser would): every
action leaves the catalog and the bundles byte for byte as the equivalent
command line does; concurrent changes are conflicts, never overwritten; who may
see and do what; sessions, CSRF, escaping and bad input."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from l10n_service.http.app import create_app
from tests.conftest import SAMPLE, run_cli
from tests.http.conftest import SLUG, Api, copy_workspace, make_api
from tests.http.desk_support import (
    REVIEW,
    Desk,
    cli_edit,
    normalized,
    plain_sentences,
    po_bytes,
)

ARABIC = "عاد الماراثون الدولي إلى بيونغيانغ بعد غياب طويل."


@pytest.fixture
def cli_ws(published: Path, tmp_path: Path) -> Path:
    """A second copy of the same workspace, for the command line to do the same."""
    return copy_workspace(published, tmp_path / "cli")


@pytest.fixture
def reviewer(api: Api) -> Desk:
    desk = Desk(api, "reviewer", name="rita")
    assert desk.login().status_code == 303
    return desk


# --- the same bytes as the command line ---------------------------------------------------


def test_a_save_is_export_edit_import(
    reviewer: Desk, api: Api, cli_ws: Path, tmp_path: Path
) -> None:
    entry = plain_sentences(api.root, "ar")[0].msgctxt
    page = reviewer.page("ar")
    assert page.state(entry) == "machine"
    response = reviewer.save("ar", page, entry, ARABIC)
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith(f"notice=saved#s{page.form(entry)['at']}")

    exported = tmp_path / "ar.po"
    run_cli("export", SLUG, "--lang", "ar", "-o", str(exported), root=cli_ws)
    cli_edit(exported, entry, ARABIC)
    run_cli("import", str(exported), "--slug", SLUG, "--lang", "ar", root=cli_ws)

    assert normalized(po_bytes(api.root, "ar")) == normalized(po_bytes(cli_ws, "ar"))
    assert ARABIC.encode() in po_bytes(api.root, "ar")
    assert reviewer.page("ar").state(entry) == "translated"


def test_needs_work_saves_fuzzy_as_a_po_editor_would(reviewer: Desk, api: Api) -> None:
    entry = plain_sentences(api.root, "ar")[1].msgctxt
    response = reviewer.save("ar", reviewer.page("ar"), entry, ARABIC, needs_work="1")
    assert response.status_code == 303
    assert reviewer.page("ar").state(entry) == "fuzzy"


def test_approve_is_approve_by_id(reviewer: Desk, api: Api, cli_ws: Path) -> None:
    """Pseudo text is never approved: refused on the page and on the command line
    alike, nothing written (approving post-edited text: the next test)."""
    entry = plain_sentences(api.root, "ar")[2].msgctxt
    before = po_bytes(api.root, "ar")
    response = reviewer.approve("ar", reviewer.page("ar"), entry)
    assert response.status_code == 422, response.text[:300]
    assert "unmodified pseudo-localisation, which is never approved" in html.unescape(
        response.text
    )
    result = run_cli("approve", SLUG, "ar", "--id", entry, "--by", "rita", root=cli_ws,
                     check=False)  # fmt: skip
    assert result.returncode == 2 and "which is never approved" in result.stderr
    assert po_bytes(api.root, "ar") == before
    assert normalized(po_bytes(api.root, "ar")) == normalized(po_bytes(cli_ws, "ar"))
    assert reviewer.page("ar").state(entry) == "machine"


def _post_edit(roots: tuple[Path, ...], entries: list[str], tmp_path: Path) -> None:
    """The same translator's work in each workspace: export, edit, import."""
    for i, root in enumerate(roots):
        exported = tmp_path / f"edit-{i}.po"
        run_cli("export", SLUG, "--lang", "ar", "-o", str(exported), root=root)
        for entry in entries:
            cli_edit(exported, entry, ARABIC)
        run_cli("import", str(exported), "--slug", SLUG, "--lang", "ar", root=root)


def test_approving_an_edited_segment_saves_it_first(
    reviewer: Desk, api: Api, cli_ws: Path, tmp_path: Path
) -> None:
    entry = plain_sentences(api.root, "ar")[3].msgctxt
    page = reviewer.page("ar")
    response = reviewer.post("ar", "approve", {**page.form(entry), "text": ARABIC,
                                               "scope": "segment"}, script=True)  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["message"] == "Approved 1 segment."

    exported = tmp_path / "ar.po"
    run_cli("export", SLUG, "--lang", "ar", "-o", str(exported), root=cli_ws)
    cli_edit(exported, entry, ARABIC)
    run_cli("import", str(exported), "--slug", SLUG, "--lang", "ar", root=cli_ws)
    run_cli("approve", SLUG, "ar", "--id", entry, "--by", "rita", root=cli_ws)
    assert normalized(po_bytes(api.root, "ar")) == normalized(po_bytes(cli_ws, "ar"))


def test_approve_all_clean_is_approve_by_those_ids(
    reviewer: Desk, api: Api, cli_ws: Path, tmp_path: Path
) -> None:
    # The engine's unmodified output is never clean: nothing to approve in bulk yet.
    assert not [v for name, v in reviewer.page("ar").bulk_form() if name == "seen"]
    edited = [e.msgctxt for e in plain_sentences(api.root, "ar")[:3]]
    _post_edit((api.root, cli_ws), edited, tmp_path)
    page = reviewer.page("ar")
    fields = page.bulk_form()
    ids = [value.partition(" ")[2] for name, value in fields if name == "seen"]
    assert sorted(ids) == sorted(edited)
    response = reviewer.post("ar", "approve", fields)
    assert response.status_code == 303
    assert f"n={len(ids)}" in response.headers["location"]
    run_cli("approve", SLUG, "ar", *(x for i in ids for x in ("--id", i)), "--by", "rita",
            root=cli_ws)  # fmt: skip
    assert normalized(po_bytes(api.root, "ar")) == normalized(po_bytes(cli_ws, "ar"))
    after = reviewer.page("ar", "?notice=approved&n=3")
    assert "Approved 3 segments." in after.response.text
    assert not after.bulk_form()[3:]  # csrf, scope, show: nothing clean is left


def test_publish_is_bundle_to_that_language(reviewer: Desk, api: Api, cli_ws: Path) -> None:
    for root in (api.root, cli_ws):  # a policy that changes the page: machine text not shown
        (root / ".l10n" / "publish.json").write_text('{"policy": "human", "min_coverage": 0}')
    preview = reviewer.client.get(REVIEW.format(lang="ar") + "/preview")
    assert preview.status_code == 200
    assert preview.headers["content-security-policy"].endswith("frame-ancestors 'self'")
    response = reviewer.post("ar", "publish", {"csrf": reviewer.page("ar").csrf})
    assert response.status_code == 303 and "notice=published" in response.headers["location"]
    run_cli("bundle", SLUG, "--to", "ar", root=cli_ws)
    ours, theirs = (root / "bundles" / SLUG / "ar" for root in (api.root, cli_ws))
    assert (ours / "current").readlink() == (theirs / "current").readlink()
    for name in ("bundle.json", "index.html", "article.md", "article.txt"):
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name
    # The preview showed exactly the page that was published.
    assert preview.content == (ours / "index.html").read_bytes()


def test_publish_below_the_minimum_is_refused_like_the_cli(reviewer: Desk, api: Api) -> None:
    (api.root / ".l10n" / "publish.json").write_text('{"policy": "approved-only"}')
    before = (api.root / "bundles" / SLUG / "ar" / "current").readlink()
    page = reviewer.page("ar")
    assert "Not publishable: coverage" in page.response.text
    response = reviewer.post("ar", "publish", {"csrf": page.csrf}, script=True)
    assert response.status_code == 200
    assert response.json()["message"].startswith("Not published: coverage 0% is below")
    assert (api.root / "bundles" / SLUG / "ar" / "current").readlink() == before
    result = run_cli("bundle", SLUG, "--to", "ar", root=api.root, check=False)
    assert result.returncode == 1 and "coverage 0% is below the minimum 80%" in result.stderr


# --- concurrent changes -------------------------------------------------------------------


def test_a_concurrent_change_is_a_conflict_shown_never_overwritten(
    reviewer: Desk, api: Api, tmp_path: Path
) -> None:
    entry, other = (e.msgctxt for e in plain_sentences(api.root, "ar")[:2])
    page = reviewer.page("ar")  # loaded before the other translator's import
    exported = tmp_path / "theirs.po"
    run_cli("export", SLUG, "--lang", "ar", "-o", str(exported), root=api.root)
    cli_edit(exported, entry, "ترجمة مترجم آخر.")
    run_cli("import", str(exported), "--slug", SLUG, "--lang", "ar", root=api.root)
    before = po_bytes(api.root, "ar")

    response = reviewer.save("ar", page, entry, ARABIC)
    assert response.status_code == 409
    assert po_bytes(api.root, "ar") == before  # nothing written
    conflicted = lxml_html.fromstring(response.text)
    panel = conflicted.xpath(f"//article[@data-entry='{entry}']//div[@class='conflict']")[0]
    assert panel.xpath(".//dd[@class='theirs']")[0].text_content() == "ترجمة مترجم آخر."
    assert panel.xpath(".//dd[@class='mine']")[0].text_content() == ARABIC
    textarea = conflicted.xpath(f"//article[@data-entry='{entry}']//textarea")[0]
    assert textarea.text == ARABIC  # the person's text is kept in the editor

    # Another segment saved from the same old page does not touch the first one.
    assert reviewer.save("ar", page, other, ARABIC).status_code == 303
    assert "ترجمة مترجم آخر.".encode() in po_bytes(api.root, "ar")

    # Saving again from the conflict view (which shows theirs) is a deliberate choice.
    fresh = {i.get("name"): i.get("value") for i in conflicted.xpath(
        f"//article[@data-entry='{entry}']//form//input[@type='hidden']")}  # fmt: skip
    again = reviewer.post("ar", "save", {**fresh, "text": ARABIC})
    assert again.status_code == 303
    assert "ترجمة مترجم آخر.".encode() not in po_bytes(api.root, "ar")


def test_the_script_saves_twice_with_the_revision_each_fragment_carries(
    reviewer: Desk, api: Api
) -> None:
    entry = plain_sentences(api.root, "ar")[0].msgctxt
    page = reviewer.page("ar")
    first = reviewer.post("ar", "save", {**page.form(entry), "text": ARABIC}, script=True)
    assert first.status_code == 200 and first.json()["message"] == "Saved."
    body = first.json()
    fragment = lxml_html.fromstring(next(iter(body["segments"].values())))
    rev = fragment.xpath(".//input[@name='rev']/@value")[0]
    assert rev == body["revision"] != page.form(entry)["rev"]
    assert fragment.get("data-state") == "translated"
    # With the page's old revision, the same segment's own first save would be "theirs".
    stale = reviewer.post("ar", "save", {**page.form(entry), "text": ARABIC + " ٢"}, script=True)
    assert stale.status_code == 409 and "someone changed" in stale.json()["message"]
    second = reviewer.post(
        "ar", "save", {**page.form(entry), "rev": rev, "text": ARABIC + " ٢"}, script=True
    )
    assert second.status_code == 200 and second.json()["message"] == "Saved."


def test_approving_a_text_changed_since_it_was_shown_approves_nothing(
    reviewer: Desk, api: Api, tmp_path: Path
) -> None:
    entry = plain_sentences(api.root, "ar")[0].msgctxt
    _post_edit((api.root,), [entry], tmp_path)  # clean: offered for bulk approval
    page = reviewer.page("ar")
    exported = tmp_path / "theirs.po"
    run_cli("export", SLUG, "--lang", "ar", "-o", str(exported), root=api.root)
    cli_edit(exported, entry, "نص لم يره المراجع.")
    run_cli("import", str(exported), "--slug", SLUG, "--lang", "ar", root=api.root)
    before = po_bytes(api.root, "ar")
    response = reviewer.approve("ar", page, entry)
    assert response.status_code == 409
    assert po_bytes(api.root, "ar") == before
    bulk = reviewer.post("ar", "approve", page.bulk_form(), script=True)
    assert bulk.status_code == 200
    assert "1 changed since you loaded the page" in bulk.json()["message"]
    assert reviewer.page("ar").state(entry) == "translated"  # not approved


# --- who may see and do what --------------------------------------------------------------


def test_without_a_session_pages_ask_for_a_login_and_posts_are_refused(api: Api) -> None:
    response = api.client.get(REVIEW.format(lang="ar") + "?show=machine", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/desk/login?next=%2Farticles%2Fpyongyang-marathon%2Far%2Freview%3Fshow%3Dmachine"
    )
    before = po_bytes(api.root, "ar")
    refused = api.client.post(REVIEW.format(lang="ar") + "/save", data={"entry": "x"})
    assert refused.status_code == 401
    assert api.client.get("/desk", follow_redirects=False).status_code == 303
    # A bearer token is the API's, not the desk's: no session, no page.
    bearer = api.client.get(REVIEW.format(lang="ar"), follow_redirects=False,
                            headers=api.auth(api.token("admin")))  # fmt: skip
    assert bearer.status_code == 303
    assert po_bytes(api.root, "ar") == before


def test_a_translator_of_another_language_learns_nothing(api: Api) -> None:
    desk = Desk(api, "translator", "de", name="dora")
    desk.login()
    answers = [
        desk.client.get(REVIEW.format(lang="ar")),  # exists, not hers
        desk.client.get(REVIEW.format(lang="fr")),  # no such catalog
        desk.client.get(f"/articles/no-such-article/{'de'}/review"),
        desk.client.get("/articles/BAD!/de/review"),
        desk.client.get(REVIEW.format(lang="xx-invalid-")),
        desk.client.get(REVIEW.format(lang="ar") + "/preview"),
        desk.post("ar", "save", {"csrf": desk.page("de").csrf, "entry": "x", "text": "y"}),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1  # the very same page for all
    assert "pyongyang" not in answers[0].text.lower() and "arab" not in answers[0].text.lower()
    listing = desk.client.get("/desk").text
    assert "/de/review" in listing and "/ar/review" not in listing


def test_a_translator_edits_her_language_but_neither_approves_nor_publishes(api: Api) -> None:
    desk = Desk(api, "translator", "ar", name="amal")
    desk.login()
    entry = plain_sentences(api.root, "ar")[0].msgctxt
    page = desk.page("ar")
    text = page.response.text
    assert 'class="approve' not in text and "/publish" not in text  # no such buttons
    assert desk.save("ar", page, entry, ARABIC).status_code == 303
    before = po_bytes(api.root, "ar")
    assert desk.approve("ar", desk.page("ar"), entry).status_code == 403
    bulk = {"csrf": page.csrf, "scope": "clean", "seen": f"00000000 {entry}"}
    assert desk.post("ar", "approve", bulk).status_code == 403
    assert desk.post("ar", "publish", {"csrf": page.csrf}).status_code == 403
    assert po_bytes(api.root, "ar") == before


def test_a_revoked_token_ends_its_sessions(reviewer: Desk, api: Api) -> None:
    token_id = next(r.id for r in api.store.records() if r.name == "rita")
    api.store.revoke(token_id)
    response = reviewer.client.get(REVIEW.format(lang="ar"), follow_redirects=False)
    assert response.status_code == 303 and "/desk/login" in response.headers["location"]


# --- sessions and CSRF --------------------------------------------------------------------


def test_the_cookie_is_a_session_not_the_token(api: Api) -> None:
    desk = Desk(api, "reviewer")
    response = desk.login()
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("l10n_desk="))
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/" in session
    assert "Secure" not in session  # plain http here; see the https test
    value = session.split(";")[0].split("=", 1)[1]
    assert desk.secret not in session and len(value) >= 40
    stored = list((api.root / ".l10n" / "desk-sessions").iterdir())
    assert len(stored) == 1 and value not in stored[0].name
    assert desk.secret not in stored[0].read_text() and value not in stored[0].read_text()
    assert stored[0].stat().st_mode & 0o077 == 0


def test_over_https_the_cookie_is_secure(published_copy: Path) -> None:
    api = make_api(published_copy)
    client = TestClient(create_app(published_copy), base_url="https://desk.example")
    secret = api.token("reviewer")
    form = client.get("/desk/login")
    assert "Secure" in form.headers["set-cookie"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    response = client.post("/desk/login", data={"token": secret, "csrf": csrf[1]},
                           follow_redirects=False)  # fmt: skip
    assert "Secure" in next(c for c in response.headers.get_list("set-cookie")
                            if c.startswith("l10n_desk="))  # fmt: skip


def test_logout_ends_the_session_for_good(reviewer: Desk) -> None:
    cookie = reviewer.client.cookies.get("l10n_desk")
    csrf = reviewer.page("ar").csrf
    response = reviewer.client.post("/desk/logout", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert 'l10n_desk=""' in response.headers["set-cookie"]
    reviewer.client.cookies.set("l10n_desk", str(cookie))
    replay = reviewer.client.get(REVIEW.format(lang="ar"), follow_redirects=False)
    assert replay.status_code == 303


def test_login_refuses_bad_tokens_and_forged_forms(api: Api) -> None:
    desk = Desk(api, "reviewer")
    form = desk.client.get("/desk/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    wrong = desk.client.post("/desk/login", data={"token": "l10n_nope", "csrf": csrf[1]})
    assert wrong.status_code == 401 and "unknown or revoked" in wrong.text
    forged = desk.client.post("/desk/login", data={"token": desk.secret, "csrf": "forged" * 5})
    assert forged.status_code == 403
    elsewhere = desk.client.post(
        "/desk/login", data={"token": desk.secret, "csrf": csrf[1]},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert elsewhere.status_code == 403
    assert "l10n_desk" not in desk.client.cookies
    redirect = desk.client.post(
        "/desk/login", data={"token": desk.secret, "csrf": csrf[1], "next": "//evil.example/x"},
        follow_redirects=False,
    )  # fmt: skip
    assert redirect.status_code == 303 and redirect.headers["location"] == "/desk"


@pytest.mark.parametrize(
    "change",
    [
        {"csrf": ""},
        {"csrf": "not-the-token"},
        {"headers": {"Origin": "https://evil.example"}},
        {"headers": {"Sec-Fetch-Site": "cross-site"}},
    ],
    ids=["no csrf", "wrong csrf", "other origin", "cross-site fetch"],
)
def test_forged_posts_change_nothing(reviewer: Desk, api: Api, change: dict[str, object]) -> None:
    entry = plain_sentences(api.root, "ar")[0].msgctxt
    page = reviewer.page("ar")
    before = po_bytes(api.root, "ar")
    fields = {**page.form(entry), "text": ARABIC}
    if "csrf" in change:
        fields["csrf"] = str(change["csrf"])
    headers = change.get("headers", {})
    for action in ("save", "approve", "publish"):
        response = reviewer.client.post(f"{REVIEW.format(lang='ar')}/{action}", data=fields,
                                        headers=headers, follow_redirects=False)  # type: ignore[arg-type]  # fmt: skip
        assert response.status_code == 403, (action, response.text[:300])
    assert po_bytes(api.root, "ar") == before


# --- what the page shows ------------------------------------------------------------------


def test_page_headers_and_no_inline_code(reviewer: Desk) -> None:
    page = reviewer.page("ar")
    headers = page.response.headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp
    assert headers["cache-control"] == "no-store" and headers["x-frame-options"] == "DENY"
    doc = page.doc
    assert all(s.get("src") for s in doc.xpath("//script"))  # no inline script
    assert not doc.xpath("//style") and not doc.xpath("//*[@style]")  # no inline style
    assert not [a for e in doc.iter() for a in e.attrib if a.startswith("on")]  # no handlers
    for name in ("desk.js", "desk.css"):
        static = reviewer.client.get(f"/desk/static/{name}")
        assert static.status_code == 200 and static.headers["etag"]
    assert reviewer.client.get("/desk/static/../app.py").status_code == 404
    # No catalog, no page and no preview, even for a reviewer.
    assert reviewer.client.get(REVIEW.format(lang="fr")).status_code == 404
    assert reviewer.client.get(REVIEW.format(lang="fr") + "/preview").status_code == 404


def test_translator_text_is_escaped(reviewer: Desk, api: Api) -> None:
    entry = plain_sentences(api.root, "ar")[0].msgctxt
    nasty = '<script>alert(1)</script><img src=x onerror=alert(2)> "q" </textarea><b>'
    assert reviewer.save("ar", reviewer.page("ar"), entry, nasty).status_code == 303
    page = reviewer.page("ar")
    assert "<script>alert" not in page.response.text and "<img" not in page.response.text
    assert page.form(entry)["text"] == nasty  # shown as text, exactly
    segment = page.segment(entry)
    assert segment.get("data-qa") == "error"  # the unsafe-markup check fired at once
    assert "unsafe" in segment.text_content()


def test_filters_and_the_segment_details(reviewer: Desk, api: Api) -> None:
    entry = plain_sentences(api.root, "ar")[0].msgctxt
    reviewer.save("ar", reviewer.page("ar"), entry, ARABIC, needs_work="1")
    page = reviewer.page("ar", "?show=fuzzy")
    visible = page.doc.xpath("//article[contains(@class,'seg') and not(@hidden)]")
    assert [s.get("data-entry") for s in visible] == [entry]
    assert page.doc.xpath("//nav[@class='filters']/a[@aria-current]/@data-filter") == ["fuzzy"]
    machine = reviewer.page("ar", "?show=machine")
    shown = machine.doc.xpath("//article[contains(@class,'seg') and not(@hidden)]/@data-state")
    assert shown and set(shown) == {"machine"}
    segment = reviewer.page("ar").segment(plain_sentences(api.root, "ar")[1].msgctxt)
    assert segment.xpath(".//div[contains(@class,'src')]/@dir") == ["ltr"]
    assert segment.xpath(".//textarea/@dir") == ["rtl"]
    assert segment.xpath(".//textarea/@lang") == ["ar"]
    assert "engine=pseudo" in segment.xpath(".//p[@class='prov']")[0].text_content()
    assert segment.xpath(".//*[@data-slot='machine-share']")  # the later change's place


def test_memory_matches_and_glossary_terms_are_offered(
    reviewer: Desk, api: Api, tmp_path: Path
) -> None:
    entry = plain_sentences(api.root, "ar")[0]
    words = entry.msgid.split()
    near = " ".join([*words[:-1], "again."])  # the same sentence, its last word changed
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" '
        'datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" '
        f'creationtoolversion="1"/><body><tu><tuv xml:lang="en"><seg>{near}</seg></tuv>'
        f'<tuv xml:lang="ar"><seg>{ARABIC}</seg></tuv></tu></body></tmx>',
        "utf-8",
    )
    run_cli("tm", "import", str(tmx), root=api.root)
    term = words[0].strip(",.")
    (api.root / "glossary").mkdir(exist_ok=True)
    (api.root / "glossary" / "ar.tsv").write_text(f"{term}\t=\n", "utf-8")

    segment = reviewer.page("ar").segment(entry.msgctxt)
    (memory,) = segment.xpath(".//li[contains(@class,'suggestion-tm')]")
    assert memory.xpath(".//span[@class='sugg-text']")[0].text_content() == ARABIC
    score = memory.xpath(".//span[@class='origin']")[0].text_content()
    assert re.search(r"Memory (7[5-9]|[89]\d)%", score), score
    assert "tmx:memory.tmx" in memory.text_content()
    terms = segment.xpath(".//ul[@class='terms']/li")
    assert [t.text_content().split()[0] for t in terms] == [term]
    assert "keep as is" in terms[0].text_content()
    assert (
        not reviewer.page("de")
        .segment(entry.msgctxt)
        .xpath(".//li[contains(@class,'suggestion-tm')]")
    )  # the memory is per language pair


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rev": "../../../etc/passwd"}, "is not a catalog revision"),
        ({"rev": "0" * 64}, "was never loaded here; reload the page"),
        ({"entry": "no.such:entry"}, "no entry 'no.such:entry'"),
        ({"text": "ب" * 66_000}, "over the 65536 limit"),
    ],
    ids=["traversal", "unknown revision", "unknown entry", "too long"],
)
def test_bad_saves_say_why_and_change_nothing(
    reviewer: Desk, api: Api, fields: dict[str, str], message: str
) -> None:
    entry = plain_sentences(api.root, "ar")[0].msgctxt
    page = reviewer.page("ar")
    before = po_bytes(api.root, "ar")
    response = reviewer.post("ar", "save", {**page.form(entry), "text": ARABIC, **fields},
                             script=True)  # fmt: skip
    assert response.status_code == 422, response.text[:300]
    assert message in response.json()["message"]
    assert po_bytes(api.root, "ar") == before
    plain = reviewer.post("ar", "save", {**page.form(entry), "text": ARABIC, **fields})
    assert plain.status_code == 422 and message in html.unescape(plain.text)  # the page


def test_malformed_bulk_approval_is_refused(reviewer: Desk, api: Api) -> None:
    before = po_bytes(api.root, "ar")
    page = reviewer.page("ar")
    response = reviewer.post("ar", "approve", {"csrf": page.csrf, "scope": "clean",
                                               "seen": "garbage"}, script=True)  # fmt: skip
    assert response.status_code == 422 and "expected '<text hash> <entry id>'" in response.text
    assert po_bytes(api.root, "ar") == before


def test_the_page_follows_a_changed_article(reviewer: Desk, api: Api, tmp_path: Path) -> None:
    entry = plain_sentences(api.root, "ar")[0]
    reviewer.save("ar", reviewer.page("ar"), entry.msgctxt, ARABIC)
    assert reviewer.page("ar").state(entry.msgctxt) == "translated"  # parsed and kept
    words = entry.msgid.rstrip(".").split()
    edited = " ".join([*words[:-1], "tomorrow"]) + "."
    article = tmp_path / f"{SLUG}.txt"
    article.write_text(SAMPLE.read_text("utf-8").replace(entry.msgid, edited), "utf-8")
    run_cli("add", str(article), root=api.root)
    page = reviewer.page("ar")
    # The article was parsed again: every catalog entry has its place in it.
    assert not page.doc.xpath("//section[@data-block='catalog'] | //article[@data-state='missing']")
    (segment,) = page.doc.xpath("//article[@data-state='fuzzy']")
    assert segment.xpath(".//div[contains(@class,'src')]/p[@class='text']")[0].text == edited
    previous = segment.xpath(".//p[@class='previous']")[0]
    assert previous.xpath(".//del")[0].text == words[-1]
    assert previous.xpath(".//ins")[0].text == "tomorrow"
    assert segment.xpath(".//textarea")[0].text == ARABIC


def test_a_proxy_that_ends_tls_is_the_same_origin(reviewer: Desk, api: Api) -> None:
    entry = plain_sentences(api.root, "ar")[0].msgctxt
    page = reviewer.page("ar")
    response = reviewer.client.post(
        f"{REVIEW.format(lang='ar')}/save", data={**page.form(entry), "text": ARABIC},
        headers={"Origin": "https://testserver"}, follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
