"""Our exception tree, so callers can catch by meaning rather than by library.

    L10nError                    anything this package raises on purpose
    ├── InputError               the user gave us something we cannot use (exit 2, HTTP 4xx)
    │   ├── ArticleError         an article file: empty, binary, bad UTF-8, unknown format
    │   ├── CatalogError         a .po/.pot file: carries file and line
    │   ├── LocaleError          a language code babel does not know, or an unsafe one
    │   ├── UploadError          a translator upload for the wrong article/language/template
    │   └── UnknownEngine        an engine name no installed plugin registers (also EngineError)
    ├── NotFoundError            an article, catalog, bundle or model that does not exist
    ├── ConflictError            a 3-way merge found entries changed on both sides
    ├── EngineError              machine translation failed
    │   ├── EngineUnavailable    no engine/model for the language pair, or a broken engine
    │   ├── ModelPackageError    a .argosmodel file is corrupt or hostile
    │   ├── TransientEngineError worth a retry: out of memory, a helper process died
    │   └── PoisonChunk          a chunk that kept killing its worker, given up
    ├── JobError                 the job system could not run or finish a job
    ├── ServiceUnavailable       a server we need does not answer: the lock server (Redis)
    │   └── BrokerUnavailable    the job queue's broker, asked before a job is created
    └── StorageError             the workspace cannot be written: disk full, quota exceeded

Every message names the thing that is wrong, so the CLI can print it on one line.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ArticleError",
    "BrokerUnavailable",
    "CatalogError",
    "ConflictError",
    "EngineError",
    "EngineUnavailable",
    "InputError",
    "JobError",
    "L10nError",
    "LocaleError",
    "ModelPackageError",
    "NotFoundError",
    "PoisonChunk",
    "ServiceUnavailable",
    "StorageError",
    "TransientEngineError",
    "UnknownEngine",
    "UploadError",
]


class L10nError(Exception):
    """Base class: the message is meant for the user, not a traceback."""


class InputError(L10nError):
    pass


class ArticleError(InputError):
    pass


class CatalogError(InputError):
    """A catalog problem, with the position when we know it (like babel's PoFileError)."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        where = ""
        if self.path:
            where = f"{self.path}:{line}: " if line else f"{self.path}: "
        super().__init__(f"{where}{message}")


class LocaleError(InputError):
    pass


class UploadError(InputError):
    pass


class NotFoundError(L10nError):
    pass


class ConflictError(L10nError):
    def __init__(self, message: str, conflicts: list[dict[str, str]] | None = None):
        self.conflicts = conflicts or []
        super().__init__(message)


class EngineError(L10nError):
    pass


class EngineUnavailable(EngineError):
    pass


class ModelPackageError(EngineError, InputError):
    pass


class TransientEngineError(EngineError):
    """The only engine failure a worker retries (with back-off): one that may pass,
    such as memory pressure or an engine's helper process that died. Engines map
    their library's errors to it explicitly (``mt.argos.engine_error``)."""


class UnknownEngine(EngineUnavailable, InputError):
    """``--engine google`` when no plugin registers ``google``: the user's typo (exit 2),
    still an EngineUnavailable for callers that catch engine problems."""


class PoisonChunk(EngineError):
    """A chunk delivered again and again because its worker died each time."""


class JobError(L10nError):
    pass


class ServiceUnavailable(L10nError):
    """A server the command needs does not answer (the Redis of the catalog lock):
    raised before anything is written, so a retry once it is back loses nothing.
    The message names the server by its URL, password masked."""


class BrokerUnavailable(ServiceUnavailable):
    """The job queue's broker does not answer: raised before a job is created, so no
    job record is left behind failed. The API answers it as the job queue being
    unavailable, not the lock server."""


class StorageError(L10nError):
    """A write the file system refused for want of space or quota (ENOSPC, EDQUOT).

    Raised instead of the OSError so the CLI and the API print one line naming the
    file; writes are atomic (``storage.write_atomic``), so what was stored before is
    intact."""

    def __init__(self, message: str, path: Path | str | None = None):
        self.path = str(path) if path is not None else None
        super().__init__(message)
