"""Which engines exist, and which one translates a pair.

Engines are found through the entry point group ``l10n_service.engines`` (the
built-ins, argos and pseudo, are declared in this project's ``pyproject.toml``), so
another installed package adds one with a module and one line::

    [project.entry-points."l10n_service.engines"]
    myengine = "my_package.engine:MyEngine"

An entry point that cannot be loaded, or that names something other than an
:class:`~l10n_service.mt.base.Engine` subclass, is reported in one line (logged,
listed by ``l10n models list``, and raised as
:class:`~l10n_service.errors.EngineUnavailable` when that engine is asked for); the
other engines keep working.

``auto`` picks the highest-ranked engine that supports the pair. Engine instances
are made once per process (they hold loaded models) and closed by
:func:`close_engines`.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import threading
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from ..core.provenance import KINDS, provenance_field
from ..errors import EngineError, EngineUnavailable, UnknownEngine
from .base import Engine

__all__ = [
    "AUTO",
    "ENTRY_POINT_GROUP",
    "Choice",
    "available_engines",
    "check_choice",
    "choose",
    "close_engines",
    "engine_choices",
    "engine_kind",
    "engines",
    "fallback_note",
    "get_engine",
    "problems",
    "provenance_kind",
    "reload",
    "worker_queues",
]

ENTRY_POINT_GROUP = "l10n_service.engines"
AUTO = "auto"

log = logging.getLogger(__name__)

_lock = threading.RLock()
_classes: dict[str, type[Engine]] | None = None
_problems: dict[str, str] = {}
_instances: dict[str, Engine] = {}


@dataclass(frozen=True)
class Choice:
    """The engine a job uses, the queue its chunks go to, and what to tell the user."""

    engine: str
    queue: str
    notice: str = ""
    chunk_size: int | None = None  # the engine's preference (``Engine.chunk_size``)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _check(name: str, obj: object) -> str:
    """Why ``obj`` cannot be the engine ``name`` ("" when it can)."""
    if not (inspect.isclass(obj) and issubclass(obj, Engine)):
        return f"{obj!r} is not an l10n_service.mt.base.Engine subclass"
    if inspect.isabstract(obj):
        missing = ", ".join(sorted(getattr(obj, "__abstractmethods__", ())))
        return f"{obj.__qualname__} does not implement {missing}"
    declared = getattr(obj, "name", None)
    if declared != name:
        return f"{obj.__qualname__}.name is {declared!r}, not the entry point's name {name!r}"
    if getattr(obj, "kind", None) not in KINDS:
        return f"{obj.__qualname__}.kind must be one of {', '.join(KINDS)}"
    if not isinstance(getattr(obj, "label", None), str) or not obj.label:
        return f"{obj.__qualname__}.label must be a non-empty string"
    if not isinstance(obj.rank, int) or not isinstance(obj.batch_size, int):
        return f"{obj.__qualname__}.rank and .batch_size must be integers"
    if obj.batch_size < 1:
        return f"{obj.__qualname__}.batch_size must be at least 1"
    hint = getattr(obj, "chunk_size", None)
    if hint is not None and (not isinstance(hint, int) or isinstance(hint, bool) or hint < 1):
        return f"{obj.__qualname__}.chunk_size must be None or an integer of at least 1"
    return ""


def _load_entry_point(ep: EntryPoint) -> type[Engine] | str:
    """The engine class, or a one-line reason why not."""
    where = f"engine entry point '{ep.name} = {ep.value}' is broken"
    try:
        obj = ep.load()
    except Exception as exc:  # third-party code: any failure is that engine's, reported
        return _one_line(f"{where}: {type(exc).__name__}: {exc}")
    problem = _check(ep.name, obj)
    if problem:
        return _one_line(f"{where}: {problem}")
    engine: type[Engine] = obj
    return engine


def _load() -> dict[str, type[Engine]]:
    global _classes
    with _lock:
        if _classes is None:
            classes: dict[str, type[Engine]] = {}
            values: dict[str, str] = {}
            _problems.clear()
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                if ep.name in values:
                    if values[ep.name] != ep.value:
                        _problems[f"{ep.name} ({ep.value})"] = _one_line(
                            f"engine entry point '{ep.name} = {ep.value}' is ignored: "
                            f"{ep.name!r} is already '{values[ep.name]}'"
                        )
                    continue
                values[ep.name] = ep.value
                loaded = _load_entry_point(ep)
                if isinstance(loaded, str):
                    _problems[ep.name] = loaded
                    log.warning("%s", loaded)
                else:
                    classes[ep.name] = loaded
            _classes = dict(sorted(classes.items(), key=lambda kv: (-kv[1].rank, kv[0])))
        return _classes


def available_engines() -> list[str]:
    """Engine names, best-ranked first (the order ``auto`` tries them in)."""
    return list(_load())


def problems() -> list[str]:
    """One line per broken entry point."""
    _load()
    return list(_problems.values())


def engine_choices() -> list[str]:
    """What a user may ask for: ``auto`` or an engine."""
    return [AUTO, *available_engines()]


def check_choice(name: str) -> str:
    """``name`` if it is ``auto`` or a registered engine, else EngineUnavailable."""
    if name == AUTO or name in _load():
        return name
    if name in _problems:
        raise EngineUnavailable(_problems[name])
    if not _load() and not _problems:  # even the built-ins are missing
        raise EngineUnavailable(
            f"no MT engines are registered (entry point group {ENTRY_POINT_GROUP}): "
            "reinstall l10n-service (`pip install -e .`) so that its entry points are written"
        )
    raise UnknownEngine(f"unknown engine {name!r}; known: {', '.join(engine_choices())}")


def get_engine(name: str) -> Engine:
    """The process's instance of engine ``name``: engines hold loaded models."""
    classes = _load()
    check_choice(name)
    if name == AUTO:
        raise EngineUnavailable("'auto' is a choice, not an engine: use choose()")
    with _lock:
        if name not in _instances:
            try:
                _instances[name] = classes[name]()
            except EngineError:
                raise
            except Exception as exc:  # a plugin's constructor: its failure, named
                raise EngineUnavailable(
                    _one_line(f"engine {name!r} could not start: {type(exc).__name__}: {exc}")
                ) from exc
        return _instances[name]


