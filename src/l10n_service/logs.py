"""Process logging for ``l10n serve`` and ``l10n worker``: a level and a format
(``text`` for people, ``json`` for log shippers: one JSON object per line).

One ``dictConfig`` dictionary serves both: the worker applies it, uvicorn takes it
as its ``log_config`` (and re-applies it in each of its worker processes, which is
why the formatter is named by import path rather than passed as an object).
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
from datetime import UTC, datetime
from typing import Any

__all__ = ["FORMATS", "LEVELS", "JsonFormatter", "configure", "logging_config", "resolve"]

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# What every LogRecord has; anything else on a record came from ``extra=`` and
# goes into the JSON object as a field of its own.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time (UTC, ISO 8601), level, logger, message,
    process, the ``extra=`` fields, and a traceback as one escaped string."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                plain = isinstance(value, str | int | float | bool | None)
                data[key] = value if plain else str(value)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def resolve(level: str | None, fmt: str | None) -> tuple[str, str]:
    """The options, else ``L10N_LOG_LEVEL`` / ``L10N_LOG_FORMAT``, else INFO and text;
    a ValueError names a value that is neither."""
    chosen_level = (level or os.environ.get("L10N_LOG_LEVEL") or "INFO").upper()
    chosen_format = (fmt or os.environ.get("L10N_LOG_FORMAT") or "text").lower()
    if chosen_level not in LEVELS:
        raise ValueError(f"log level {chosen_level!r}: choose {', '.join(LEVELS)}")
    if chosen_format not in FORMATS:
        raise ValueError(f"log format {chosen_format!r}: choose text or json")
    return chosen_level, chosen_format


def logging_config(level: str, fmt: str, *, quiet: tuple[str, ...] = ()) -> dict[str, Any]:
    """A ``dictConfig`` for the root logger on stderr (and uvicorn's loggers, which
    do not propagate). ``quiet`` loggers stay at WARNING unless ``level`` is DEBUG:
    the worker's own per-task line replaces Celery's two."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"} if fmt == "json" else {"format": TEXT_FORMAT}
    )
    handler = {
        "class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr",
    }  # fmt: skip
    loggers: dict[str, Any] = {
        "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
        "uvicorn.error": {"level": level},  # propagates to "uvicorn"
        "uvicorn.access": {"handlers": ["default"], "level": level, "propagate": False},
    }
    if level != "DEBUG":
        for name in quiet:
            loggers[name] = {"level": "WARNING"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level},
        "loggers": loggers,
    }


def configure(level: str, fmt: str, *, quiet: tuple[str, ...] = ()) -> None:
    """Apply :func:`logging_config`; Python warnings (Celery's "running as root")
    become log records too, so a JSON log has no plain-text lines."""
    logging.config.dictConfig(logging_config(level, fmt, quiet=quiet))
    logging.captureWarnings(True)
