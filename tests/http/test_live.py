"""Against a real ``l10n serve`` (uvicorn) process: machine translation through the
API with a real Celery worker on the embedded broker, and a real browser."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable

import httpx
import pytest

from l10n_service.auth import TokenStore
from tests.conftest import REPO
from tests.http.conftest import ENTRIES, SLUG, LiveServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "test-artifacts"


def test_translation_job_through_the_api_with_a_worker(
    live_server: LiveServer, worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    store = TokenStore(live_server.root / ".l10n" / "tokens.json")
    _, reviewer = store.create("reviewer", name="rita")  # the running server sees it at once
    api = httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {reviewer}"}, timeout=10
    )
    response = api.post(f"/articles/{SLUG}/jobs", json={"languages": ["fr"], "engine": "pseudo"})
    assert response.status_code == 202, response.text
    job = response.json()["jobs"][0]
    assert job["state"] == "queued" and job["lang"] == "fr" and job["segments"] == ENTRIES
    assert response.headers["location"] == f"/jobs/{job['id']}"
    assert api.get(f"/jobs/{job['id']}").json()["progress"] == 0.0

    process = worker()  # started after the enqueue: the broker kept the job
    deadline = time.monotonic() + 300  # a hang guard, not a speed requirement
    while (state := api.get(f"/jobs/{job['id']}").json())["state"] not in ("done", "failed"):
        assert process.poll() is None, "the worker died; see worker-test.log"
        assert time.monotonic() < deadline, f"job still {state['state']} after 300 s"
        time.sleep(0.2)
    assert state["state"] == "done" and state["progress"] == 1.0
    assert state["translated"] == ENTRIES and not state["failed"]

    rows = api.get(f"/articles/{SLUG}/status").json()["catalogs"]
    fr = next(r for r in rows if r["lang"] == "fr")
    assert fr["machine"] == ENTRIES and fr["untranslated"] == 0

    built = api.post(f"/articles/{SLUG}/bundles", json={"languages": ["fr"]})
    assert built.status_code == 200 and built.json()["bundles"][0]["lang"] == "fr"
    page = httpx.get(f"{live_server.url}/articles/{SLUG}", headers={"Accept-Language": "fr-CA"})
    assert page.headers["content-language"] == "fr" and page.json()["lang"] == "fr"


def _chromium() -> str:
    """The system chromium; the test fails (never skips) without it."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(
            "chromium is required for the browser test and is missing: "
            "apt-get install -y chromium  (make services installs it)"
        )
    return path


def test_browser_front_page_to_arabic_article(live_server: LiveServer) -> None:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="en-US", viewport={"width": 1000, "height": 900})
            page.goto(f"{live_server.url}/")
            assert page.title() == "Articles"
            page.click("a.article-link")
            page.wait_for_url(f"**/articles/{SLUG}")
            assert page.evaluate("document.documentElement.lang") == "en"
            assert "The Triumphant Return" in page.inner_text("article h1")

            page.click('nav.l10n-languages a[hreflang="ar"]')
            page.wait_for_url("**?lang=ar")
            assert page.evaluate("document.documentElement.lang") == "ar"
            assert page.evaluate("document.documentElement.dir") == "rtl"
            direction = page.evaluate(
                "getComputedStyle(document.querySelector('article')).direction"
            )
            assert direction == "rtl"
            heading = page.inner_text("article h1")
            assert heading.startswith("[Ţĥéé Ţŕííüüɱþĥààñţ")  # the pseudo-translated title
            current = page.inner_text('nav.l10n-languages a[aria-current="page"]')
            assert current == "العربية"
            page.screenshot(path=str(ARTIFACTS / "article-ar.png"), full_page=False)
        finally:
            browser.close()


def test_ten_kilobyte_accept_language_over_a_real_socket(live_server: LiveServer) -> None:
    header = ",".join(f"x{i % 10}-{i:05d};q=0.{i % 9 + 1}" for i in range(800)) + ",de"
    assert len(header) > 10_000
    started = live_server.cpu_s()  # the server's CPU: the same on a busy machine
    response = httpx.get(f"{live_server.url}/articles/{SLUG}", headers={"Accept-Language": header})
    assert live_server.cpu_s() - started < 1.0
    assert response.status_code == 200 and response.headers["content-language"] == "en"
