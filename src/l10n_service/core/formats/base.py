"""What an article format is: one object per format, found through the registry.

A format knows how to tell its files (``extensions``, ``detect``), how to read them
(``parse``, with the options it declares), how to put chosen translations back
(``rebuild``), what keeps a translator's text inert inside it
(``clean_translation_piece``) and how to show an article (``plain``,
``render_body_html``, ``render_markdown``, ``explain``). Everything except ``parse``
has a default that suits a format without inline markup, so a new simple format is
one small module: a name, its extensions and a parser (translate-toolkit's one class
per storage, ``translate/storage/base.py``, is the model).

Nothing else in the code base asks "which format is this?": services, rendering,
localisation and the HTTP API ask the article's :class:`Format` instead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ...errors import ArticleError
from ..chosen import LocalizedSegment, block_texts
from ..model import Article, Block
from ..tokens import TOKEN_RE
from .blocks import blocks_html, blocks_markdown
from .escape import defuse_plain, mentions_script_url, source_tags

__all__ = ["ExplainRow", "Format", "ParseOption", "splice_blocks"]


def splice_blocks(article: Article, text_of: Callable[[Block], str]) -> str:
    """The source with each block's span replaced by ``text_of(block)``."""
    parts: list[str] = []
    pos = 0
    for block in sorted(article.blocks, key=lambda b: b.span):
        start, end = block.span
        parts.append(article.source[pos:start])
        parts.append(text_of(block))
        pos = end
    parts.append(article.source[pos:])
    return "".join(parts)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class ParseOption:
    """A parse option a format declares (Markdown's translatable front matter keys,
    plain text's block overrides).

    ``name`` is the keyword ``parse`` receives in its ``options`` and the key under
    which the article's settings keep the value, so a re-parse sees the same options.
    ``read`` turns a value as given (command line, settings JSON) into what ``parse``
    takes, raising ``ArticleError``/``ValueError``/``TypeError`` on a bad one, and
    accepts its own output (options may be read twice); ``dump`` turns a read value
    back into JSON for the settings.
    """

    name: str
    help: str
    read: Callable[[Any], Any] = _same
    dump: Callable[[Any], Any] = _same


@dataclass(frozen=True)
class ExplainRow:
    """One line of ``l10n add --explain``: where (a line number or a block id), what
    it became, its text, and the rule that decided (when the format can say)."""

    where: str
    kind: str
    text: str
    why: str = ""


class Format(ABC):
    """An article format. Subclasses set the class attributes and implement ``parse``.

    ``extensions`` are lower-case with their dot; the first is canonical: the stored
    source is ``articles/<slug><ext>`` and the rebuilt rendition ``article<ext>``.
    ``media_types`` are the upload ``Content-Type``s that mean this format.
    ``fallback`` marks the format an article is read as when nothing else claims it
    (plain text); at most one format should set it.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    media_types: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[ParseOption, ...]] = ()
    fallback: ClassVar[bool] = False

    @property
    def extension(self) -> str:
        return self.extensions[0]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    # --- reading -----------------------------------------------------------------

    def detect(self, name: str, text: str) -> bool:
        """Whether ``text`` (from a file called ``name`` with no known extension) is
        in this format. Formats are asked in registration order, the fallback last."""
        return False

    @abstractmethod
    def parse(
        self, source: str, *, slug: str, source_lang: str, options: Mapping[str, Any]
    ) -> Article:
        """The article whose blocks' spans rebuild ``source`` exactly. ``options``
        were checked by :meth:`read_options`. Raise :class:`ArticleError` when there is
        nothing to translate, with a message that says why in this format's terms."""

    def read_options(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """``given`` checked against the declared options and read; an option this
        format does not declare is an error, never silently ignored."""
        declared = {option.name: option for option in self.options}
        out: dict[str, Any] = {}
        for key, value in given.items():
            option = declared.get(key)
            if option is None:
                takes = ", ".join(declared) or "none"
                raise ArticleError(
                    f"the {self.name} format ({self.label}) has no parse option {key!r}; "
                    f"it takes: {takes}"
                )
            try:
                out[key] = option.read(value)
            except (ValueError, TypeError) as exc:
                raise ArticleError(f"{self.name} option {key}: {exc}") from None
        return out

    def dump_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """Read options as JSON, for the article's settings."""
        declared = {option.name: option for option in self.options}
        return {key: declared[key].dump(value) for key, value in options.items()}

    def extract(
        self,
        source: str,
        *,
        slug: str,
        source_lang: str = "en",
        options: Mapping[str, Any] | None = None,
    ) -> Article:
        """``parse`` with its options checked, and never an article with no blocks
        (a parser that forgot the check must not store an empty article)."""
        article = self.parse(
            source, slug=slug, source_lang=source_lang, options=self.read_options(options or {})
        )
        if not article.blocks:
            raise ArticleError(f"{slug}: the {self.label} article has no translatable text")
        return article

    # --- writing back --------------------------------------------------------------

    def rebuild(self, article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
        """The article in its own format with the chosen texts spliced into the block
        spans; everything between the spans is the source's, byte for byte."""
        texts = block_texts(chosen)
        return splice_blocks(article, lambda block: block.text(texts))

    def clean_translation_piece(self, piece: str, *, allowed: frozenset[str], defuse: bool) -> str:
        """Translator text between two placeholders, made safe for this format.

        ``allowed``: raw tags the source sentence itself has; ``defuse``: drop script
        URLs (false when the source mentions one). The default suits plain text: only
        script URLs go, because every HTML or Markdown rendition escapes the rest."""
        return defuse_plain(piece) if defuse else piece

    def sanitize_translation(self, source: str, translation: str) -> str:
        """The (masked) translation safe to splice into an article of this format.

        Placeholders are left alone (they are restored from the source's legend); the
        text between them goes through :meth:`clean_translation_piece`."""
        allowed = source_tags(source)
        defuse = not mentions_script_url(source)
        out: list[str] = []
        pos = 0
        for match in TOKEN_RE.finditer(translation):
            out.append(self.clean_translation_piece(
                translation[pos : match.start()], allowed=allowed, defuse=defuse
            ))  # fmt: skip
            out.append(match.group())
            pos = match.end()
        out.append(self.clean_translation_piece(translation[pos:], allowed=allowed, defuse=defuse))
        return "".join(out)

    # --- showing ---------------------------------------------------------------------

    def plain(self, text: str) -> str:
        """Visible text of a block's text in this format (titles, generated Markdown)."""
        return text.strip()

    def render_body_html(self, article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
        """The page's ``<article>`` content. The page sanitises it again (known tags
        and URL schemes only), so a format need not be perfect, only faithful."""
        return blocks_html(article, chosen)

    def render_markdown(self, article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
        """The ``article.md`` rendition."""
        return blocks_markdown(article, chosen, self.plain)

    def explain(self, article: Article, options: Mapping[str, Any]) -> list[ExplainRow]:
        """What ``l10n add --explain`` prints: by default each block with its type;
        a format that infers structure says why, line by line."""
        return [
            ExplainRow(block.id, block.type.value + (f" {block.level}" if block.level else ""),
                       block.text())
            for block in article.blocks
        ]  # fmt: skip
