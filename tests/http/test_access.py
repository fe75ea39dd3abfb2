"""Who may do what (roles matrix, revocation), problem+json for every error, and
hostile paths that must never reach a file outside the workspace."""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import httpx
import polib
import pytest

from l10n_service.auth import hash_token
from tests.conftest import run_cli
from tests.http.conftest import ENTRIES, SLUG, Api, LiveServer, make_api

ARTICLE = f"/articles/{SLUG}"
PROBLEM = "application/problem+json"
MD = b"# Breaking news\n\nThe river rose overnight. Residents were moved to safety.\n"


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert isinstance(body["type"], str) and isinstance(body["title"], str)
    text = response.text
    assert "Traceback" not in text and str(Path.cwd()) not in text
    return body


def _po_upload(api: Api, lang: str, token: str) -> httpx.Response:
    """Download the catalog as admin, translate one entry, upload it with ``token``."""
    admin = api.token("admin")
    path = api.root / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"
    if path.exists():
        data = api.client.get(f"{ARTICLE}/catalogs/{lang}.po", headers=api.auth(admin)).content
        po = polib.pofile(data.decode("utf-8"))
        po[0].msgstr = f"Human {lang} title"
        po[0].flags = []  # the translator's editor clears "fuzzy" on a reviewed entry
        body = str(po).encode("utf-8")
    else:
        body = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    response: httpx.Response = api.client.put(
        f"{ARTICLE}/catalogs/{lang}.po",
        content=body,
        headers={**api.auth(token), "Content-Type": "text/x-gettext-translation"},
    )
    return response


# (name, call) -> the status each role gets. Each case runs on a fresh workspace copy.
Call = Callable[[Api, str], httpx.Response]
CASES: list[tuple[str, Call, dict[str, int]]] = [
    (
        "list articles",
        lambda a, t: a.client.get("/articles", headers=a.auth(t)),
        {"translator": 403, "reviewer": 403, "admin": 200},
    ),
    (
        "add article",
        lambda a, t: a.client.post(
            "/articles?slug=flood",
            content=MD,
            headers={**a.auth(t), "Content-Type": "text/markdown"},
        ),
        {"translator": 403, "reviewer": 403, "admin": 201},
    ),
    (
        "delete article",
        lambda a, t: a.client.delete(ARTICLE, headers=a.auth(t)),
        {"translator": 403, "reviewer": 403, "admin": 204},
    ),
    (
        "download own catalog",
        lambda a, t: a.client.get(f"{ARTICLE}/catalogs/de.po", headers=a.auth(t)),
        {"translator": 200, "reviewer": 200, "admin": 200},
    ),
    (
        "download other catalog",
        lambda a, t: a.client.get(f"{ARTICLE}/catalogs/ar.po", headers=a.auth(t)),
        {"translator": 403, "reviewer": 200, "admin": 200},
    ),
    (
        "upload own catalog",
        lambda a, t: _po_upload(a, "de", t),
        {"translator": 200, "reviewer": 403, "admin": 200},
    ),
    (
        "upload fr catalog",
        lambda a, t: _po_upload(a, "fr", t),
        {"translator": 403, "reviewer": 403, "admin": 404},
    ),
    (
        "approve",
        lambda a, t: a.client.post(
            f"{ARTICLE}/catalogs/de/approve",
            json={"all": True, "include_machine": True},
            headers=a.auth(t),
        ),
        {"translator": 403, "reviewer": 200, "admin": 200},
    ),
    (
        "build bundles",
        lambda a, t: a.client.post(f"{ARTICLE}/bundles", json={}, headers=a.auth(t)),
        {"translator": 403, "reviewer": 200, "admin": 200},
    ),
    (
        "start job",
        lambda a, t: a.client.post(
            f"{ARTICLE}/jobs", json={"languages": ["de"], "engine": "pseudo"}, headers=a.auth(t)
        ),
        {"translator": 403, "reviewer": 202, "admin": 202},
    ),
    (
        "read job",
        lambda a, t: a.client.get("/jobs/000000000000", headers=a.auth(t)),
        {"translator": 403, "reviewer": 404, "admin": 404},
    ),
    (
        "cancel job",
        lambda a, t: a.client.post("/jobs/000000000000/cancel", headers=a.auth(t)),
        {"translator": 403, "reviewer": 404, "admin": 404},
    ),
    (
        "QA report own language",
        lambda a, t: a.client.get(f"{ARTICLE}/catalogs/de/check", headers=a.auth(t)),
        {"translator": 200, "reviewer": 200, "admin": 200},
    ),
    (
        "QA report other language",
        lambda a, t: a.client.get(f"{ARTICLE}/catalogs/ar/check", headers=a.auth(t)),
        {"translator": 403, "reviewer": 200, "admin": 200},
    ),
    (
        "status",
        lambda a, t: a.client.get(f"{ARTICLE}/status", headers=a.auth(t)),
        {"translator": 200, "reviewer": 200, "admin": 200},
    ),
    (
        "list tokens",
        lambda a, t: a.client.get("/tokens", headers=a.auth(t)),
        {"translator": 403, "reviewer": 403, "admin": 200},
    ),
    (
        "create token",
        lambda a, t: a.client.post(
            "/tokens", json={"role": "translator", "languages": ["fr"]}, headers=a.auth(t)
        ),
        {"translator": 403, "reviewer": 403, "admin": 201},
    ),
]


