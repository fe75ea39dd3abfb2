"""``l10n add`` grows linearly with the document: four times the real Markdown costs
at most eight times the CPU (a generous bound: quadratic work would cost sixteen),
measured in this process, and the work done (sentence-splitter calls, parses) grows
no faster than the document."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import big_documents as bench

from l10n_service.core import builder
from l10n_service.core.formats.markdown import document
from l10n_service.services import articles
from l10n_service.services.articles import add_article
from l10n_service.services.catalogs import update_languages
from l10n_service.workspace import Workspace

SMALL = 60_000


def _add(root: Path, data: bytes) -> float:
    """CPU of one ``l10n add``, parsing afresh (not reusing the previous run's parse)."""
    articles.forget_last_parse()
    ws = Workspace.at(root)
    start = time.process_time()
    article = add_article(ws, data, name="big.md", slug="big")
    update_languages(ws, article.slug)
    return time.process_time() - start


def test_add_cpu_grows_linearly(tmp_path: Path) -> None:
    small = bench.real_markdown(SMALL).encode()
    big = bench.real_markdown(4 * SMALL).encode()
    _add(tmp_path / "warm", small)  # imports, compiled regexes, pysbd's segmenter
    cpu_small = min(_add(tmp_path / f"s{i}", small) for i in range(3))
    cpu_big = min(_add(tmp_path / f"b{i}", big) for i in range(2))
    ratio = (cpu_big / cpu_small) / (len(big) / len(small))
    assert ratio <= 2.0, f"4x the text cost {cpu_big / cpu_small:.1f}x the CPU"


def test_add_parses_once_and_splits_in_proportion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted work: one parse per ``add``; sentence-splitter input and markdown-it
    parses bounded by the text's length."""
    calls = {"parse": 0, "split_chars": 0}
    real_parse, real_spans = document.PARSER.parse, builder.sentence_spans

    def parse(src: str, env: object = None) -> object:
        calls["parse"] += 1
        return real_parse(src, env)  # type: ignore[arg-type]

    def spans(text: str, lang: str = "en") -> list[tuple[int, int]]:
        calls["split_chars"] += len(text)
        return real_spans(text, lang)

    monkeypatch.setattr(document.PARSER, "parse", parse)
    monkeypatch.setattr(builder, "sentence_spans", spans)
    counts = []
    for n, size in enumerate((SMALL, 4 * SMALL)):
        calls.update(parse=0, split_chars=0)
        data = bench.real_markdown(size).encode()
        _add(tmp_path / str(n), data)
        counts.append((calls["parse"], calls["split_chars"] / len(data)))
    assert [parses for parses, _ in counts] == [1, 1]
    # Each character reaches the splitter about once (windows overlap by a sentence).
    assert all(per_byte <= 1.2 for _, per_byte in counts), counts


def test_pysbd_sees_only_text_where_a_sentence_may_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted work: headings, list items, table cells and version strings take the
    splitter's fast path; pysbd (most of the splitting cost) gets the rest. On the
    benchmark's text 28% of the splitter's inputs reach pysbd (43% did before full
    stops inside words and closing parentheses were taken as no end)."""
    from l10n_service.core import sentences

    calls = {"split": 0, "pysbd": 0}
    real_spans, real_pysbd = builder.sentence_spans, sentences._spans

    def spans(text: str, lang: str = "en") -> list[tuple[int, int]]:
        calls["split"] += 1
        return real_spans(text, lang)

    def pysbd(text: str, lang: str) -> list[tuple[int, int]]:
        calls["pysbd"] += 1
        return real_pysbd(text, lang)

    monkeypatch.setattr(builder, "sentence_spans", spans)
    monkeypatch.setattr(sentences, "_spans", pysbd)
    _add(tmp_path, bench.real_markdown(4 * SMALL).encode())
    assert calls["pysbd"] <= 0.35 * calls["split"], calls