def engines() -> list[Engine]:
    """An instance of every engine that starts, best-ranked first (one that does not
    is logged and left out, so it cannot take the others down)."""
    found = []
    for name in available_engines():
        try:
            found.append(get_engine(name))
        except EngineUnavailable as exc:
            log.warning("%s", exc)
    return found


def choose(requested: str, source: str, target: str) -> Choice:
    """The engine for a job. ``auto`` (or "") takes the highest-ranked engine that
    supports the pair; when that is not a real translation, the notice says so."""
    if requested in (AUTO, ""):
        for engine in engines():
            if engine.supports(source, target):
                notice = (
                    ""
                    if engine.real_translation()
                    else fallback_note(engine.name, [(source, target)])
                )
                queue = engine.queue_for(source, target)
                return Choice(engine.name, queue, notice, engine.chunk_size)
        raise EngineUnavailable(f"no machine-translation engine supports {source} -> {target}")
    engine = get_engine(requested)
    if not engine.supports(source, target):
        hint = engine.missing_hint()
        raise EngineUnavailable(
            f"engine {requested!r} cannot translate {source} -> {target}"
            + (f"; {hint}" if hint else "")
        )
    return Choice(engine.name, engine.queue_for(source, target), chunk_size=engine.chunk_size)


def fallback_note(name: str, pairs: list[tuple[str, str]]) -> str:
    """One sentence for jobs that ``auto`` gave to engine ``name``, which is not a
    real translation: which pairs, and how to get a real engine for them."""
    used = get_engine(name)
    hints = [
        hint
        for engine in engines()
        if engine.rank > used.rank and engine.real_translation()
        if (hint := engine.missing_hint())
    ]
    listed = ", ".join(f"{source}->{target}" for source, target in sorted(set(pairs)))
    note = f"no installed machine-translation engine translates {listed}: using {used.label}"
    return note + "".join(f"; {hint}" for hint in hints)


def worker_queues() -> list[str]:
    """Every MT queue some engine here can serve (a worker's default)."""
    return sorted({queue for engine in engines() for queue in engine.queues()})


def provenance_kind(line: str) -> str | None:
    """The kind of machine output a ``mt:`` line describes: its ``kind=`` field, or
    for lines written before that field existed, the kind of the engine it names."""
    kind = provenance_field(line, "kind")
    if kind is not None:
        return kind
    name = provenance_field(line, "engine")
    return _load()[name].kind if name in _load() else None


def engine_kind(name: str) -> str | None:
    """The kind (neural, rule-based, pseudo) of engine ``name``; None when no such
    engine is installed."""
    found = _load().get(name)
    return found.kind if found is not None else None


def close_engines() -> None:
    """Close every engine instance of this process (the next use starts afresh), e.g.
    when a worker process ends or after a model was installed or removed."""
    with _lock:
        closing = list(_instances.values())
        _instances.clear()
    for engine in closing:
        engine.close()


def reload() -> None:
    """Read the entry points again (after installing an engine package in a running
    process; tests)."""
    global _classes
    close_engines()
    with _lock:
        _classes = None
        importlib.invalidate_caches()
