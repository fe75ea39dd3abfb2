"""Install, list and remove argostranslate packages (:mod:`.argos_packages` reads
their format), checking a zip before extracting it (argostranslate's own
``install_from_path`` extracts with no limits at all)."""

from __future__ import annotations

import http.client
import json
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import EngineUnavailable, ModelPackageError, NotFoundError
from ..storage import disk_full
from . import argos_packages
from .registry import close_engines

__all__ = ["ModelInfo", "install_model", "list_models", "remove_model", "validate_package"]

MAX_PACKAGE_BYTES = 2 * 1024**3
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_FILES = 2000
MAX_RATIO = 200
# metadata.json of a staging folder inside the package folder (see _install_atomically).
STAGING_METADATA = '{"type": "l10n-install-staging"}\n'


@dataclass(frozen=True)
class ModelInfo:
    from_code: str
    to_code: str
    version: str
    path: str


def validate_package(path: Path) -> dict[str, object]:
    """The package's metadata, or ModelPackageError naming what is wrong."""
    if not path.is_file():
        raise ModelPackageError(f"{path}: no such file")
    if path.stat().st_size > MAX_PACKAGE_BYTES:
        raise ModelPackageError(f"{path}: larger than {MAX_PACKAGE_BYTES} bytes")
    if not zipfile.is_zipfile(path):
        raise ModelPackageError(f"{path}: not a zip archive, so not an .argosmodel package")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_FILES:
            raise ModelPackageError(f"{path}: {len(infos)} files, more than {MAX_FILES}")
        total = 0
        tops = set()
        for info in infos:
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
                raise ModelPackageError(f"{path}: unsafe path {info.filename!r} in the archive")
            if info.external_attr >> 28 == 0o12:  # symlink
                raise ModelPackageError(f"{path}: symbolic link {info.filename!r} in the archive")
            total += info.file_size
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise ModelPackageError(
                    f"{path}: {info.filename!r} expands {info.file_size // info.compress_size}x "
                    "(zip bomb?)"
                )
            tops.add(name.parts[0])
        if total > MAX_UNPACKED_BYTES:
            raise ModelPackageError(f"{path}: unpacks to {total} bytes, over {MAX_UNPACKED_BYTES}")
        if len(tops) != 1:
            raise ModelPackageError(
                f"{path}: needs exactly one top-level folder, found {sorted(tops)}"
            )
        top = tops.pop()
        names = {i.filename.rstrip("/") for i in infos}
        for required in ("metadata.json", "model/model.bin"):
            if f"{top}/{required}" not in names:
                raise ModelPackageError(f"{path}: missing {required} in the package")
        if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
            raise ModelPackageError(f"{path}: missing sentencepiece.model (or bpe.model)")
        try:
            metadata = json.loads(archive.read(f"{top}/metadata.json"))
        except (ValueError, KeyError) as exc:
            raise ModelPackageError(f"{path}: metadata.json is not valid JSON: {exc}") from None
    if not isinstance(metadata, dict) or not {"from_code", "to_code"} <= metadata.keys():
        raise ModelPackageError(f"{path}: metadata.json lacks from_code/to_code")
    return metadata


def install_model(path_or_name: str) -> ModelInfo:
    path = Path(path_or_name)
    if path.suffix == ".argosmodel" or path.exists():
        metadata = validate_package(path)
        _install_atomically(path)
    else:
        metadata = _install_from_index(path_or_name)
    close_engines()  # engines started in this process re-read the installed packages
    for info in list_models():
        if (info.from_code, info.to_code) == (metadata["from_code"], metadata["to_code"]):
            return info
    raise ModelPackageError(f"{path_or_name}: installed, but not listed as a package")


