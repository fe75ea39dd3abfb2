"""API tokens and what each role may do.

Tokens are bearer secrets handed out once (``l10n tokens create``) and kept only as
SHA-256 digests in ``<root>/.l10n/tokens.json`` (or ``$L10N_TOKENS_FILE``): a copy
of the file, a backup or a log of it does not let anyone call the API. A digest is
enough (no salt, no slow KDF) because the secrets are 256 random bits, not
passwords a person chose.

Revocation keeps the record (with the time) so ``tokens list`` still explains who
had access; the HTTP server re-reads the file whenever it changes on disk, so a
token revoked from the CLI stops working on the next request, without a restart.

Roles, and what they may do:

    permission                      translator   reviewer   admin
    catalog:read   (.po download)   own langs    yes        yes
    catalog:write  (.po upload)     own langs    no         yes
    status:read                     yes          yes        yes
    catalog:approve                 no           yes        yes
    jobs           (start MT, poll) no           yes        yes
    bundles:build                   no           yes        yes
    articles       (add/list/del)   no           no         yes
    tokens         (create/revoke)  no           no         yes

Readers of published bundles need no token at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from filelock import FileLock

from .core.locales import normalize_locale
from .errors import InputError, L10nError, NotFoundError
from .settings import load_settings
from .storage import write_atomic
from .workspace import Workspace

__all__ = [
    "ROLE_PERMISSIONS",
    "Permission",
    "Role",
    "TokenRecord",
    "TokenStore",
    "hash_token",
    "tokens_path",
]

TOKEN_PREFIX = "l10n_"
_FILE_VERSION = 1


class Role(StrEnum):
    TRANSLATOR = "translator"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Permission(StrEnum):
    CATALOG_READ = "catalog:read"
    CATALOG_WRITE = "catalog:write"
    STATUS_READ = "status:read"
    APPROVE = "catalog:approve"
    JOBS = "jobs"
    BUNDLES = "bundles:build"
    ARTICLES = "articles"
    TOKENS = "tokens"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.TRANSLATOR: frozenset(
        {Permission.CATALOG_READ, Permission.CATALOG_WRITE, Permission.STATUS_READ}
    ),
    Role.REVIEWER: frozenset(
        {
            Permission.CATALOG_READ,
            Permission.STATUS_READ,
            Permission.APPROVE,
            Permission.JOBS,
            Permission.BUNDLES,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}

# Permissions a translator holds only for the languages on the token.
_LANGUAGE_SCOPED = frozenset({Permission.CATALOG_READ, Permission.CATALOG_WRITE})


def hash_token(secret: str) -> str:
    """The at-rest form of a token: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenRecord:
    """One issued token, as stored: never the secret itself."""

    id: str
    name: str
    role: Role
    sha256: str
    created: float
    languages: tuple[str, ...] = ()
    revoked: float | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None

    def allows(self, permission: Permission, lang: str | None = None) -> bool:
        """Whether this token may do ``permission`` (on catalog ``lang`` where it matters).

        A translator's catalog permissions need a language, and only the token's
        languages pass; asking without one is refused rather than guessed.
        """
        if not self.active or permission not in ROLE_PERMISSIONS[self.role]:
            return False
        if self.role is Role.TRANSLATOR and permission in _LANGUAGE_SCOPED:
            return lang is not None and normalize_locale(lang) in self.languages
        return True

    def public(self) -> dict[str, Any]:
        """What ``tokens list`` and the API show: everything but the digest."""
        data = asdict(self)
        del data["sha256"]
        data["role"] = self.role.value
        data["languages"] = list(self.languages)
        return data

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["role"] = self.role.value
        data["languages"] = list(self.languages)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TokenRecord:
        return cls(
            id=str(data["id"]),
            name=str(data.get("name", "")),
            role=Role(data["role"]),
            sha256=str(data["sha256"]),
            created=float(data["created"]),
            languages=tuple(data.get("languages", ())),
            revoked=None if data.get("revoked") is None else float(data["revoked"]),
        )