@pytest.mark.parametrize(("name", "call", "expected"), CASES, ids=[c[0] for c in CASES])
def test_roles_matrix(api: Api, name: str, call: Call, expected: dict[str, int]) -> None:
    tokens = {
        "translator": api.token("translator", "de"),
        "reviewer": api.token("reviewer"),
        "admin": api.token("admin"),
    }
    # The anonymous and the forged are refused before anything else.
    assert_problem(call(api, ""), 401)
    assert_problem(call(api, "l10n_forged-token"), 401)
    for role, status in expected.items():
        response = call(api, tokens[role])
        assert response.status_code == status, f"{name} as {role}: {response.text}"
        if status >= 400:
            assert response.headers["content-type"] == PROBLEM
        if status in (200, 201, 204) and name in ("add article", "delete article"):
            break  # mutations: once is enough


def test_translator_upload_is_recorded_and_limited_to_its_language(api: Api) -> None:
    translator = api.token("translator", "de", name="dora")
    report = _po_upload(api, "de", translator)
    assert report.status_code == 200
    counts = {k: report.json()[k] for k in ("updated", "unchanged", "unknown")}
    assert counts == {"updated": 1, "unchanged": ENTRIES - 1, "unknown": 0}
    status = api.client.get(f"{ARTICLE}/status", headers=api.auth(translator)).json()
    de = next(r for r in status["catalogs"] if r["lang"] == "de")
    assert de["translated"] == 1
    body = assert_problem(_po_upload(api, "fr", translator), 403)
    assert "fr" in str(body["detail"])


def test_revoked_reviewer_token_is_refused_at_once(api: Api) -> None:
    reviewer = api.token("reviewer")
    url = f"{ARTICLE}/catalogs/de/approve"
    ok = api.client.post(
        url, json={"all": True, "include_machine": True}, headers=api.auth(reviewer)
    )
    # Allowed, and refused for what it asks (pseudo text is never approved).
    assert ok.status_code == 200 and ok.json()["pseudo"] == ENTRIES
    record = next(r for r in api.store.records() if r.role == "reviewer")
    admin = api.token("admin")
    revoked = api.client.delete(f"/tokens/{record.id}", headers=api.auth(admin))
    assert revoked.status_code == 204
    response = api.client.post(url, json={"all": True}, headers=api.auth(reviewer))
    assert_problem(response, 401)
    assert "invalid_token" in response.headers["www-authenticate"]