def _install_from_index(name: str) -> dict[str, object]:
    """``en-de`` or ``translate-en_de``: look it up in ARGOS_PACKAGE_INDEX."""
    pair = name.removeprefix("translate-").replace("_", "-").split("-")
    if len(pair) != 2:
        raise EngineUnavailable(f"{name!r} is neither a .argosmodel file nor a pair like en-de")
    try:
        available = argos_packages.available_packages()
    # HTTPException: a response that breaks off mid-way (IncompleteRead).
    except (OSError, RecursionError, ValueError, http.client.HTTPException) as exc:
        raise EngineUnavailable(
            f"cannot read the package index ({type(exc).__name__}); offline? "
            "install from a local .argosmodel file instead"
        ) from None
    for candidate in available:
        if (candidate.get("type") or "translate") != "translate":
            continue
        if (candidate.get("from_code"), candidate.get("to_code")) == tuple(pair):
            downloaded = argos_packages.download(candidate)
            metadata = validate_package(downloaded)
            _install_atomically(downloaded)
            return metadata
    raise EngineUnavailable(f"no package {name!r} in the package index")


def _install_atomically(path: Path) -> None:
    """Unpack a checked package beside the package folder, then rename it into
    place, so the package is there whole or not at all.

    argostranslate's own ``install_from_path`` extracts straight into its package
    folder: an archive that fails half-way (a bad CRC, a size header that lies, a
    full disk) left a half-written package that ``models list`` showed and the
    engine then failed to load. The staging folder is a sibling of the package
    folder (same file system, so the rename is atomic) and not inside it, where
    argostranslate's own listing would meet it while it is unpacked. Where that
    parent cannot be written (the package folder is a volume's mount point), the
    staging folder is a dot folder inside the package folder instead. Our listing
    skips it by its name; argostranslate's reads every folder there as a package
    and fails on one without ``metadata.json``, so it gets one naming a package type
    nothing loads (``argospm list`` shows it as ``l10n-install-staging``).

    Its name carries this process's pid and host, and ``.unpacked`` marks it once the
    package is whole: one left by a killed install is removed by the next listing or
    install, its package put in place first if its folder is missing
    (:func:`.argos_packages.tidy_packages`)."""
    packages = argos_packages.packages_dir()
    packages.mkdir(parents=True, exist_ok=True)
    argos_packages.tidy_packages(packages)
    prefix = argos_packages.staging_prefix()
    with argos_packages.packages_lock:
        try:
            staging = Path(tempfile.mkdtemp(prefix=prefix, dir=packages.parent))
        except PermissionError:
            staging = Path(tempfile.mkdtemp(prefix=prefix, dir=packages))
            (staging / "metadata.json").write_text(STAGING_METADATA, "utf-8")
        try:
            try:
                with zipfile.ZipFile(path) as archive:
                    top = PurePosixPath(archive.infolist()[0].filename).parts[0]
                    archive.extractall(staging)  # checked names and sizes: validate_package
            except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
                raise ModelPackageError(
                    f"{path}: corrupt package ({_one_line(exc)}); nothing was installed"
                ) from None
            except OSError as exc:
                raise disk_full(exc, packages) or exc from None
            (staging / argos_packages.UNPACKED_MARK).touch()
            target = packages / top
            old = staging / ".replaced"
            if target.exists():
                target.rename(old)  # a reinstall: the old version until the new one is in
            (staging / top).rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def list_models() -> list[ModelInfo]:
    return sorted(
        (
            ModelInfo(p.from_code, p.to_code, p.package_version, str(p.path))
            for p in argos_packages.installed_packages()
            if p.type == "translate"
        ),
        key=lambda m: (m.from_code, m.to_code),
    )


def remove_model(pair: str) -> ModelInfo:
    """Uninstall the package for ``en-de`` and drop it from this process's loaded
    models."""
    codes = pair.removeprefix("translate-").replace("_", "-").split("-")
    for pkg in argos_packages.installed_packages():
        if pkg.type == "translate" and [pkg.from_code, pkg.to_code] == codes:
            info = ModelInfo(pkg.from_code, pkg.to_code, pkg.package_version, str(pkg.path))
            argos_packages.uninstall(pkg)
            close_engines()
            return info
    raise NotFoundError(f"no installed argostranslate package for {pair!r}")
