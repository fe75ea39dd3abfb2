"""Atomic writes: all or nothing, and the file modes readers expect."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from l10n_service.storage import current_umask, write_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_umask_is_read_without_changing_it() -> None:
    before = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        assert os.umask(0o027) == 0o027  # still what we set
    finally:
        os.umask(before)


def test_a_new_file_gets_the_usual_mode_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    before = os.umask(0o022)
    try:
        fresh = tmp_path / "deep" / "new.txt"
        write_atomic(fresh, b"one")
        assert (fresh.read_bytes(), _mode(fresh)) == (b"one", 0o644)
        fresh.chmod(0o640)
        write_atomic(fresh, b"two")
        assert (fresh.read_bytes(), _mode(fresh)) == (b"two", 0o640)
        secret = tmp_path / "tokens.json"
        write_atomic(secret, b"{}", mode=0o600)
        assert _mode(secret) == 0o600
    finally:
        os.umask(before)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(b"old")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.json"]
