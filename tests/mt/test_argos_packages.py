"""Downloads from the package index (mt/argos_packages.py): a package only reaches
argostranslate's download cache whole, since whatever is there is what every later
install of the pair unpacks. A real HTTP server on this machine serves the links."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from l10n_service.errors import EngineUnavailable
from l10n_service.mt.argos_packages import download, downloads_dir
from l10n_service.mt.models import install_model


def _package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pkg/metadata.json", '{"from_code": "en", "to_code": "xx"}')
        archive.writestr("pkg/model/model.bin", b"\1" * 50_000)
    return buffer.getvalue()


PACKAGE = _package()
INDEX = json.dumps([{"from_code": "en", "to_code": "xx", "links": ["x"] * 50}]).encode()


class _Mirror(BaseHTTPRequestHandler):
    """``/whole``: the package; ``/cut``: its first half, then the connection closes
    (the length header announces all of it, as a mirror that drops out mid-file);
    ``/cut/index.json``: a package index, cut short the same way."""

    def do_GET(self) -> None:
        whole = INDEX if self.path.endswith("/index.json") else PACKAGE
        body = whole if self.path == "/whole" else whole[: len(whole) // 2]
        self.send_response(200)
        self.send_header("Content-Length", str(len(whole)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def mirror() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Mirror)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return downloads_dir()


def _entry(*links: str) -> dict[str, object]:
    return {"from_code": "en", "to_code": "xx", "links": list(links)}


def test_a_download_cut_short_is_a_failed_link_and_is_not_cached(mirror: str, cache: Path) -> None:
    with pytest.raises(EngineUnavailable, match="cut short") as caught:
        download(_entry(f"{mirror}/cut"))
    assert "\n" not in str(caught.value)
    assert not cache.exists() or list(cache.iterdir()) == []
    # With a second mirror, whichever is tried first, the whole package is kept.
    for _ in range(4):
        got = download(_entry(f"{mirror}/cut", f"{mirror}/whole"))
        assert got.read_bytes() == PACKAGE
        got.unlink()


def test_a_cached_file_that_is_no_package_is_fetched_again(mirror: str, cache: Path) -> None:
    cache.mkdir(parents=True)
    (cache / "translate-en_xx.argosmodel").write_bytes(PACKAGE[: len(PACKAGE) // 2])
    assert download(_entry(f"{mirror}/whole")).read_bytes() == PACKAGE
    # A whole one is kept: not fetched again (this entry's one link is cut short).
    assert download(_entry(f"{mirror}/cut")).read_bytes() == PACKAGE


def test_an_index_cut_short_is_one_line(mirror: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``l10n models install en-xx`` reading an index that breaks off mid-way."""
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", f"{mirror}/cut/")
    with pytest.raises(EngineUnavailable, match=r"cannot read the package index \(Incomplete"):
        install_model("en-xx")
