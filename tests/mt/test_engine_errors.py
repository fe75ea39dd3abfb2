"""Which engine failures are worth a retry. argos maps CTranslate2's errors
explicitly (``mt.argos.engine_error``): memory and thread exhaustion are transient,
everything else is permanent. The messages below are CTranslate2's own; two tests
provoke them for real (a corrupt model; a process out of address space)."""

from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from l10n_service.errors import EngineError, TransientEngineError
from l10n_service.mt.argos import engine_error


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (MemoryError(), True),  # pybind11's translation of std::bad_alloc
        (RuntimeError("mkl_malloc: failed to allocate memory"), True),
        (RuntimeError("Resource temporarily unavailable"), True),  # no thread to start
        (RuntimeError("CUDA failed with error out of memory"), True),
        (OSError(errno.ENOMEM, "Cannot allocate memory"), True),
        (OSError(errno.EMFILE, "Too many open files"), True),
        (RuntimeError("Unable to open file 'model.bin' in model '/x'"), False),
        (RuntimeError("Unsupported model binary version"), False),
        (OSError(errno.ENOENT, "No such file or directory"), False),
        (ValueError("invalid compute type"), False),
    ],
)
def test_the_mapping(exc: BaseException, transient: bool) -> None:
    mapped = engine_error(exc, "loading en->de")
    assert isinstance(mapped, EngineError)
    assert isinstance(mapped, TransientEngineError) is transient
    assert str(mapped).startswith("loading en->de: ") and "\n" not in str(mapped)


def test_a_corrupt_model_is_permanent(tmp_path: Path) -> None:
    import ctranslate2

    (tmp_path / "model.bin").write_bytes(b"not a model")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(RuntimeError) as raised:
        ctranslate2.Translator(str(tmp_path), device="cpu")
    assert type(engine_error(raised.value, "loading")) is EngineError


_OUT_OF_MEMORY = textwrap.dedent(
    """
    import resource
    import ctranslate2  # loaded first: the test is about running out, not about imports
    from l10n_service.errors import TransientEngineError
    from l10n_service.mt.registry import get_engine

    engine = get_engine("argos")
    assert engine.supports("en", "de")  # argostranslate imported, packages listed
    def vm_size():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (vm_size(), resource.RLIM_INFINITY))
    try:
        engine.translate_batch(["Hello."], "en", "de")
    except TransientEngineError as exc:
        print("transient:", exc)
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    print("then:", engine.translate_batch(["Hello."], "en", "de")[0])
    """
)


def test_out_of_memory_is_transient_and_passes(installed_models: dict[str, Path]) -> None:
    """A process with no address space left: CTranslate2 cannot allocate the model,
    the engine says "retry"; once memory is back the same engine translates."""
    run = subprocess.run(
        [sys.executable, "-c", _OUT_OF_MEMORY], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("transient: cannot load argostranslate package"), run.stdout
    assert "allocate" in lines[0] or "Resource temporarily unavailable" in lines[0]
    assert lines[1].startswith("then: ") and len(lines[1]) > len("then: ")
