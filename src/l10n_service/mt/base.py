"""The engine interface (after Weblate's machinery base): capabilities as class
attributes, one method to implement, and our own errors out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import ClassVar

from ..errors import EngineUnavailable

__all__ = ["Engine", "available_engines", "get_engine", "register"]


class Engine(ABC):
    name: ClassVar[str]
    label: ClassVar[str]  # shown to users wherever this engine's output appears
    batch_size: ClassVar[int] = 32

    @abstractmethod
    def supports(self, source: str, target: str) -> bool: ...

    @abstractmethod
    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate masked sentences; placeholders must come back unchanged."""

    def provenance(self, source: str, target: str) -> dict[str, str]:
        return {"engine": self.name, "label": self.label}


_REGISTRY: dict[str, Callable[[], Engine]] = {}
_INSTANCES: dict[str, Engine] = {}


def register(name: str) -> Callable[[type[Engine]], type[Engine]]:
    def decorator(cls: type[Engine]) -> type[Engine]:
        _REGISTRY[name] = cls
        return cls

    return decorator


def get_engine(name: str) -> Engine:
    """One instance per process: engines hold loaded models."""
    _load_builtin()
    if name not in _REGISTRY:
        raise EngineUnavailable(f"unknown engine {name!r}; known: {', '.join(sorted(_REGISTRY))}")
    if name not in _INSTANCES:
        _INSTANCES[name] = _REGISTRY[name]()
    return _INSTANCES[name]


def available_engines() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def _load_builtin() -> None:
    from . import apertium, argos, pseudo  # noqa: F401  (registers them)
