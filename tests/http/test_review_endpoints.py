"""QA report and job cancellation over HTTP."""

from __future__ import annotations

from tests.http.conftest import SLUG, Api

ARTICLE = f"/articles/{SLUG}"


def test_qa_report_counts_errors_and_warnings(api: Api) -> None:
    reviewer = api.token("reviewer")
    report = api.client.get(f"{ARTICLE}/catalogs/de/check", headers=api.auth(reviewer))
    assert report.status_code == 200
    body = report.json()
    assert body["errors"] + body["warnings"] == len(body["issues"])
    assert all(i["lang"] == "de" and i["severity"] in ("error", "warning") for i in body["issues"])


def test_a_queued_job_can_be_cancelled(api: Api) -> None:
    reviewer = api.token("reviewer")
    started = api.client.post(
        f"{ARTICLE}/jobs",
        json={"languages": ["fr"], "engine": "pseudo"},
        headers=api.auth(reviewer),
    )
    job = started.json()["jobs"][0]
    assert job["state"] == "queued"  # no worker runs in this test
    cancelled = api.client.post(f"/jobs/{job['id']}/cancel", headers=api.auth(reviewer))
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = api.client.get(f"/jobs/{job['id']}", headers=api.auth(reviewer))
    assert again.json()["state"] == "cancelled"