def tokens_path(ws: Workspace) -> Path:
    """``$L10N_TOKENS_FILE`` if set (tokens shared by several workspaces or kept
    outside the data volume), else ``<root>/.l10n/tokens.json``."""
    return load_settings().api_tokens_file or ws.state_dir / "tokens.json"


@dataclass
class _Snapshot:
    key: tuple[int, int, int] | None = None
    records: list[TokenRecord] = field(default_factory=list)


class TokenStore:
    """The token file: create and revoke under a file lock, read through a cache
    that is refreshed whenever the file's (inode, mtime, size) changes, so every
    request sees revocations made by another process immediately."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = FileLock(str(path) + ".lock", timeout=30)
        self._snapshot = _Snapshot()
        self._mutex = threading.Lock()

    @classmethod
    def for_workspace(cls, ws: Workspace) -> TokenStore:
        return cls(tokens_path(ws))

    # -- reading -------------------------------------------------------------

    def _stat_key(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _read(self) -> list[TokenRecord]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        try:
            data = json.loads(raw)
            return [TokenRecord.from_json(item) for item in data.get("tokens", [])]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Fail closed: a damaged file authenticates nobody. A server-side fault
            # (500 over HTTP), not the caller's: their token may be fine.
            raise L10nError(f"{self.path}: damaged token file ({exc})") from None

    def records(self) -> list[TokenRecord]:
        key = self._stat_key()
        with self._mutex:
            if key is None:
                self._snapshot = _Snapshot()
            elif key != self._snapshot.key:
                self._snapshot = _Snapshot(key, self._read())
            return list(self._snapshot.records)

    def authenticate(self, secret: str) -> TokenRecord | None:
        """The active record for a presented secret, or None (unknown or revoked)."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        digest = hash_token(secret)
        found = None
        for record in self.records():
            # Compare every record, in constant time each: no early exit to time.
            if hmac.compare_digest(record.sha256, digest):
                found = record
        return found if found is not None and found.active else None

    # -- writing -------------------------------------------------------------

    def _write(self, records: list[TokenRecord]) -> None:
        data = {"version": _FILE_VERSION, "tokens": [r.to_json() for r in records]}
        # Digests only, but still private to the service's user.
        write_atomic(self.path, (json.dumps(data, indent=1) + "\n").encode("utf-8"), mode=0o600)

    def create(
        self, role: Role | str, *, languages: list[str] | None = None, name: str = ""
    ) -> tuple[TokenRecord, str]:
        """Issue a token; returns (record, secret). The secret is not kept anywhere."""
        try:
            role = Role(role)
        except ValueError:
            choices = ", ".join(r.value for r in Role)
            raise InputError(f"unknown role {role!r}; choose {choices}") from None
        langs = tuple(sorted({normalize_locale(x) for x in languages or []}))
        if role is Role.TRANSLATOR and not langs:
            raise InputError("a translator token needs its languages, e.g. --lang de,fr")
        if role is not Role.TRANSLATOR and langs:
            raise InputError(
                f"--lang only applies to translator tokens; a {role.value} token covers "
                "every language"
            )
        if len(name) > 100 or any(ord(c) < 32 for c in name):
            raise InputError("a token name is at most 100 printable characters")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = TokenRecord(
            id=secrets.token_hex(6),
            name=name or f"{role.value}-{time.strftime('%Y%m%d')}",
            role=role,
            sha256=hash_token(secret),
            created=time.time(),
            languages=langs,
        )
        with self._lock:
            self._write([*self._read(), record])
        return record, secret

    def revoke(self, token_id: str) -> TokenRecord:
        """Mark a token revoked (idempotent); unknown ids are an error."""
        with self._lock:
            records = self._read()
            for i, record in enumerate(records):
                if record.id == token_id:
                    if record.revoked is None:
                        record = replace(record, revoked=time.time())
                        records[i] = record
                        self._write(records)
                    return record
        raise NotFoundError(f"no token with id {token_id!r}")
