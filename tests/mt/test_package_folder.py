"""The package folder after an upgrade or a killed install: packages of the image's
old layout (``/models/<package>``, before ``ARGOS_PACKAGES_DIR=/models/packages``)
are found and served, and a staging folder left by a killed install neither breaks
argostranslate's own listing nor stays. Real tiny packages, the real ``l10n``
command and argostranslate itself, each in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from l10n_service.mt.argos_packages import STAGING_PREFIX, installed_packages
from tests.conftest import REPO, run_cli
from tests.support.tiny_argos import (
    build_tiny_argos_package,
    expected_translation,
    isolated_argos_env,
)

TOP = "translate-en_de-1_0"  # the tiny package's folder

ARGOS_LIST = """
import json
import argostranslate.package
print(json.dumps(sorted(f"{p.type}:{p.from_code}-{p.to_code}@{p.package_path}"
                        for p in argostranslate.package.get_installed_packages())))
"""

OUR_ENGINE = """
import json, sys
from l10n_service.mt.argos import ArgosEngine
print(json.dumps(ArgosEngine().translate_batch(["Stocks rose."], "en", "de")))
"""

# An install through our own code whose process is SIGKILLed at the rename that puts
# the package in place (after a reinstall moved the old version aside); the folder
# above the package folder cannot be written, so the staging folder is inside it.
KILLED_INSTALL = """
import os, signal, sys, tempfile
from pathlib import Path
from l10n_service.mt import models

packages = Path(os.environ["ARGOS_PACKAGES_DIR"])
real_mkdtemp, real_rename = tempfile.mkdtemp, Path.rename

def refuse_parent(*args, **kwargs):
    if Path(str(kwargs.get("dir"))) == packages.parent:
        raise PermissionError(13, "Permission denied", str(packages.parent))
    return real_mkdtemp(*args, **kwargs)

def killed(self, target):
    if self.parent.name.startswith(".l10n-install-"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_rename(self, target)

tempfile.mkdtemp = refuse_parent
Path.rename = killed
models.install_model(sys.argv[1])
"""


def _python(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_argos_package(tmp_path_factory.mktemp("pkg"), "en", "de", mode="accent")


@pytest.fixture
def volume(tmp_path: Path) -> Path:
    """A models volume: the package folder is ``<volume>/packages``."""
    (tmp_path / "models").mkdir()
    return tmp_path / "models"


@pytest.fixture
def env(tmp_path: Path, volume: Path) -> dict[str, str]:
    return isolated_argos_env(tmp_path / "argos", ARGOS_PACKAGES_DIR=str(volume / "packages"))


def test_packages_of_the_old_layout_are_moved_in_and_served(
    package: Path, volume: Path, env: dict[str, str]
) -> None:
    """The volume as the image before /models/packages left it: packages at its
    top, no ``packages`` folder yet (an existing volume is not filled from the new
    image). Other folders there stay where they are."""
    with zipfile.ZipFile(package) as archive:
        archive.extractall(volume)
    (volume / "lost+found").mkdir()
    (volume / "notes").mkdir()
    (volume / "notes" / "metadata.json").write_text('{"title": "not a package"}')

    listed = run_cli("models", "list", env=env).stdout
    assert "en -> de" in listed
    assert (volume / "packages" / TOP / "metadata.json").is_file()
    assert sorted(p.name for p in volume.iterdir()) == ["lost+found", "notes", "packages"]

    # What an MT worker does with it: translate, and argostranslate sees it too.
    served = _python(OUR_ENGINE, env=env)
    assert served.returncode == 0, served.stderr
    assert json.loads(served.stdout) == [expected_translation("Stocks rose.")]
    theirs = _python(ARGOS_LIST, env=env)
    assert theirs.returncode == 0, theirs.stderr
    assert json.loads(theirs.stdout) == [f"translate:en-de@{volume / 'packages' / TOP}"]


def test_workers_starting_together_move_each_package_once(
    tmp_path: Path, volume: Path, env: dict[str, str]
) -> None:
    """``--scale mt-worker=4`` after an upgrade: every worker lists at start, the
    renames race, each package moves once and every worker lists them all."""
    for lang in ("de", "ar", "fr"):
        built = build_tiny_argos_package(tmp_path / lang, "en", lang, mode="accent")
        with zipfile.ZipFile(built) as archive:
            archive.extractall(volume)
    workers = [
        subprocess.Popen(
            [str(Path(sys.executable).parent / "l10n"), "models", "list"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert all(f"en -> {lang}" in out for lang in ("de", "ar", "fr")), out
        assert "cannot move" not in err
    assert sorted(p.name for p in volume.iterdir()) == ["packages"]
    assert len(list((volume / "packages").iterdir())) == 3


def test_an_old_layout_package_already_installed_anew_is_left_alone(
    package: Path, volume: Path, env: dict[str, str]
) -> None:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(volume)
        archive.extractall(volume / "packages")
    listed = run_cli("models", "list", env=env).stdout
    assert listed.count("en -> de") == 1
    assert (volume / TOP).is_dir() and (volume / "packages" / TOP).is_dir()


def test_a_killed_install_breaks_no_listing_and_is_finished_by_the_next(
    package: Path, volume: Path, env: dict[str, str]
) -> None:
    run_cli("models", "install", str(package), env=env)
    killed = _python(KILLED_INSTALL, str(package), env=env)
    assert killed.returncode == -9, killed.stderr
    packages = volume / "packages"
    (staging,) = [p for p in packages.iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert not (packages / TOP).exists()  # the old version aside, the new one not in

    # argostranslate (the [argos] extra, argospm) reads every folder there.
    theirs = _python(ARGOS_LIST, env=env)
    assert theirs.returncode == 0, theirs.stderr
    assert json.loads(theirs.stdout) == [f"l10n-install-staging:None-None@{staging}"]

    # Our next listing: the install's process is gone, so its unpacked package goes
    # in place and the staging folder away.
    assert "en -> de" in run_cli("models", "list", env=env).stdout
    assert sorted(p.name for p in packages.iterdir()) == [TOP]
    theirs = _python(ARGOS_LIST, env=env)
    assert json.loads(theirs.stdout) == [f"translate:en-de@{packages / TOP}"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_staging_folders_go_and_live_ones_stay(
    volume: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(volume / "packages"))
    (volume / "packages").mkdir()
    host = socket.gethostname()
    hour_ago = time.time() - 2 * 3600
    folders = {
        # this host, its process gone: stale at once
        f"{STAGING_PREFIX}{_dead_pid()}-{host}-a1": False,
        # this process: an install in progress
        f"{STAGING_PREFIX}{os.getpid()}-{host}-b2": True,
        # another host (container): its pid means nothing here, so by age
        f"{STAGING_PREFIX}{_dead_pid()}-elsewhere-c3": True,
        f"{STAGING_PREFIX}{_dead_pid()}-elsewhere-d4": False,  # made old below
        f"{STAGING_PREFIX}x8k2_q": False,  # an older release's name, made old below
    }
    for where in (volume, volume / "packages"):
        for name in folders:
            (where / name / "pkg").mkdir(parents=True)
            if name.endswith(("d4", "x8k2_q")):
                os.utime(where / name, (hour_ago, hour_ago))
    assert installed_packages() == []
    for where in (volume, volume / "packages"):
        assert {p.name for p in where.iterdir() if p.name.startswith(STAGING_PREFIX)} == {
            name for name, kept in folders.items() if kept
        }
