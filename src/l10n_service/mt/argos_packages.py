"""argostranslate's package format, read by us: where packages live, their metadata,
their tokenizer, the package index.

Why not the ``argostranslate`` library itself: its only PyPI release without torch
(``argos-translate-lt``) requires ``minisbd``, a sentence splitter that pulls in
onnxruntime (about 80 MB) and that our engine never runs (our segments are already
sentences). Importing ``argostranslate.translate`` imports it, and so do the
library's own install and uninstall. What we use of the library is small and
stable: a package is a folder with ``metadata.json``, a CTranslate2 ``model/`` and a
``sentencepiece.model`` (or a ``bpe.model``). So this module reads that format with
the same settings argostranslate reads (``ARGOS_PACKAGES_DIR``, ``ARGOS_PACKAGE_INDEX``,
``XDG_*``, ``~/.config/argos-translate/settings.json``), and packages installed by
either are seen by the other (tests/mt/test_argos_compat.py checks both ways).

BPE packages (``bpe.model``, rare in the index) need argostranslate's BPE code and
sacremoses: with ``pip install l10n-service[argos]`` (argos-translate-lt) they work,
without it loading one fails with a one-line error saying so.

Unlike argostranslate, nothing is created at import time and the settings are read
when asked, so a test or a command that sets the environment first is obeyed.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import random
import shutil
import socket
import threading
import time
import urllib.request
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import EngineUnavailable, ModelPackageError

__all__ = [
    "ArgosPackage",
    "Tokenizer",
    "available_packages",
    "download",
    "installed_packages",
    "package_index_url",
    "packages_dir",
    "packages_lock",
    "staging_prefix",
    "tidy_packages",
    "uninstall",
]

log = logging.getLogger(__name__)

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
# Held while this process installs or removes a package (argostranslate's own lock
# is just as process-local).
packages_lock = threading.Lock()

# An install unpacks into a folder named so (mt/models.py); one left behind by an
# install that was killed is removed by the next listing or install: at once when it
# was this host's and its process is gone, else when older than this (unpacking even
# a 4 GB package takes minutes, not an hour).
STAGING_PREFIX = ".l10n-install-"
STALE_STAGING_S = 3600.0
# Inside a staging folder: written once the package is unpacked whole, so a staging
# folder whose install was killed before its rename can still be put in place.
UNPACKED_MARK = ".unpacked"


def _home() -> Path:
    snap = os.environ.get("SNAP_USER_DATA") if "SNAP" in os.environ else None
    return Path(snap) if snap else Path.home()


def _xdg(var: str, *default: str) -> Path:
    return Path(os.environ.get(var) or _home().joinpath(*default)) / "argos-translate"


def _setting(key: str, default: str) -> str:
    """The environment first, then argostranslate's settings.json (as settings.py)."""
    if key in os.environ:
        return os.environ[key]
    path = _xdg("XDG_CONFIG_HOME", ".config") / "settings.json"
    try:
        value = json.loads(path.read_text("utf-8")).get(key)
    except (OSError, ValueError, AttributeError):
        value = None
    return str(value) if value is not None else default


def packages_dir() -> Path:
    """Where packages are installed: ``ARGOS_PACKAGES_DIR`` or
    ``$XDG_DATA_HOME/argos-translate/packages`` (argostranslate's default)."""
    default = _xdg("XDG_DATA_HOME", ".local", "share") / "packages"
    return Path(_setting("ARGOS_PACKAGES_DIR", str(default)))


def package_index_url() -> str:
    return _setting("ARGOS_PACKAGE_INDEX", DEFAULT_INDEX).rstrip("/") + "/index.json"


def downloads_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".local", "cache") / "downloads"


class Tokenizer(Protocol):
    def encode(self, sentence: str) -> list[str]: ...

    def decode(self, tokens: Sequence[str]) -> str: ...


class _SentencePiece:
    """argostranslate's SentencePieceTokenizer, loaded on first use; ``decode`` turns
    ``▁`` and ``_`` into spaces exactly as it does, so output matches its own."""

    def __init__(self, model: Path) -> None:
        self.model = model
        self._processor: Any = None

    def _sp(self) -> Any:
        if self._processor is None:
            import sentencepiece

            self._processor = sentencepiece.SentencePieceProcessor(model_file=str(self.model))
        return self._processor

    def encode(self, sentence: str) -> list[str]:
        return list(self._sp().encode(sentence, out_type=str))

    def decode(self, tokens: Sequence[str]) -> str:
        return str(self._sp().decode_pieces(list(tokens))).replace("▁", " ").replace("_", " ")