def test_tokens_cli_and_storage(api: Api) -> None:
    """``l10n tokens``: the secret is printed once, stored only as its SHA-256."""
    created = run_cli("tokens", "create", "--role", "translator", "--lang", "de,pt-BR",
                      "--name", "Dora", root=api.root)  # fmt: skip
    secret = created.stdout.strip()
    assert secret.startswith("l10n_") and "\n" not in secret
    assert "cannot be shown again" in created.stderr
    path = api.root / ".l10n" / "tokens.json"
    raw = path.read_text("utf-8")
    assert secret not in raw and hash_token(secret) in raw
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    listed = json.loads(run_cli("tokens", "list", "--json", root=api.root).stdout)
    assert listed[0]["languages"] == ["de", "pt_BR"] and "sha256" not in listed[0]
    pt = api.client.get(f"{ARTICLE}/catalogs/pt-BR.po", headers=api.auth(secret))
    assert pt.status_code == 404  # allowed, but there is no pt_BR catalog
    assert api.client.get(f"{ARTICLE}/catalogs/de.po", headers=api.auth(secret)).status_code == 200
    run_cli("tokens", "revoke", listed[0]["id"], root=api.root)
    refused = api.client.get(f"{ARTICLE}/catalogs/de.po", headers=api.auth(secret))
    assert_problem(refused, 401)
    bad = run_cli("tokens", "create", "--role", "translator", root=api.root, check=False)
    assert bad.returncode == 2 and "needs its languages" in bad.stderr


def test_public_reading_needs_no_token(api: Api) -> None:
    assert api.client.get(ARTICLE).status_code == 200
    assert api.client.get("/").status_code == 200
    assert api.client.get(f"{ARTICLE}/de/index.html").status_code == 200


# -- hostile paths ---------------------------------------------------------------------

