"""Request and response bodies, so the OpenAPI document says exactly what comes back.

Responses are built from the services' own ``to_dict()`` output; these models only
describe (and check) that shape. Where a service returns a dataclass, its model is
generated from the dataclass's fields (:func:`model_of`), so a field added there
appears here and in the OpenAPI document without being copied. Request models
bound every list and string, so a request cannot make the server loop over a
million languages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from ..errors import EngineUnavailable
from ..mt.registry import check_choice, engine_choices
from ..services.catalogs import StatusFigures, StatusRow
from ..services.jobs_store import Job, JobFigures

__all__ = [
    "ApproveRequest",
    "ApproveResult",
    "ArticleList",
    "ArticleSaved",
    "ArticleSummary",
    "BuildRequest",
    "BuiltBundleOut",
    "BuiltBundles",
    "ImportReportOut",
    "JobOut",
    "JobsCreated",
    "JobsRequest",
    "PageLinks",
    "StatusOut",
    "StatusRowOut",
    "TokenCreateRequest",
    "TokenCreated",
    "TokenOut",
    "model_of",
]

Policy = Literal["approved-only", "human", "machine-allowed"]


def model_of(
    name: str, source: type, *, extra: Mapping[str, Any] | None = None, doc: str = ""
) -> type[BaseModel]:
    """A response model with every field of the dataclass ``source`` (with its type
    hints), plus ``extra`` (name -> type) for what its ``to_dict`` adds. Every field
    is required: a response always carries them all."""
    hints = get_type_hints(source)
    fields: dict[str, Any] = {f.name: (hints[f.name], ...) for f in dataclasses.fields(source)}
    fields.update({key: (kind, ...) for key, kind in (extra or {}).items()})
    model: type[BaseModel] = create_model(name, __doc__=doc or source.__doc__, **fields)
    return model


if TYPE_CHECKING:  # generated below; all mypy needs to know is "a model"
    StatusRowOut = BaseModel
    JobOut = BaseModel
else:
    StatusRowOut = model_of(
        "StatusRowOut", StatusRow, extra=get_type_hints(StatusFigures),
        doc="Entry counts of one catalog.",
    )  # fmt: skip
    JobOut = model_of(
        "JobOut", Job, extra=get_type_hints(JobFigures), doc="A job's record and progress."
    )


class StatusOut(BaseModel):
    catalogs: list[StatusRowOut]
    jobs: list[JobOut]


class ArticleSummary(BaseModel):
    slug: str
    title: str
    source_lang: str | None
    format: str | None
    published: list[str] = Field(description="Languages with a built bundle.")
    catalogs: list[StatusRowOut]
    problem: str | None = Field(default=None, description="Why catalogs are missing here.")
    href: str


class PageLinks(BaseModel):
    self: str
    first: str
    last: str
    prev: str | None = None
    next: str | None = None


class ArticleList(BaseModel):
    articles: list[ArticleSummary]
    page: int = Field(default=1, description="This page (from 1).")
    per_page: int = Field(default=50, description="Articles per page (1-500).")
    total: int = Field(default=0, description="Articles matching the filters, all pages.")
    pages: int = Field(default=1, description="Pages at this per_page.")
    links: PageLinks | None = Field(default=None, description="URLs of the neighbour pages.")


class ArticleSaved(BaseModel):
    slug: str
    format: str
    source_lang: str
    blocks: int
    segments: int
    created: bool = Field(description="False when an existing article was replaced.")
    updated_languages: list[str]
    href: str


class ImportReportOut(BaseModel):
    """``services.review.ImportReport``: counts, merge mode and QA issues (more
    fields may appear as the service grows; they are passed through)."""

    model_config = ConfigDict(extra="allow")

    updated: int
    unchanged: int
    unknown: int
    mode: str = "2-way"
    issues: list[dict[str, Any]] = Field(default_factory=list)


class ApproveRequest(BaseModel):
    """Either ``{"ids": [...]}`` (msgctxt of entries) or ``{"all": true}``."""

    model_config = ConfigDict(extra="forbid")

    ids: list[str] | None = Field(default=None, max_length=10000)
    all: bool = False
    include_machine: bool = Field(
        default=False,
        description="Approve text that is still the engine's output too (never pseudo text).",
    )
    force: bool = Field(default=False, description="Approve despite QA errors.")

    @model_validator(mode="after")
    def _one_of(self) -> ApproveRequest:
        if self.all == bool(self.ids):
            raise ValueError('say what to approve: either "ids" (non-empty) or "all": true')
        if self.ids and any(len(i) > 300 for i in self.ids):
            raise ValueError("an entry id is at most 300 characters")
        return self


class ApproveResult(BaseModel):
    approved: int
    refused: list[dict[str, Any]] = Field(description="QA errors that kept entries back.")
    warnings: list[dict[str, Any]]
    machine: int = Field(0, description="Unmodified machine output left unapproved.")
    pseudo: int = Field(0, description="Unmodified pseudo text, never approved.")


class JobsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    languages: list[str] = Field(min_length=1, max_length=50)
    engine: str = Field(
        default="auto",
        max_length=100,
        description="`auto` (the best-ranked engine that supports each pair) or an engine "
        "from `l10n models list`.",
        json_schema_extra=lambda schema: schema.update(enum=list(engine_choices())),
    )

    @field_validator("engine")
    @classmethod
    def _registered(cls, value: str) -> str:
        try:
            return check_choice(value)
        except EngineUnavailable as exc:
            raise ValueError(str(exc)) from None


class JobsCreated(BaseModel):
    jobs: list[JobOut]
    notices: list[str]


class BuildRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    languages: list[str] | None = Field(
        default=None, max_length=50, description="Default: the source and every catalog."
    )
    policy: Policy | None = Field(default=None, description="Default: the workspace setting.")
    min_coverage: float | None = Field(
        default=None, ge=0, le=1, description="Publish only at this coverage or more."
    )


class BuiltBundleOut(BaseModel):
    slug: str
    lang: str
    published: bool
    version: str = Field(description="Content hash of the published version ('' if refused).")
    coverage: dict[str, float]
    policy: str
    min_coverage: float
    reason: str = Field(description="Why it was not published.")
    qa_fallbacks: int = Field(
        0, description="Segments shown in the source language because of QA errors."
    )
    href: str


class BuiltBundles(BaseModel):
    bundles: list[BuiltBundleOut]


class TokenCreateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["translator", "reviewer", "admin"]
    languages: list[str] = Field(default_factory=list, max_length=50)
    name: str = Field(default="", max_length=100)


class TokenOut(BaseModel):
    id: str
    name: str
    role: str
    languages: list[str]
    created: float
    revoked: float | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret. Shown once; only its SHA-256 is stored.")


class QAReport(BaseModel):
    issues: list[dict[str, str]] = Field(description="One finding per entry and check.")
    errors: int = Field(description="Findings that block approval.")
    warnings: int
