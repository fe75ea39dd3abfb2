"""Turn the raw blocks a format parser found into an :class:`Article`.

Done once for every format: protect URLs/numbers, mask markup, split sentences
without cutting through a markup pair, renumber placeholders per segment, assign
stable ids and share one catalog entry between identical sentences.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .inline import Piece, RawBlock, RawPiece, Space, Text, merge_texts
from .model import Article, Block, BlockType, Segment, respace
from .placeholders import TOKEN_RE, mask, protect_text, restore
from .sentences import sentence_spans

__all__ = ["build_article", "entry_id_for", "protect_pieces", "split_segments"]

_PREFIX = {
    BlockType.TITLE: "title",
    BlockType.HEADING: "h",
    BlockType.PARAGRAPH: "p",
    BlockType.LIST_ITEM: "li",
    BlockType.QUOTE: "bq",
    BlockType.QUESTION: "q",
    BlockType.ANSWER: "a",
    BlockType.TURN: "turn",
    BlockType.TOC_ENTRY: "toc",
    BlockType.TABLE_CELL: "td",
    BlockType.ATTRIBUTE: "attr",
}
_SECTION_TYPES = {BlockType.TITLE, BlockType.HEADING}


def entry_id_for(path: str, masked_source: str) -> str:
    """``p12.s2:3f9a1c``: where the sentence first appeared, plus a content hash so a
    changed sentence gets a new id while the path keeps ids readable."""
    digest = hashlib.sha1(masked_source.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{path}:{digest}"


@dataclass(frozen=True)
class _Split:
    sources: list[str]
    legends: list[dict[str, str]]
    separators: list[str]
    rewrites: list[dict[str, str]] | None = None
    spellings: list[str] | None = None  # each source as spelled in the source ("" = same)


def protect_pieces(pieces: Iterable[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, Text) and piece.source is None:
            out.extend(protect_text(piece.text))
        else:
            out.append(piece)
    return out


def _renumber(
    masked: str, legend: dict[str, str], alternates: dict[str, str]
) -> tuple[str, dict[str, str], dict[str, str]]:
    if "<" not in masked:  # no token: nothing to renumber
        return masked, {}, {}
    numbers: dict[str, int] = {}
    local: dict[str, str] = {}
    rewrites: dict[str, str] = {}

    def sub(match: re.Match[str]) -> str:
        token = match.group()
        number = token.strip("</>")
        if number not in numbers:
            numbers[number] = len(numbers) + 1
        new = token.replace(number, str(numbers[number]))
        local[new] = legend[token]
        if token in alternates:
            rewrites[new] = alternates[token]
        return new

    return TOKEN_RE.sub(sub, masked), local, rewrites


def split_segments(
    pieces: Sequence[Piece], lang: str, seen: dict[str, list[tuple[int, int]]] | None = None
) -> _Split:
    """Masked sentences of one block, with the whitespace between them. ``seen``
    holds the sentence bounds of texts already split (one document's: tables, lists
    and changelogs repeat texts, and the splitter is a pure function of the text)."""
    masked, legend, spans = mask(pieces)
    # Plain text for the splitter, and where each piece's plain text starts (in the
    # plain text and in `masked`), to map sentence bounds back: a Text character to its
    # own position, an atom's visible text to the whole token. On the way: where the
    # source spells a Text differently, and the tokens a translation writes otherwise.
    spelled_at: dict[int, str] = {}
    alternates: dict[str, str] = {}
    plain: list[str] = []
    plain_at: list[int] = []
    mapped: list[tuple[int, int, bool]] = []  # masked start, masked end, is text
    length = 0
    for piece, (m_start, m_end) in zip(pieces, spans, strict=True):
        if isinstance(piece, Text):
            visible = piece.text
            if piece.source is not None:
                spelled_at[m_start] = piece.source
        else:
            if piece.translated is not None:
                alternates[masked[m_start:m_end]] = piece.translated
            if piece.role != "atom":
                continue
            visible = piece.original.replace("\n", " ") or " "
        plain.append(visible)
        plain_at.append(length)
        mapped.append((m_start, m_end, isinstance(piece, Text)))
        length += len(visible)
    text = "".join(plain)

    def masked_start(at: int) -> int:
        k = bisect_right(plain_at, at) - 1
        m_start, _, is_text = mapped[k]
        return m_start + (at - plain_at[k]) if is_text else m_start

    def masked_end(at: int) -> int:  # of the character before `at`
        k = bisect_right(plain_at, at - 1) - 1
        m_start, m_end, is_text = mapped[k]
        return m_start + (at - plain_at[k]) if is_text else m_end

    cuts: list[tuple[int, int]] = []  # (end of sentence, start of next) in masked
    sentences = seen.get(text) if seen is not None else None
    if sentences is None:
        sentences = sentence_spans(text, lang)
        if seen is not None:
            seen[text] = sentences
    if len(sentences) > 1:  # most blocks are one sentence: nothing to map
        depth_at = _pair_depths(masked)
        bounds = [(masked_start(s), masked_end(e)) for s, e in sentences]
        for (_, end), (start, _) in itertools.pairwise(bounds):
            end = _skip_closing(masked, end)
            start = _back_over_opening(masked, start)
            if end <= start and depth_at(end) == 0 and not masked[end:start].strip():
                cuts.append((end, start))

    first = len(masked) - len(masked.lstrip())
    last = len(masked.rstrip())
    if first >= last:
        return _Split([], [], [masked])
    cuts = _drop_wordless(masked, first, last, cuts)
    if not cuts:
        # One segment (most blocks), holding every token: mask() numbered them in
        # the order they appear, so renumbering gives the same text and legend.
        alt = {token: text for token, text in alternates.items() if token}
        spelling = _spelled(masked, first, last, spelled_at, legend)
        separators = [masked[:first], masked[last:]]
        return _Split([masked[first:last]], [dict(legend)], separators, [alt], [spelling])
    edges = [first] + [x for cut in cuts for x in cut] + [last]
    sources: list[str] = []
    legends: list[dict[str, str]] = []
    rewrites: list[dict[str, str]] = []
    spellings: list[str] = []
    separators = [masked[:first]]
    for i in range(0, len(edges), 2):
        source, local, alt = _renumber(masked[edges[i] : edges[i + 1]], legend, alternates)
        spellings.append(_spelled(masked, edges[i], edges[i + 1], spelled_at, legend))
        sources.append(source)
        legends.append(local)
        rewrites.append(alt)
        nxt = edges[i + 2] if i + 2 < len(edges) else len(masked)
        separators.append(masked[edges[i + 1] : nxt])
    return _Split(sources, legends, separators, rewrites, spellings)


def _spelled(
    masked: str, start: int, end: int, spelled_at: dict[int, str], legend: dict[str, str]
) -> str:
    """``masked[start:end]`` renumbered, with each differently spelled character (a
    one-character piece) as the source spells it; "" when there is none."""
    if not spelled_at:
        return ""
    positions = sorted(spelled_at)
    i = bisect_left(positions, start)
    if i == len(positions) or positions[i] >= end:
        return ""
    chars = [spelled_at.get(at, masked[at]) for at in range(start, end)]
    return _renumber("".join(chars), legend, {})[0]


def _drop_wordless(
    masked: str, first: int, last: int, cuts: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Remove cuts that would leave a "sentence" without letters (a permalink ``¶``,
    ``(#123)``, ``:)``, a lone number): it stays with the sentence before it (or the
    first one after it), since a catalog entry with nothing to translate is noise."""

    if not cuts:  # one sentence: it keeps whatever it has
        return cuts

    def has_words(start: int, end: int) -> bool:
        return any(c.isalpha() for c in TOKEN_RE.sub("", masked[start:end]))

    kept = list(cuts)
    i = 0
    while i <= len(kept):
        start = first if i == 0 else kept[i - 1][1]
        end = last if i == len(kept) else kept[i][0]
        if has_words(start, end) or not kept:
            i += 1
            continue
        # Merge with the previous sentence (drop the cut before), or the next one.
        del kept[i - 1 if i else 0]
        i = max(i - 1, 0)
    return kept


