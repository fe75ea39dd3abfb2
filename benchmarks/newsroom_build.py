"""Newsroom workspaces for ``newsroom.py``: articles made of real sentences, built
in-process through the service functions, and cached under ``.bench/``.

Why generated articles of real text: the stages measured (status, update, the front
page) scale with the number of articles, catalogs and entries, and their cost per
entry depends on what the entries look like (length, punctuation, shared msgids).
Sentences come from the vendored real-world documents (``tests/data/realworld/``,
``examples/articles/``: Python docs, project READMEs and changelogs, a news story),
so lengths and characters are those of prose people write. Sentences are shared
the way a newsroom shares them: a small set of boilerplate lines and "hot" quotes
recur in many articles, the rest is drawn from the whole pool, and half of the
drawn sentences get a one-word edit (a quote paraphrased, a figure updated), which
makes them near-duplicates rather than exact ones.

Why in-process: adding 10,000 articles with one ``l10n add`` process each would
take hours of interpreter start-up on a shared machine. The build calls the same
service functions the CLI calls (``add_article``, ``update_languages``), then fills
the catalogs the way a finished MT job leaves them (pseudo engine, ``#, fuzzy,
machine``) with some entries accepted or approved by a translator. The newest
articles stay untranslated: they are the ones ``newsroom.py`` sends to MT.

A workspace is built in a temporary folder and renamed into place when complete,
with a manifest naming the generator version, so an interrupted build is never
reused and a changed generator rebuilds.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

# The project's own functions, all used in-process for set-up only (measured stages
# run the real CLI and server). If a refactor moves one of these, fix the imports here.
from l10n_service.catalog.store import read_po, write_po  # noqa: E402
from l10n_service.core.post_edit import machine_text_line  # noqa: E402
from l10n_service.core.states import approval_comment  # noqa: E402
from l10n_service.services.articles import add_article, load_article  # noqa: E402
from l10n_service.services.catalogs import update_languages  # noqa: E402
from l10n_service.services.index import (  # noqa: E402
    article_stamp,
    fresh_row,
    record_catalog,
    record_template,
    stored_template,
    sync,
    template_hash,
)
from l10n_service.services.machine import translate_texts  # noqa: E402
from l10n_service.workspace import Workspace  # noqa: E402

__all__ = [
    "CACHE",
    "LANGS",
    "UNTRANSLATED",
    "Newsroom",
    "big_catalog_files",
    "cached_workspace",
    "sentence_pool",
    "slug_for",
]

CACHE = REPO / ".bench"
GENERATOR_VERSION = 2
LANGS = ("de", "fr", "ar")
# The newest articles stay untranslated for the translate stage (all of them in the
# 100-article workspace): it always sends the same 300 jobs, whatever the size.
UNTRANSLATED = 100
SEED = 14

# ---- the sentence pool -------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_CODE = "\x00"  # marks a removed code span: a sentence that held one is dropped
_INLINE = [
    (re.compile(r"`[^`]*`"), _CODE),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), _CODE),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<[^>]+>"), _CODE),
    (re.compile(r"([*_]{1,3})([^*_]+)\1"), r"\2"),
]
_PROSE = re.compile(r"^[A-Z][A-Za-z0-9 ,;:'’\"“”()\-–—.!?%&/]+[.!?]$")
_NOT_PROSE = ("#", "    ", "\t", "|", "<", ">", "-", "*", "+", "=", "[", "```", ":")


def _markdown_paragraphs(text: str) -> Iterator[str]:
    """Plain paragraphs only: no headings, lists, tables, code, HTML or quotes."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        if lines and not any(
            line.startswith(_NOT_PROSE) or re.match(r"\d+\.", line) for line in lines
        ):
            yield " ".join(line.strip() for line in lines)