def _bpe(model: Path, source: str, target: str) -> Tokenizer:
    try:
        from argostranslate.tokenizer import BPETokenizer
    except ImportError:
        raise EngineUnavailable(
            f"{model.parent.name} uses BPE tokenization (bpe.model), which needs "
            "argos-translate-lt: pip install 'l10n-service[argos]'"
        ) from None
    tokenizer: Tokenizer = BPETokenizer(model, source, target)
    return tokenizer


@dataclass(frozen=True)
class ArgosPackage:
    """An installed package: its folder and what metadata.json says (with
    argostranslate's defaults for missing keys)."""

    path: Path
    type: str
    from_code: str
    to_code: str
    package_version: str
    from_name: str = ""
    to_name: str = ""
    target_prefix: str = ""

    @classmethod
    def read(cls, path: Path) -> ArgosPackage:
        """The package in folder ``path``, or ModelPackageError naming what is wrong."""
        try:
            meta = json.loads((path / "metadata.json").read_text("utf-8"))
        except OSError as exc:
            raise ModelPackageError(f"{path}: cannot read metadata.json ({exc.strerror})") from None
        except ValueError as exc:
            raise ModelPackageError(f"{path}: metadata.json is not valid JSON: {exc}") from None
        if not isinstance(meta, dict):
            raise ModelPackageError(f"{path}: metadata.json is not an object")
        return cls(
            path=path,
            type=str(meta.get("type") or "translate"),
            from_code=str(meta.get("from_code") or ""),
            to_code=str(meta.get("to_code") or ""),
            package_version=str(meta.get("package_version") or ""),
            from_name=str(meta.get("from_name") or ""),
            to_name=str(meta.get("to_name") or ""),
            target_prefix=str(meta.get("target_prefix") or ""),
        )

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    def tokenizer(self) -> Tokenizer:
        """SentencePiece when the package has ``sentencepiece.model`` (as
        argostranslate, which prefers it), else BPE."""
        if (self.path / "sentencepiece.model").exists():
            return _SentencePiece(self.path / "sentencepiece.model")
        if (self.path / "bpe.model").exists():
            return _bpe(self.path / "bpe.model", self.from_code, self.to_code)
        raise ModelPackageError(f"{self.path}: no sentencepiece.model or bpe.model")


def installed_packages() -> list[ArgosPackage]:
    """Every package folder in :func:`packages_dir`, sorted by name. Folders without
    ``metadata.json`` (nothing argostranslate could have installed) and install
    staging folders are not packages; a package whose metadata cannot be read fails
    with its path named. Tidies the folder first (:func:`tidy_packages`)."""
    root = packages_dir()
    tidy_packages(root)
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir())
    except FileNotFoundError:
        return []
    return [
        ArgosPackage.read(p)
        for p in folders
        if not p.name.startswith(STAGING_PREFIX) and (p / "metadata.json").exists()
    ]


def staging_prefix() -> str:
    """The name start of this process's staging folders: its pid and host, so that
    a later listing can tell one whose install was killed (pids are per host, and per
    container: a container's host name is its own)."""
    return f"{STAGING_PREFIX}{os.getpid()}-{socket.gethostname()}-"


def tidy_packages(root: Path) -> None:
    """What every listing does first, so that it holds for every entry point (worker,
    CLI, API) whichever starts first after an upgrade or a crash:

    * Packages in the folder above ``root`` when ``root`` is named ``packages`` move
      into ``root``. The image's package folder was the models volume's mount point
      (``/models``) before it became ``/models/packages``: packages installed then
      sit at ``/models/<package>``, and nothing listed them after the upgrade. A
      rename within the volume, atomic; several workers starting together race
      harmlessly (the loser finds the folder gone). Only folders whose
      ``metadata.json`` is an argos package's (an object with ``from_code``) move.
    * Staging folders of installs that were killed (:data:`STALE_STAGING_S`) are
      removed, after putting a package they unpacked whole in place if its folder
      is missing (a kill between the two renames of a reinstall)."""
    parent = root.parent
    try:
        above = sorted(parent.iterdir())
    except OSError:
        return
    inside: list[Path] = []
    with contextlib.suppress(OSError):  # no package folder yet
        inside = sorted(p for p in root.iterdir() if p.name.startswith(STAGING_PREFIX))
    stale = [p for p in above + inside if p.name.startswith(STAGING_PREFIX) and _stale(p)]
    legacy = [p for p in above if root.name == "packages" and p != root and _is_package(p)]
    if not stale and not legacy:
        return
    with packages_lock:
        for staging in stale:
            _finish_or_drop(staging, root)
        for folder in legacy:
            _adopt(folder, root)