def _pair_depths(masked: str) -> Callable[[int], int]:
    """Open markup pairs at a position (a cut is only allowed where this is 0), or
    -1 inside a token: looked up by bisection over the tokens, not tabulated for
    every character of a long paragraph."""
    starts: list[int] = []
    ends: list[int] = []
    levels: list[int] = []  # open pairs after each token
    level = 0
    for match in TOKEN_RE.finditer(masked):
        token = match.group()
        if not token.endswith("/>"):
            level += -1 if token.startswith("</") else 1
        starts.append(match.start())
        ends.append(match.end())
        levels.append(level)

    def depth_at(pos: int) -> int:
        k = bisect_right(ends, pos)  # the tokens before k end at or before pos
        if k < len(starts) and starts[k] < pos:
            return -1  # never cut inside a token
        return levels[k - 1] if k else 0

    return depth_at


def _skip_closing(masked: str, pos: int) -> int:
    while True:
        match = TOKEN_RE.match(masked, pos)
        if not match or not match.group().startswith("</"):
            return pos
        pos = match.end()


_OPENING = re.compile(r"<\d+>")


def _back_over_opening(masked: str, pos: int) -> int:
    """Move a cut back over opening tokens just before it (``<1>`` belongs to the
    sentence it opens); looks only at the token, so many cuts stay linear."""
    while pos and masked[pos - 1] == ">":
        start = masked.rfind("<", 0, pos)
        if start < 0 or not _OPENING.fullmatch(masked, start, pos):
            return pos
        pos = start
    return pos