class _Paragraphs(HTMLParser):
    """The text of every ``<p>``, with ``<code>``/``<pre>`` content marked."""

    def __init__(self) -> None:
        super().__init__()
        self.open = 0
        self.code = 0
        self.parts: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "p":
            self.open, self.parts = self.open + 1, []
        elif tag in ("code", "pre", "kbd", "script", "style"):
            self.code += 1
            self.parts.append(_CODE)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre", "kbd", "script", "style"):
            self.code = max(0, self.code - 1)
        elif tag == "p" and self.open:
            self.open -= 1
            self.found.append(" ".join("".join(self.parts).split()))

    def handle_data(self, data: str) -> None:
        if self.open and not self.code:
            self.parts.append(data)


def sentence_pool() -> list[str]:
    """Distinct prose sentences of the vendored documents, in a fixed order."""
    data = REPO / "tests" / "data" / "realworld"
    paragraphs: list[str] = []
    for path in sorted((data / "md").glob("*.md")):
        paragraphs += _markdown_paragraphs(path.read_text("utf-8"))
    for path in sorted((data / "html").glob("*.html")):
        parser = _Paragraphs()
        parser.feed(path.read_text("utf-8", errors="replace"))
        paragraphs += parser.found
    for path in sorted((REPO / "examples" / "articles").glob("*.txt")):
        paragraphs += [" ".join(p.split()) for p in re.split(r"\n\s*\n", path.read_text("utf-8"))]
    seen: set[str] = set()
    pool: list[str] = []
    for paragraph in paragraphs:
        for pattern, replacement in _INLINE:
            paragraph = pattern.sub(replacement, paragraph)
        for sentence in _SENTENCE_END.split(" ".join(paragraph.split())):
            sentence = sentence.strip()
            if (
                30 <= len(sentence) <= 240
                and len(sentence.split()) >= 6
                and _PROSE.match(sentence)
                and sentence not in seen
            ):
                seen.add(sentence)
                pool.append(sentence)
    return pool


# ---- articles ----------------------------------------------------------------------


def slug_for(index: int) -> str:
    return f"story-{index:05d}"


class Newsroom:
    """Deterministic articles: article ``i`` is the same in every run and size, so
    the 1,000-article workspace holds the 100-article one's articles, and so on."""

    BOILERPLATE = 12  # "Reporting by ...", "This story has been updated."
    HOT = 150  # quotes and background paragraphs that run in many stories

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self.pool = sentence_pool()
        shuffled = random.Random(seed).sample(self.pool, len(self.pool))
        self.boilerplate = shuffled[: self.BOILERPLATE]
        self.hot = shuffled[self.BOILERPLATE : self.BOILERPLATE + self.HOT]
        self.rest = shuffled[self.BOILERPLATE + self.HOT :]
        self.titles = [s.rstrip(".!?") for s in self.rest if len(s) <= 80]
        self.words = [w for s in self.pool for w in s.split() if w.isalpha()]

    def _edit(self, rng: random.Random, sentence: str) -> str:
        """One word substituted or inserted: the same sentence, lightly rewritten."""
        words = sentence.split(" ")
        at = rng.randrange(1, len(words))
        if rng.random() < 0.5:
            words[at] = rng.choice(self.words)
        else:
            words.insert(at, rng.choice(self.words))
        text = " ".join(words)
        return text if text[-1] in ".!?" else text + "."

    def _sentence(self, rng: random.Random) -> str:
        if rng.random() < 0.15:
            return rng.choice(self.hot)
        sentence = rng.choice(self.rest)
        return self._edit(rng, sentence) if rng.random() < 0.5 else sentence

    def article(self, index: int) -> str:
        """Markdown: a title, 5-15 paragraphs (now and then a heading or a quote),
        often closed by boilerplate."""
        rng = random.Random(self.seed * 1_000_003 + index)
        lines = [f"# {rng.choice(self.titles)}", ""]
        for number in range(rng.randint(5, 15)):
            roll = rng.random()
            if number and roll < 0.08:
                lines += [f"## {rng.choice(self.titles)}", ""]
            if roll > 0.9:
                lines += [f"> “{rng.choice(self.hot)}”", ""]
                continue
            lines += [" ".join(self._sentence(rng) for _ in range(rng.randint(1, 4))), ""]
        if rng.random() < 0.7:
            lines += [" ".join(rng.sample(self.boilerplate, rng.randint(1, 2))), ""]
        return "\n".join(lines)