def _stale(staging: Path) -> bool:
    rest = staging.name[len(STAGING_PREFIX) :]
    pid, _, host_and_suffix = rest.partition("-")
    if pid.isdigit() and host_and_suffix.rpartition("-")[0] == socket.gethostname():
        if int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except OSError:
            pass  # alive, someone else's
    try:
        return time.time() - staging.stat().st_mtime > STALE_STAGING_S
    except OSError:
        return False


def _finish_or_drop(staging: Path, root: Path) -> None:
    if (staging / UNPACKED_MARK).exists():
        for unpacked in staging.iterdir():
            target = root / unpacked.name
            if unpacked.is_dir() and not unpacked.name.startswith(".") and not target.exists():
                try:
                    unpacked.rename(target)
                    log.warning("put %s in place, unpacked by an install that was killed", target)
                except OSError:
                    pass
    shutil.rmtree(staging, ignore_errors=True)


def _is_package(folder: Path) -> bool:
    if folder.name.startswith(".") or not folder.is_dir():
        return False
    try:
        meta = json.loads((folder / "metadata.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and "from_code" in meta


_warned: set[Path] = set()


def _adopt(folder: Path, root: Path) -> None:
    target = root / folder.name
    try:
        root.mkdir(parents=True, exist_ok=True)
        if target.exists():
            if not folder.exists():
                return  # another process moved it first
            raise FileExistsError(17, "a package of that name is installed", str(target))
        folder.rename(target)
    except FileNotFoundError:
        return  # another process moved it first
    except OSError as exc:
        if folder not in _warned:
            _warned.add(folder)
            log.warning(
                "package %s is outside the package folder %s and cannot move there (%s); "
                "it is not used: move it by hand", folder, root, exc.strerror or exc,
            )  # fmt: skip
        return
    log.warning("moved package %s into the package folder %s (the old layout)", folder, root)


def uninstall(package: ArgosPackage) -> None:
    with packages_lock:
        shutil.rmtree(package.path)


def available_packages(timeout: float = 60.0) -> list[dict[str, Any]]:
    """The entries of the package index (``ARGOS_PACKAGE_INDEX``/index.json)."""
    with urllib.request.urlopen(package_index_url(), timeout=timeout) as response:
        index = json.loads(response.read())
    if not isinstance(index, list):
        raise ValueError("the package index is not a list")
    return [entry for entry in index if isinstance(entry, dict)]


def download(entry: dict[str, Any], timeout: float = 600.0) -> Path:
    """Download an index entry's package into argostranslate's downloads folder
    (kept there, as argostranslate does, so a second install does not fetch it
    again); its links are tried in random order, as argostranslate does.

    A response shorter than its ``Content-Length`` (a mirror that dropped the
    connection: urllib's reads in pieces return what came, with no error) is a failed
    link, not a download: kept, it was what every later install found in the cache.
    For the same reason a cached file that is not a zip archive is fetched again."""
    name = f"{entry.get('type') or 'translate'}-{entry['from_code']}_{entry['to_code']}"
    target = downloads_dir() / f"{name}.argosmodel"
    if target.exists() and zipfile.is_zipfile(target):
        return target
    links = [str(link) for link in entry.get("links") or []]
    random.shuffle(links)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    errors = []
    for link in links:
        try:
            with (
                urllib.request.urlopen(link, timeout=timeout) as response,
                partial.open("wb") as out,
            ):
                shutil.copyfileobj(response, out, 1 << 20)  # streamed: packages reach 100s of MB
                _check_length(response.headers.get("Content-Length"), out.tell())
        except (OSError, ValueError, http.client.HTTPException) as exc:
            partial.unlink(missing_ok=True)
            errors.append(f"{link}: {exc}")
            continue
        partial.replace(target)
        return target
    raise EngineUnavailable(f"cannot download {name}: {'; '.join(errors) or 'no links'}")


def _check_length(announced: str | None, received: int) -> None:
    """ValueError when fewer (or more) bytes came than the response announced."""
    if announced is not None and announced.strip().isdigit() and int(announced) != received:
        raise ValueError(f"cut short: {received} of {int(announced)} bytes")