def _opens_section(raw: RawBlock) -> bool:
    """Titles and top-level headings scope the ids below them; a table of contents
    heading does not (the article's intro after it is not part of the TOC)."""
    if raw.type is BlockType.TITLE:
        return True
    return raw.type is BlockType.HEADING and raw.level <= 2 and dict(raw.attrs).get("role") != "toc"


def _has_words(pieces: Sequence[Piece]) -> bool:
    return any(isinstance(p, Text) and any(c.isalpha() for c in p.text) for p in pieces)


def _plain(pieces: Sequence[Piece]) -> str:
    return "".join(p.original for p in pieces if isinstance(p, Text) or p.role == "atom")


def build_article(
    *,
    slug: str,
    fmt: str,
    source_lang: str,
    source: str,
    raw_blocks: Iterable[RawBlock],
    title: str = "",
    published: str | None = None,
    metadata: Iterable[tuple[str, str]] = (),
) -> Article:
    blocks: list[Block] = []
    counters: dict[tuple[str, str], int] = {}
    section_id = ""
    section_text = ""
    first_entry: dict[str, str] = {}
    seen: dict[str, list[tuple[int, int]]] = {}
    # A big document repeats blocks (table cells, list items, changelog lines): the
    # protected pieces and their split are pure functions of the shown pieces.
    known: dict[tuple[Piece, ...], tuple[list[Piece], _Split | None]] = {}
    for raw in raw_blocks:
        shown, spaces = _unspace(raw.pieces)
        shape = tuple(shown)
        memo = known.get(shape)
        if memo is None:
            protected = protect_pieces(shown)
            memo = known[shape] = (protected if _has_words(protected) else [], None)
        pieces, split = memo
        if not pieces:
            continue  # nothing to translate: the block stays in the source as it is
        prefix = _PREFIX[raw.type]
        scope = "" if raw.type in _SECTION_TYPES else section_id
        key = (scope, prefix)
        counters[key] = counters.get(key, 0) + 1
        first_title = raw.type is BlockType.TITLE and counters[key] == 1
        local = prefix if first_title else f"{prefix}{counters[key]}"
        block_id = f"{scope}.{local}" if scope else local
        if _opens_section(raw):
            section_id, section_text = block_id, _plain(pieces).strip()

        if split is None:
            split = split_segments(pieces, source_lang, seen)
            known[shape] = (pieces, split)
        spacings, separators = _place_spaces(split, spaces)
        segments: list[Segment] = []
        rewrites = split.rewrites or [{} for _ in split.sources]
        spellings = split.spellings or ["" for _ in split.sources]
        for k, (masked, legend) in enumerate(zip(split.sources, split.legends, strict=True)):
            path = f"{block_id}.s{k + 1}"
            entry = first_entry.get(masked)
            if entry is None:
                entry = first_entry[masked] = entry_id_for(path, masked)
            alt = tuple(rewrites[k].items())
            segments.append(
                Segment(path, entry, masked, tuple(legend.items()), spacings[k], alt, spellings[k])
            )
        blocks.append(
            Block(
                id=block_id,
                type=raw.type,
                span=raw.span,
                segments=tuple(segments),
                separators=separators,
                level=raw.level,
                attrs=raw.attrs,
                section=section_text if raw.type not in _SECTION_TYPES else "",
                line_prefix=raw.line_prefix,
            )
        )
    article = Article(
        slug=slug,
        format=fmt,
        source_lang=source_lang,
        source=source,
        blocks=tuple(blocks),
        title=title,
        published=published,
        metadata=tuple(metadata),
    )
    _check_lossless(article)
    return article


