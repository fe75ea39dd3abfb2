"""A full disk: every command that writes ends with one ``error:`` line (exit 1, no
traceback) and what was stored before is byte for byte intact.

The workspace lives on a real, small tmpfs that a filler file has filled (root);
elsewhere a real file size limit (RLIMIT_FSIZE, EFBIG) stands in for it."""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BIN, SAMPLE


def _mount_tmpfs(where: Path) -> bool:
    if os.geteuid() != 0:
        return False
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], capture_output=True
    )
    return mounted.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, int | None]]:
    """(workspace, file size limit): the limit is None when the disk is a real full
    tmpfs, else the RLIMIT_FSIZE the commands run under."""
    mount = tmp_path / "disk"
    mount.mkdir()
    tmpfs = _mount_tmpfs(mount)
    try:
        yield mount / "ws", None if tmpfs else 200
    finally:
        if tmpfs:
            subprocess.run(["umount", "-l", str(mount)], check=True)


def _l10n(root: Path, *args: str, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # Python ignores SIGXFSZ, so an over-size write is EFBIG
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {k: v for k, v in os.environ.items() if k != "L10N_BROKER_URL"}
    return subprocess.run(
        [str(BIN / "l10n"), *args, "--root", str(root)], capture_output=True, text=True,
        env=env, timeout=300, preexec_fn=limit,
    )  # fmt: skip


def _snapshot(root: Path) -> dict[str, str]:
    """Every stored file's digest, but the workspace index: a cache SQLite may
    checkpoint or roll back in place, rebuilt from the files when it is off."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith(".lock") and not p.name.startswith("index.sqlite")
    }


def _fill(disk: Path) -> None:
    """Write until the file system refuses even 512 bytes (inodes stay, as on a
    real full disk)."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 65536, 4096, 512):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def test_full_disk_is_one_line_and_loses_nothing(small_disk: tuple[Path, int | None]) -> None:
    root, fsize = small_disk
    assert _l10n(root, "add", str(SAMPLE)).returncode == 0
    assert _l10n(root, "update", "--lang", "de").returncode == 0
    before = _snapshot(root)
    assert "locales/de/LC_MESSAGES/pyongyang-marathon.po" in before
    if fsize is None:
        _fill(root.parent)
    writes = [
        ["add", str(SAMPLE), "--slug", "second"],  # the article, its template
        ["update", "--lang", "fr"],  # a new catalog
        ["tokens", "create", "--role", "admin"],  # the token file
        ["bundle", "pyongyang-marathon"],  # bundle folders
    ]
    if fsize is None:
        # The translation memory's SQLite file: SQLite reports ENOSPC as "database or
        # disk is full", but EFBIG only as "disk I/O error", so only on the real disk.
        writes.append(["translate", "pyongyang-marathon", "--to", "de", "--engine", "pseudo"])
    for args in writes:
        result = _l10n(root, *args, fsize=fsize)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)
        reason = "file too large" if fsize else "no space left on device"
        assert reason in lines[0], (args, lines)
    after = _snapshot(root)
    assert {name: after.get(name) for name in before} == before
    assert not [name for name in after if name.endswith(".tmp")]


def test_api_answers_507_and_keeps_the_article(small_disk: tuple[Path, int | None]) -> None:
    """The same through the API: a problem response (507), not a 500 with a trace."""
    from fastapi.testclient import TestClient

    from l10n_service.auth import TokenStore
    from l10n_service.http.app import create_app
    from l10n_service.workspace import Workspace

    root, fsize = small_disk
    if fsize is not None:
        pytest.skip("needs a real small file system (root, to mount a tmpfs)")
    assert _l10n(root, "add", str(SAMPLE)).returncode == 0
    _, secret = TokenStore.for_workspace(Workspace.at(root)).create("admin")
    before = _snapshot(root)
    _fill(root.parent)
    with TestClient(create_app(root)) as client:
        response = client.post(
            "/articles?slug=second", content=SAMPLE.read_bytes(),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "text/plain"},
        )  # fmt: skip
    assert response.status_code == 507, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "disk is full" in response.json()["detail"]
    after = _snapshot(root)
    assert {name: after.get(name) for name in before} == before