@functools.cache
def _newsroom() -> Newsroom:
    return Newsroom()


# ---- catalog states ----------------------------------------------------------------


def _plan(index: int, size: int) -> str:
    """What translators did with article ``index`` (the newest stay untranslated)."""
    if index >= size - UNTRANSLATED:
        return "untranslated"
    return {17: "approved", 18: "approved", 19: "partial"}.get(
        index % 20, "translated" if index % 20 >= 12 else "machine"
    )


def _fill(ws: Workspace, slug: str, lang: str, plan: str, when: str) -> None:
    """Leave the catalog as a finished MT job would, then as translators did."""
    path = ws.po_path(slug, lang)
    po = read_po(path)
    entries = [e for e in po if not e.obsolete and not e.msgstr]
    result = translate_texts("pseudo", "en", lang, [e.msgid for e in entries])
    note = f"mt: engine=pseudo version=1 at={when} (pseudo-localisation, not a real translation)"
    for entry, text in zip(entries, result["translations"], strict=True):
        entry.comment = note + "\n" + machine_text_line(text, "pseudo")
        if plan == "machine":
            entry.msgstr, entry.flags = text, ["fuzzy", "machine"]
        else:
            # A translator post-edited it (Poedit clears fuzzy): unmodified machine
            # output, pseudo above all, would still count as machine.
            entry.msgstr, entry.flags = text.strip("[]"), ["machine"]
        if plan == "approved":
            entry.tcomment = approval_comment("desk", when, entry.msgstr)
    write_po(po, path)