_Spacing = tuple[int, int, str]


def _unspace(pieces: Sequence[RawPiece]) -> tuple[list[Piece], list[_Spacing]]:
    """Layout whitespace as translators see it, and where each original lies in the
    block's shown text (the pieces' originals joined, markup included)."""
    out: list[Piece] = []
    spaces: list[_Spacing] = []
    length = 0
    for piece in pieces:
        if isinstance(piece, Space):
            if piece.original != piece.shown:
                spaces.append((length, len(piece.shown), piece.original))
            piece = Text(piece.shown)
        out.append(piece)
        length += len(piece.original)
    return merge_texts(out), spaces


def _place_spaces(
    split: _Split, spaces: Sequence[_Spacing]
) -> tuple[list[tuple[_Spacing, ...]], tuple[str, ...]]:
    """Each layout space given to the segment it falls in (relative to the segment's
    restored text), or written back into the separator it falls in: separators are
    never translated, so they keep the source's line breaks as they are."""
    if not spaces:  # most blocks: nothing to place, no segment to restore
        return [() for _ in split.sources], tuple(split.separators)
    regions: list[tuple[int, int]] = []
    pos = 0
    for k, separator in enumerate(split.separators):
        regions.append((pos, pos + len(separator)))
        pos += len(separator)
        if k < len(split.sources):
            text = restore(split.sources[k], split.legends[k])
            regions.append((pos, pos + len(text)))
            pos += len(text)
    found: list[list[_Spacing]] = [[] for _ in regions]
    r = 0
    for at, length, original in spaces:  # in order, like the regions: one pass
        while not regions[r][0] <= at <= at + length <= regions[r][1]:
            r += 1
        start = regions[r][0]
        found[r].append((at - start, length, original))
    separators = tuple(
        respace(sep, found[2 * k]) if found[2 * k] else sep
        for k, sep in enumerate(split.separators)
    )
    return [tuple(found[2 * k + 1]) for k in range(len(split.sources))], separators


def _check_lossless(article: Article) -> None:
    """A parser bug must fail loudly here, not silently corrupt a published article."""
    for block in article.blocks:
        start, end = block.span
        if block.text() != article.source[start:end]:
            raise AssertionError(
                f"block {block.id} does not rebuild its source span {start}:{end}: "
                f"{block.text()!r} != {article.source[start:end]!r}"
            )
