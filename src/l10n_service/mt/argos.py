"""argostranslate packages, run on CTranslate2 directly.

The packages are read by :mod:`.argos_packages` (argostranslate's format and
settings, without the library: see there why); we skip argostranslate's
``translate()`` because our segments are already sentences: it would split them
again (with a sentence model it may try to download) and translate one sentence per
Python call. Here a batch goes to ``Translator.translate_batch`` in one call with
argostranslate's own decoding options, sorted by length so padding stays small.
"""

from __future__ import annotations

import errno
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import EngineError, EngineUnavailable, TransientEngineError
from .argos_packages import ArgosPackage, installed_packages
from .base import Engine, language_code

__all__ = ["ArgosEngine", "DecodingOptions", "engine_error", "find_package", "installed_pairs"]


@dataclass(frozen=True)
class DecodingOptions:
    """argostranslate 1.11's options (translate.py ``apply_packaged_translation``)."""

    beam_size: int = 4
    length_penalty: float = 0.2
    replace_unknowns: bool = True
    max_batch_size: int = 32

    @classmethod
    def from_env(cls) -> DecodingOptions:
        return cls(
            beam_size=int(os.environ.get("L10N_MT_BEAM_SIZE", "4")),
            length_penalty=float(os.environ.get("L10N_MT_LENGTH_PENALTY", "0.2")),
            max_batch_size=int(os.environ.get("L10N_MT_BATCH_SIZE", "32")),
        )

    def describe(self) -> str:
        return f"beam_size={self.beam_size} length_penalty={self.length_penalty}"