def _build_block(job: tuple[Path, int, int, int]) -> int:
    """Articles ``start`` to ``stop - 1`` of a ``size``-article workspace (a block
    writes only its own articles' files, so blocks can be built side by side)."""
    root, size, start, stop = job
    ws = Workspace.at(root)
    newsroom = _newsroom()
    when = datetime(2026, 1, 1, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for index in range(start, stop):
        slug = slug_for(index)
        text = newsroom.article(index)
        add_article(ws, text.encode("utf-8"), name=f"{slug}.md", slug=slug, fmt="md")
        update_languages(ws, slug, list(LANGS))
        plan = _plan(index, size)
        if plan != "untranslated":
            for lang in LANGS:
                if not (plan == "partial" and lang == "ar"):
                    _fill(ws, slug, lang, plan, when)
    return stop - start


def _build(root: Path, size: int, jobs: int) -> None:
    """In blocks of 100 articles, ``jobs`` processes at a time (the build is CPU
    bound, and on a shared machine one process gets a small share of it)."""
    blocks = [(root, size, start, min(size, start + 100)) for start in range(0, size, 100)]
    started, done = time.monotonic(), 0
    with multiprocessing.get_context("fork").Pool(max(1, jobs)) as pool:
        for count in pool.imap_unordered(_build_block, blocks):
            done += count
            if size >= 1000 and done % 1000 == 0:
                rate = done / (time.monotonic() - started)
                print(f"  built {done:,}/{size:,} articles ({rate:.1f}/s)", flush=True)


def cached_workspace(size: int, *, fresh: bool = False, jobs: int = 2) -> Path:
    """The pristine ``size``-article workspace (built on first use). Stages must run
    on a copy: they translate, publish and edit."""
    target = CACHE / f"newsroom-{size}"
    manifest = {"generator": GENERATOR_VERSION, "size": size, "seed": SEED, "langs": LANGS}
    stamp = target / "bench-manifest.json"
    if (
        not fresh
        and stamp.exists()
        and json.loads(stamp.read_text()) == json.loads(json.dumps(manifest))
    ):
        _warm_index(target, jobs)
        return target
    CACHE.mkdir(exist_ok=True)
    building = CACHE / f".building-newsroom-{size}"
    shutil.rmtree(building, ignore_errors=True)
    print(f"building the {size:,}-article workspace in {target} (once; --fresh rebuilds)")
    started = time.monotonic()
    _build(building, size, jobs)
    (building / "bench-manifest.json").write_text(json.dumps(manifest) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    print(f"  built in {time.monotonic() - started:.0f} s")
    _warm_index(target, jobs)
    return target


def _record_block(job: tuple[Path, list[str]]) -> int:
    """Record articles in the index as their writes would have: the build above
    merged each catalog with the article's template (``update_languages``), then
    filled it like an MT job and translators (``write_po``: no merge, same template),
    so each catalog is recorded as merged with that template, after a recount."""
    root, slugs = job
    ws = Workspace.at(root)
    for slug in slugs:
        digest = stored_template(ws, slug)
        langs = ws.languages(slug)
        if digest is not None and all(
            (row := fresh_row(ws, slug, lang)) is not None and row.template_hash == digest
            for lang in langs
        ):
            continue  # recorded already (an interrupted warm-up)
        stamp = article_stamp(ws, slug)
        pot = read_po(ws.pot_path(slug))
        digest = template_hash(pot)
        record_template(ws, slug, digest, stamp=stamp, title=load_article(ws, slug).title)
        for lang in langs:
            record_catalog(ws, slug, lang, read_po(ws.po_path(slug, lang)), template=digest)
    return len(slugs)


def _warm_index(target: Path, jobs: int) -> None:
    """Give the workspace the index it has in use (every write of the package records
    its catalog; the build's ``write_po`` calls did not): each catalog recorded as
    merged with its template (:func:`_record_block`), then a full check records the
    folders. Done once per cached workspace (a marker in ``.l10n/``)."""
    marker = target / ".l10n" / "bench-index-warm"
    if marker.exists():
        return
    print(f"  warming the index of {target.name} (each catalog recorded, once)")
    started = time.monotonic()
    slugs = Workspace.at(target).slugs()
    blocks = [(target, slugs[i : i + 100]) for i in range(0, len(slugs), 100)]
    with multiprocessing.get_context("fork").Pool(max(1, jobs)) as pool:
        for _ in pool.imap_unordered(_record_block, blocks):
            pass
    time.sleep(0.5)  # folder mtimes settle before the check records them
    sync(Workspace.at(target))
    marker.write_text("1\n")
    print(f"  warmed in {time.monotonic() - started:.0f} s")


def big_catalog_files(entries: int, *, fresh: bool = False) -> tuple[Path, Path]:
    """(translated catalog, template with 10% of msgids edited) of ``entries``
    entries: ``catalog_update.py``'s generator, cached."""
    from catalog_update import make_catalogs

    from l10n_service.catalog.store import parse_po, render_po

    folder = CACHE / f"catalog-{entries}"
    old, template = folder / "old.po", folder / "new.pot"
    if fresh or not (old.exists() and template.exists()):
        print(f"generating a {entries:,}-entry catalog and template in {folder}")
        folder.mkdir(parents=True, exist_ok=True)
        po, pot, _ = make_catalogs(entries)
        old.write_text(render_po(parse_po(render_po(po))), "utf-8")
        template.write_text(render_po(pot), "utf-8")
    return old, template


@dataclass(frozen=True)
class PoolFacts:
    sentences: int
    boilerplate: int
    hot: int


def pool_facts() -> PoolFacts:
    newsroom = Newsroom()
    return PoolFacts(len(newsroom.pool), len(newsroom.boilerplate), len(newsroom.hot))
