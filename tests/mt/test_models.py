"""A package zip is checked before argostranslate extracts it: its own installer
extracts with no limits, so hostile archives must be stopped here."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from l10n_service.errors import ModelPackageError
from l10n_service.mt.models import list_models, validate_package
from tests.conftest import run_cli


def _zip(path: Path, files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


GOOD = {
    "pkg/metadata.json": b'{"from_code": "en", "to_code": "xx"}',
    "pkg/sentencepiece.model": b"x",
    "pkg/model/model.bin": b"x",
}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({**GOOD, "../evil.txt": b"x"}, "unsafe path"),
        ({**GOOD, "/etc/evil": b"x"}, "unsafe path"),
        ({**GOOD, "other/x": b"x"}, "exactly one top-level folder"),
        ({k: v for k, v in GOOD.items() if "model.bin" not in k}, "missing model/model.bin"),
        ({k: v for k, v in GOOD.items() if "sentencepiece" not in k}, "sentencepiece.model"),
        ({**GOOD, "pkg/metadata.json": b"{not json"}, "not valid JSON"),
        ({**GOOD, "pkg/metadata.json": b"{}"}, "from_code"),
        ({**GOOD, "pkg/model/big.bin": b"\0" * 5_000_000}, "zip bomb"),
    ],
)
def test_hostile_or_broken_packages_are_rejected(
    tmp_path: Path, files: dict[str, bytes], message: str
) -> None:
    path = _zip(tmp_path / "bad.argosmodel", files)
    with pytest.raises(ModelPackageError, match=message):
        validate_package(path)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.argosmodel"
    path.write_bytes(b"definitely not a zip")
    with pytest.raises(ModelPackageError, match="not a zip"):
        validate_package(path)


def test_cli_rejects_bad_package_and_installs_nothing(tmp_path: Path) -> None:
    before = list_models()
    path = _zip(tmp_path / "bad.argosmodel", {**GOOD, "../evil.txt": b"x"})
    result = run_cli("models", "install", str(path), check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unsafe path" in result.stderr
    assert "Traceback" not in result.stderr
    assert list_models() == before


def test_install_and_list_real_package(installed_models: dict[str, Path]) -> None:
    pairs = {(m.from_code, m.to_code) for m in list_models()}
    assert {("en", "de"), ("en", "ar")} <= pairs
    listed = run_cli("models", "list").stdout
    assert "en -> de" in listed and "en -> ar" in listed


def test_remove_model_then_reinstall(
    tiny_models: dict[str, Path], installed_models: dict[str, Path]
) -> None:
    removed = run_cli("models", "remove", "en-ar")
    assert "removed en -> ar" in removed.stdout
    assert ("en", "ar") not in {(m.from_code, m.to_code) for m in list_models()}
    missing = run_cli("models", "remove", "en-ar", check=False)
    assert missing.returncode == 2 and "no installed" in missing.stderr
    run_cli("models", "install", str(tiny_models["ar"]))
    assert ("en", "ar") in {(m.from_code, m.to_code) for m in list_models()}


def _corrupt(path: Path, how: str) -> Path:
    """A package that passes validate_package (it reads only the headers) but fails
    while unpacking: a flipped byte in a stored member (bad CRC) or a central
    directory that claims a smaller size than the member has (a lying size header)."""
    payload = b"model weights " * 4000
    files = {**GOOD, "pkg/metadata.json": b'{"from_code": "en", "to_code": "zz"}',
             "pkg/model/model.bin": payload}  # fmt: skip
    _zip(path, files, compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    if how == "bad-crc":
        at = data.index(payload) + len(payload) // 2
        data[at] ^= 0xFF
    else:  # lying-size: file_size in the central directory entry of model.bin
        entry = data.index(b"PK\x01\x02")
        while not data[entry + 46 :].startswith(b"pkg/model/model.bin"):
            entry = data.index(b"PK\x01\x02", entry + 4)
        data[entry + 24 : entry + 28] = (len(payload) - 100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("how", ["bad-crc", "lying-size"])
def test_a_package_that_fails_while_unpacking_installs_nothing(tmp_path: Path, how: str) -> None:
    from l10n_service.mt.argos_packages import packages_dir

    packages = packages_dir()
    path = _corrupt(tmp_path / f"{how}.argosmodel", how)
    validate_package(path)  # the headers look fine: the damage shows only when unpacking
    result = run_cli("models", "install", str(path), check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "corrupt package" in lines[0] and "nothing was installed" in lines[0]
    assert "pkg" not in {p.name for p in packages.iterdir()}
    assert not [p for p in packages.parent.iterdir() if p.name.startswith(".l10n-install-")]
    listed = run_cli("models", "list").stdout
    assert "en -> zz" not in listed and "en->zz" not in listed
    assert ("en", "zz") not in {(m.from_code, m.to_code) for m in list_models()}


def test_reinstall_replaces_the_package_whole(tmp_path: Path) -> None:
    from l10n_service.mt.argos_packages import packages_dir

    first = _zip(tmp_path / "v1.argosmodel", {**GOOD, "pkg/metadata.json":
                 b'{"from_code": "en", "to_code": "zz", "package_version": "1.0"}'})  # fmt: skip
    second = _zip(tmp_path / "v2.argosmodel", {**GOOD, "pkg/metadata.json":
                  b'{"from_code": "en", "to_code": "zz", "package_version": "2.0"}'})  # fmt: skip
    try:
        run_cli("models", "install", str(first))
        run_cli("models", "install", str(second))
        installed = {(m.from_code, m.to_code): m.version for m in list_models()}
        assert installed[("en", "zz")] == "2.0"
        packages = packages_dir()
        assert not [p for p in packages.parent.iterdir() if p.name.startswith(".l10n-install-")]
    finally:
        run_cli("models", "remove", "en-zz", check=False)


def test_install_when_the_folder_above_the_packages_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the image the package folder is a volume's mount point and ``/`` belongs to
    root, so the sibling staging folder cannot be made there. The suite runs as root,
    whom no permission stops: the refusal is simulated, the install is real."""
    import tempfile

    from l10n_service.mt import models
    from l10n_service.mt.argos_packages import packages_dir

    packages = packages_dir()
    real_mkdtemp = tempfile.mkdtemp

    def refuse_parent(*args: object, **kwargs: object) -> str:
        if Path(str(kwargs.get("dir"))) == packages.parent:
            raise PermissionError(13, "Permission denied", str(packages.parent))
        return real_mkdtemp(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(models.tempfile, "mkdtemp", refuse_parent)
    path = _zip(tmp_path / "v1.argosmodel", {**GOOD, "pkg/metadata.json":
                b'{"from_code": "en", "to_code": "zy", "package_version": "1.0"}'})  # fmt: skip
    try:
        info = models.install_model(str(path))
        assert (info.from_code, info.to_code) == ("en", "zy")
        assert ("en", "zy") in {(m.from_code, m.to_code) for m in list_models()}
        assert not [p for p in packages.iterdir() if p.name.startswith(".l10n-install-")]
    finally:
        models.remove_model("en-zy")