def _threads() -> int:
    """One CTranslate2 thread per core share: argostranslate's default of 0 ("all
    cores") oversubscribes a machine running several worker processes."""
    if "L10N_MT_THREADS" in os.environ:
        return max(1, int(os.environ["L10N_MT_THREADS"]))
    concurrency = max(1, int(os.environ.get("L10N_WORKER_CONCURRENCY", "1")))
    return max(1, (os.cpu_count() or 1) // concurrency)


# What CTranslate2 (through pybind11) says when memory or threads run out:
# std::bad_alloc becomes MemoryError, but its allocator ("mkl_malloc: failed to
# allocate memory") and thread start-up ("Resource temporarily unavailable", from
# std::system_error) come back as a RuntimeError with one of these in the message.
_TRANSIENT_MESSAGES = (
    "out of memory",
    "bad_alloc",
    "cannot allocate memory",
    "failed to allocate",
    "resource temporarily unavailable",
)
# OSErrors that say "not now" rather than "never" (no memory, too many open files).
_TRANSIENT_ERRNOS = frozenset({errno.ENOMEM, errno.EMFILE, errno.ENFILE, errno.EAGAIN})


def engine_error(exc: BaseException, doing: str) -> EngineError:
    """Our error for a CTranslate2/argostranslate failure while ``doing`` something.

    Memory pressure and exhausted file handles pass (another worker finishes, the
    process is recycled by ``worker_max_memory_per_child``), so they are
    :class:`TransientEngineError` and the task is retried with back-off; anything
    else (a corrupt model, a bad input) fails the same way every time.
    """
    message = f"{doing}: {type(exc).__name__}: {exc}"
    if isinstance(exc, MemoryError):
        return TransientEngineError(f"{doing}: out of memory ({type(exc).__name__})")
    if isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS:
        return TransientEngineError(message)
    if isinstance(exc, RuntimeError) and any(m in str(exc).lower() for m in _TRANSIENT_MESSAGES):
        return TransientEngineError(message)
    return EngineError(message)


def find_package(source: str, target: str) -> ArgosPackage | None:
    src, tgt = language_code(source), language_code(target)
    for pkg in installed_packages():
        if pkg.type == "translate" and pkg.from_code == src and pkg.to_code == tgt:
            return pkg
    return None


def installed_pairs() -> list[tuple[str, str]]:
    return sorted(
        {(p.from_code, p.to_code) for p in installed_packages() if p.type == "translate"}
    )


def route(source: str, target: str) -> list[ArgosPackage]:
    """The packages to chain: direct, or through English when no direct pair exists."""
    direct = find_package(source, target)
    if direct is not None:
        return [direct]
    if "en" not in (language_code(source), language_code(target)):
        first, second = find_package(source, "en"), find_package("en", target)
        if first is not None and second is not None:
            return [first, second]
    raise EngineUnavailable(
        f"no argostranslate package installed for {source} -> {target}; "
        f"install one with `l10n models install FILE.argosmodel`"
    )


def _unk_token(model_dir: Path) -> str:
    """The target vocabulary's unknown token (CTranslate2's model config.json)."""
    try:
        config = json.loads((model_dir / "config.json").read_text("utf-8"))
    except (OSError, ValueError):
        config = {}
    token = config.get("unk_token") if isinstance(config, dict) else None
    return str(token or "<unk>")


class _LoadedPackage:
    def __init__(self, pkg: ArgosPackage, options: DecodingOptions):
        import ctranslate2

        self.pkg = pkg
        self.options = options
        self.tokenizer = pkg.tokenizer()
        self.target_prefix = pkg.target_prefix
        self.translator = ctranslate2.Translator(
            str(pkg.model_dir),
            device="cpu",
            inter_threads=1,
            intra_threads=_threads(),
        )
        self.unk_token = _unk_token(pkg.model_dir)

    def translate(self, texts: Sequence[str]) -> list[str]:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        tokens = [self.tokenizer.encode(texts[i]) for i in order]
        limit = max(256, 3 * max((len(t) for t in tokens), default=0))
        hypotheses = self._search(tokens, limit, replace_unknowns=False)
        # replace_unknowns swaps each <unk> of the result for the source token it
        # attended to most. It needs the attention of every step of every beam, which
        # made the whole search about 3x slower (0.75 s instead of 0.23 s of CPU for
        # 32 sentences, tiny model, beam 4), yet changes nothing in the search itself:
        # so search without it and search again, with it, only the sentences whose
        # result holds an <unk> (rare: real models fall back to bytes or subwords).
        if self.options.replace_unknowns:
            again = [i for i, h in enumerate(hypotheses) if self.unk_token in h]
            if again:
                redone = self._search([tokens[i] for i in again], limit, replace_unknowns=True)
                for i, hypothesis in zip(again, redone, strict=True):
                    hypotheses[i] = hypothesis
        out = [""] * len(texts)
        for i, hypothesis in zip(order, hypotheses, strict=True):
            value = self.tokenizer.decode(hypothesis)
            if self.target_prefix and value.startswith(self.target_prefix):
                value = value[len(self.target_prefix) :]
            out[i] = value.strip()
        return out

    def _search(
        self, tokens: list[list[str]], limit: int, *, replace_unknowns: bool
    ) -> list[list[str]]:
        prefix = [[self.target_prefix]] * len(tokens) if self.target_prefix else None
        results = self.translator.translate_batch(
            tokens,
            target_prefix=prefix,
            beam_size=self.options.beam_size,
            length_penalty=self.options.length_penalty,
            replace_unknowns=replace_unknowns,
            max_batch_size=self.options.max_batch_size,
            num_hypotheses=1,
            max_decoding_length=limit,
        )
        return [list(result.hypotheses[0]) for result in results]


class ArgosEngine(Engine):
    name = "argos"
    label = "argostranslate (CTranslate2)"
    kind = "neural"
    rank = 100
    # CTranslate2 cuts this into batches of ``max_batch_size`` itself, after sorting
    # by length: a larger window means less padding.
    batch_size = 256

    def __init__(self) -> None:
        self.options = DecodingOptions.from_env()
        self._loaded: dict[str, _LoadedPackage] = {}
        self._lock = threading.Lock()

    def pairs(self) -> list[tuple[str, str]]:
        """Installed packages, and pairs reachable through English (see :func:`route`)."""
        direct = set(installed_pairs())
        pivots = {(a, c) for a, b in direct if b == "en" for x, c in direct if x == "en" and c != a}
        return sorted(direct | pivots)

    def supports(self, source: str, target: str) -> bool:
        try:
            route(source, target)
        except EngineUnavailable:
            return False
        return True

    def _load(self, pkg: ArgosPackage) -> _LoadedPackage:
        key = str(pkg.path)
        with self._lock:
            if key not in self._loaded:
                try:
                    self._loaded[key] = _LoadedPackage(pkg, self.options)
                except (RuntimeError, OSError, ValueError, MemoryError) as exc:
                    raise engine_error(exc, f"cannot load argostranslate package {key}") from exc
            return self._loaded[key]

    def close(self) -> None:
        """Drop loaded models (a package may have been reinstalled since)."""
        with self._lock:
            self._loaded.clear()

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        current = list(texts)
        for pkg in route(source, target):
            loaded = self._load(pkg)
            try:
                current = loaded.translate(current)
            except (RuntimeError, MemoryError) as exc:
                raise engine_error(
                    exc, f"CTranslate2 failed on {pkg.from_code}->{pkg.to_code}"
                ) from exc
        return current

    def provenance(self, source: str, target: str) -> dict[str, str]:
        packages = route(source, target)
        return {
            **super().provenance(source, target),
            "package": " + ".join(
                f"translate-{p.from_code}_{p.to_code}-{p.package_version}" for p in packages
            ),
            "options": self.options.describe(),
        }

    def missing_hint(self) -> str:
        return "install an argostranslate package for the pair (`l10n models install FILE`)"

    def describe(self) -> list[str]:
        from .models import list_models

        found = list_models()
        if not found:
            return ["no argostranslate packages installed"]
        lines = [f"{m.from_code} -> {m.to_code}  {m.version}  {m.path}" for m in found]
        direct = {(m.from_code, m.to_code) for m in found}
        pivots = [f"{a} -> {b}" for a, b in self.pairs() if (a, b) not in direct]
        if pivots:
            lines.append(f"through English: {', '.join(pivots)}")
        return lines