TRAVERSALS = [
    "/articles/..%2F..%2F..%2Fetc%2Fpasswd",
    "/articles/%2e%2e",
    "/articles/%2e%2e/%2e%2e/bundle.json",
    "/articles/%2e%2e/de/bundle.json",
    f"/articles/{SLUG}/%2e%2e/bundle.json",
    f"/articles/{SLUG}/..%2F..%2F..%2F..%2Fetc/bundle.json",
    f"/articles/{SLUG}/%2Fetc%2Fpasswd/bundle.json",
    f"/articles/{SLUG}/de%00/bundle.json",
    f"/articles/{SLUG}%00/de/index.html",
    "/articles/%2Fetc%2Fpasswd/de/bundle.json",
    f"/articles/{SLUG}/..%5C..%5Cetc/bundle.json",
    f"{ARTICLE}?lang=../../../etc",
    f"{ARTICLE}?lang=%2Fetc%2Fpasswd",
    f"{ARTICLE}?lang=de%00",
    f"{ARTICLE}/catalogs/..%2F..%2F..%2Fetc%2Fpasswd.po",
    f"{ARTICLE}/catalogs/%2e%2e.po",
    f"{ARTICLE}/catalogs/de%00.po",
    "/articles/%2e%2e/catalogs/de.po",
    "/jobs/..%2F..%2Ftokens",
    "/jobs/%2e%2e",
    "/jobs/" + "a" * 5000,
    "/articles/" + "a" * 5000,
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_is_refused(api: Api, path: str) -> None:
    response = api.client.get(path, headers=api.auth(api.token("admin")))
    assert response.status_code in (400, 404), f"{path}: {response.status_code} {response.text}"
    assert response.headers["content-type"] == PROBLEM
    assert "root:" not in response.text and "sha256" not in response.text


def test_a_symlink_planted_in_bundles_leads_nowhere(api: Api, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "bundle.json").write_text('{"secret": "leaked"}')
    (api.root / "bundles" / SLUG / "fr").symlink_to(outside)
    for path in (f"{ARTICLE}/fr/bundle.json", f"{ARTICLE}?lang=fr"):
        response = api.client.get(path)
        assert response.status_code == 404 and "leaked" not in response.text


def test_raw_dot_segments_over_a_real_socket(live_server: LiveServer) -> None:
    """Clients normalise ``..`` away; send the raw request line ourselves."""
    url = urlparse(live_server.url)
    for target in (f"/articles/{SLUG}/../../../../etc/passwd", "/articles/../../.l10n/tokens.json"):
        with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        status = int(data.split(b" ", 2)[1])
        assert status in (400, 404), data[:300]
        assert b"root:" not in data and b"sha256" not in data


# -- problem+json ----------------------------------------------------------------------


def test_problem_documents(api: Api) -> None:
    admin = api.auth(api.token("admin"))
    assert_problem(api.client.get("/no/such/route"), 404)
    assert_problem(api.client.put(ARTICLE), 405)
    body = assert_problem(api.client.get("/articles/Not_A_Slug"), 400)
    assert "invalid article slug" in str(body["detail"])
    body = assert_problem(
        api.client.post(f"{ARTICLE}/catalogs/de/approve", json={}, headers=admin), 422
    )
    assert body["errors"] and "detail" in body
    assert_problem(
        api.client.post(f"{ARTICLE}/catalogs/de/approve", content=b"{", headers={
            **admin, "Content-Type": "application/json"}),
        422,
    )  # fmt: skip
    body = assert_problem(
        api.client.post(f"{ARTICLE}/catalogs/de/approve", json={"ids": ["nope"]}, headers=admin),
        422,
    )
    assert str(api.root) not in str(body["detail"])  # no server paths in messages
    assert_problem(
        api.client.post(f"{ARTICLE}/jobs", json={"languages": ["xx-evil"]}, headers=admin), 400
    )
    assert_problem(
        api.client.post(
            f"{ARTICLE}/jobs", content=b"languages=de", headers={
                **admin, "Content-Type": "application/x-www-form-urlencoded"}
        ),
        415,
    )  # fmt: skip


def test_wrong_upload_content_type_is_415(api: Api) -> None:
    admin = api.auth(api.token("admin"))
    for ctype in ("application/json", "image/png", ""):
        response = api.client.post(
            "/articles?slug=x", content=b"{}", headers={**admin, "Content-Type": ctype}
        )
        body = assert_problem(response, 415)
        assert "text/markdown" in str(body["detail"])


def test_oversized_upload_is_413(published_copy: Path) -> None:
    api = make_api(published_copy, max_body_bytes=64 * 1024)
    admin = api.auth(api.token("admin"))
    big = b"# Big\n\n" + b"All work and no play. " * 5000
    # With a Content-Length: refused before the handler runs.
    response = api.client.post(
        "/articles?slug=big", content=big, headers={**admin, "Content-Type": "text/markdown"}
    )
    assert_problem(response, 413)
    # Streamed without a length: refused while reading.
    response = api.client.post(
        "/articles?slug=big",
        content=iter([big[i : i + 8192] for i in range(0, len(big), 8192)]),
        headers={**admin, "Content-Type": "text/markdown"},
    )
    assert_problem(response, 413)
    # Multipart too.
    response = api.client.post(
        "/articles", files={"file": ("big.md", big, "text/markdown")}, headers=admin
    )
    assert_problem(response, 413)
    assert not (published_copy / "articles" / "big.md").exists()


def test_default_limit_is_two_mebibytes(api: Api) -> None:
    admin = api.auth(api.token("admin"))
    response = api.client.put(
        f"{ARTICLE}/catalogs/de.po",
        content=b"#" * (2 * 1024 * 1024 + 1),
        headers={**admin, "Content-Type": "text/x-gettext-translation"},
    )
    assert_problem(response, 413)


def test_server_crash_is_a_bare_500(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    import l10n_service.http.articles as articles

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/data")

    monkeypatch.setattr(articles, "list_articles", boom)
    body = assert_problem(api.client.get("/"), 500)
    assert "secret" not in json.dumps(body)


def test_cli_exit_for_unknown_token_id(api: Api) -> None:
    result = run_cli("tokens", "revoke", "nope", root=api.root, check=False)
    assert result.returncode == 2 and "no token with id 'nope'" in result.stderr


def test_server_faults_do_not_leak_their_messages(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import l10n_service.services.machine as machine
    from l10n_service.errors import JobError

    admin = api.auth(api.token("admin"))

    def broker_down(*args: object, **kwargs: object) -> None:
        raise JobError("could not enqueue: redis://:hunter2@10.0.0.5:6379 refused")

    monkeypatch.setattr(machine, "start_jobs", broker_down)
    response = api.client.post(f"{ARTICLE}/jobs", json={"languages": ["de"]}, headers=admin)
    body = assert_problem(response, 503)
    assert "broker" in str(body["detail"]) and "hunter2" not in response.text

    (api.root / ".l10n" / "tokens.json").write_text("{not json")
    response = api.client.get("/articles", headers=admin)
    assert_problem(response, 500)
    assert "tokens.json" not in response.text
