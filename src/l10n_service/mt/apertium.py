"""Apertium: rule-based machine translation from Debian's packages, offline.

The language pairs are whatever ``apertium-*`` packages are installed: each brings
mode files (``/usr/share/apertium/modes/eng-spa.mode``) naming its chain of programs.
A mode's name gives the pair in Apertium's codes (ISO 639-3 like ``eng-spa``, or the
older two-letter ``en-gl``), with variants after ``_`` (``spa-eng_US``,
``eng-hbs_HR``, ``eng-cat_valencia``); we route a locale to the variant that names
its region and otherwise to the plain mode.

Output is a readable gist, not publishable text ("spirit" comes back as "alcohol"),
so the engine says so in its label and its provenance. Each process keeps one
pipeline per mode (:mod:`.apertium_pipe`); placeholders travel as stream-format
blanks (:mod:`.apertium_stream`). A sentence whose placeholders still come back
broken is translated again piece by piece between its placeholders, which keeps
them all in place at some cost in word order; whatever is still wrong is left for
the placeholder check in ``translate_texts`` to record as failed.

A long-lived pipeline gives each sentence what a fresh one would, whatever came
before it: the one stage that remembers (an HMM ``apertium-tagger``, whose table of
tags for unknown words some words rewrite for the rest of the process) is replaced
after each sentence that changed it (:mod:`.apertium_guard`), so chunking, order
and retries never change a translation.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

from ..core.provenance import Kind
from ..core.tokens import TOKEN_RE, placeholder_problems
from ..errors import EngineUnavailable, TransientEngineError
from .apertium_pipe import ApertiumPipe, PipeFailure, null_flush_command
from .apertium_stream import decode, encode
from .base import Engine, language_code

__all__ = ["ApertiumEngine", "ApertiumPair", "installed_pairs", "locale_of"]

MODES_DIR = Path("/usr/share/apertium/modes")

# Apertium's ISO 639-3 codes -> our (babel) locales; two-letter codes are ours already.
CODES = {
    "afr": "af", "ara": "ar", "arg": "an", "ast": "ast", "aze": "az", "bak": "ba",
    "bel": "be", "bre": "br", "bul": "bg", "cat": "ca", "ces": "cs", "chv": "cv",
    "cos": "co", "cym": "cy", "dan": "da", "deu": "de", "ell": "el", "eng": "en",
    "epo": "eo", "est": "et", "eus": "eu", "fao": "fo", "fin": "fi", "fra": "fr",
    "gla": "gd", "gle": "ga", "glg": "gl", "hbs": "sh", "heb": "he", "hin": "hi",
    "hye": "hy", "ind": "id", "isl": "is", "ita": "it", "kaz": "kk", "kir": "ky",
    "kur": "ku", "lav": "lv", "lit": "lt", "mkd": "mk", "mlt": "mt", "msa": "ms",
    "nld": "nl", "nno": "nn", "nob": "nb", "oci": "oc", "pol": "pl", "por": "pt",
    "ron": "ro", "rus": "ru", "slk": "sk", "slv": "sl", "sme": "se", "spa": "es",
    "sqi": "sq", "srd": "sc", "swe": "sv", "tat": "tt", "tur": "tr", "ukr": "uk",
    "urd": "ur", "uzb": "uz",
}  # fmt: skip
# Serbo-Croatian's standards are separate locales for us (babel has no ``sh``).
REGIONAL = {("hbs", "HR"): "hr", ("hbs", "SR"): "sr", ("hbs", "BS"): "bs"}
_MODE_NAME = re.compile(r"(?P<src>[a-z]{2,3})-(?P<tgt>[a-z]{2,3})(?:_(?P<variant>\w+))?")


@dataclass(frozen=True)
class ApertiumPair:
    """One installed mode file and the locales it translates between."""

    source: str
    target: str
    mode: str
    path: Path


def locale_of(code: str, variant: str | None = None) -> str | None:
    """Our locale for an Apertium language code and mode variant; None for variants
    that name no region (``valencia``, ``iec2017``): those are not routed to."""
    base = CODES.get(code, code if len(code) == 2 else None)
    if base is None or (variant is not None and not re.fullmatch(r"[A-Z]{2}", variant)):
        return None
    if variant is None:
        return base
    return REGIONAL.get((code, variant), f"{base}_{variant}")


def modes_dirs() -> list[Path]:
    """``L10N_APERTIUM_MODES`` (directories, ``:``-separated), then Debian's."""
    configured = os.environ.get("L10N_APERTIUM_MODES", "")
    return [Path(p) for p in configured.split(os.pathsep) if p] + [MODES_DIR]


def installed_pairs(dirs: Iterable[Path] | None = None) -> list[ApertiumPair]:
    """Every routable mode, first directory first; debugging modes
    (``en-eo-bytecode``) and script converters (``Cyrl-Latn``) are skipped."""
    found: dict[str, ApertiumPair] = {}
    for folder in dirs if dirs is not None else modes_dirs():
        for path in sorted(folder.glob("*.mode")):
            m = _MODE_NAME.fullmatch(path.stem)
            if m is None or path.stem in found:
                continue
            source = locale_of(m.group("src"))
            target = locale_of(m.group("tgt"), m.group("variant"))
            if source and target:
                found[path.stem] = ApertiumPair(source, target, path.stem, path)
    return sorted(found.values(), key=lambda p: (p.source, p.target))


def _candidates(locale: str) -> list[str]:
    """``pt_BR`` -> [``pt_BR``, ``pt``]; ``sr_Latn`` -> [``sr_Latn``, ``sr``, ``sh``]."""
    lang = re.split(r"[_\-@]", locale)[0].lower()
    out = [locale, lang]
    if lang in {"hr", "sr", "bs"}:
        out.append("sh")
    return list(dict.fromkeys(out))


@cache
def _dpkg_version(package: str) -> str:
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True,
            check=False,
        )  # fmt: skip
    except FileNotFoundError:  # not a Debian system
        return "unknown"
    return done.stdout.strip() or "unknown"


@cache
def _dpkg_owner(path: Path) -> str | None:
    try:
        done = subprocess.run(
            ["dpkg-query", "-S", str(path)], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:  # not a Debian system
        return None
    line = done.stdout.strip().splitlines()
    return line[0].split(":", 1)[0].strip() if done.returncode == 0 and line else None


class ApertiumEngine(Engine):
    name = "apertium"
    label = "Apertium, rule-based MT (a readable gist, not publishable text)"
    kind: ClassVar[Kind] = "rule-based"
    rank: ClassVar[int] = 50
    # A chunk goes through the pipe in one call, however ``chunk_plan`` cut it (a short
    # job's two halves hold up to 256): each call drains the pipeline (its last
    # sentences travel alone) and starts a writer thread. The timeout is per answer,
    # so a bigger call waits no longer for one.
    batch_size = 512
    # The pipeline streams (~2 ms a sentence with 32 in flight, no per-batch cost),
    # so with chunks of 32 a job spent as long applying chunks (a whole-catalog read
    # and write each) as translating them.
    chunk_size: ClassVar[int | None] = 128

    def __init__(
        self,
        dirs: Sequence[Path] | None = None,
        *,
        timeout: float | None = None,
        in_flight: int | None = None,
    ) -> None:
        self.dirs = list(dirs) if dirs is not None else None
        env = os.environ
        self.timeout = timeout or float(env.get("L10N_APERTIUM_TIMEOUT", "30"))
        self.in_flight = in_flight or int(env.get("L10N_APERTIUM_IN_FLIGHT", "32"))
        self._pipes: dict[str, ApertiumPipe] = {}
        self._lock = threading.Lock()

    @classmethod
    def queue_for(cls, source: str, target: str) -> str:
        """A queue of its own per pair (``mt.apertium.en-es``): a worker with only
        Apertium installed must never receive a chunk meant for an argostranslate
        model of the same pair, which keeps ``mt.en-es``."""
        return f"mt.apertium.{language_code(source)}-{language_code(target)}"

    def pairs(self) -> list[tuple[str, str]]:
        return sorted(
            {(language_code(p.source), language_code(p.target)) for p in self.installed()}
        )

    def installed(self) -> list[ApertiumPair]:
        """Every routable mode file, with its locales and path."""
        return installed_pairs(self.dirs)

    def pair_for(self, source: str, target: str) -> ApertiumPair:
        pairs = self.installed()
        by_locales = {(p.source, p.target): p for p in pairs}
        for src in _candidates(source):
            for tgt in _candidates(target):
                if (src, tgt) in by_locales:
                    return by_locales[(src, tgt)]
        have = ", ".join(f"{p.source}->{p.target}" for p in pairs) or "none"
        raise EngineUnavailable(
            f"Apertium has no {source} -> {target} pair installed (installed: {have}); "
            "add pairs with apt-get install apertium-<pair> (apt-cache search apertium-)"
        )

    def supports(self, source: str, target: str) -> bool:
        try:
            self.pair_for(source, target)
        except EngineUnavailable:
            return False
        return True

    def pipe(self, source: str, target: str) -> ApertiumPipe:
        """This process's pipeline for the pair, built on first use."""
        pair = self.pair_for(source, target)
        with self._lock:
            if pair.mode not in self._pipes:
                command = null_flush_command(pair.path)
                self._pipes[pair.mode] = ApertiumPipe(
                    pair.mode, command, timeout=self.timeout, in_flight=self.in_flight
                )
            return self._pipes[pair.mode]

    def close(self) -> None:
        with self._lock:
            pipes, self._pipes = list(self._pipes.values()), {}
        for pipe in pipes:
            pipe.close()

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """A pipeline that failed twice (died, went silent, answered out of order) is
        worth a retry of the chunk: the next call starts a fresh one."""
        try:
            return self._translate(texts, source, target)
        except PipeFailure as exc:
            raise TransientEngineError(str(exc)) from exc

    def _translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        pipe = self.pipe(source, target)
        out = list(texts)
        todo = [i for i, text in enumerate(texts) if re.search(r"\w", TOKEN_RE.sub("", text))]
        answers = pipe.translate([encode(texts[i].strip()) for i in todo])
        for i, answer in zip(todo, answers, strict=True):
            out[i] = _tidy(texts[i], decode(answer))
        broken = [i for i in todo if placeholder_problems(texts[i], out[i])]
        if broken:
            fixed = self._piecewise(pipe, [texts[i] for i in broken])
            for i, text in zip(broken, fixed, strict=True):
                out[i] = text
        return out

    @staticmethod
    def _piecewise(pipe: ApertiumPipe, texts: list[str]) -> list[str]:
        """Each run of words between placeholders on its own; the placeholders stay put."""
        split = [TOKEN_RE.split(text) for text in texts]
        tokens = [TOKEN_RE.findall(text) for text in texts]
        runs = [run for parts in split for run in parts if re.search(r"\w", run)]
        done = iter(pipe.translate([encode(run.strip()) for run in runs]))
        out = []
        for text, parts, found in zip(texts, split, tokens, strict=True):
            pieces = []
            for k, run in enumerate(parts):
                if re.search(r"\w", run):
                    lead, trail = run[: len(run) - len(run.lstrip())], run[len(run.rstrip()) :]
                    words = decode(next(done)).strip()
                    if run.strip()[:1].islower():  # Apertium capitalises a record's start
                        words = words[:1].lower() + words[1:]
                    run = lead + words + trail
                pieces.append(run + (found[k] if k < len(found) else ""))
            out.append(_tidy(text, "".join(pieces)))
        return out

    def provenance(self, source: str, target: str) -> dict[str, str]:
        pair = self.pair_for(source, target)
        package = _dpkg_owner(pair.path.resolve())
        return {
            "engine": self.name,
            "label": self.label,
            "kind": self.kind,
            # apt's pin syntax: `apt-get install apertium-eng-spa=0.8.1-2` gets it back.
            "package": f"{package}={_dpkg_version(package)}" if package else str(pair.path),
            "version": f"apertium={_dpkg_version('apertium')}",
            "options": f"mode={pair.mode}",
        }


def _tidy(source: str, translation: str) -> str:
    """The source's outer whitespace, and no double spaces where Apertium dropped a
    word (Spanish drops subject pronouns) unless the source had them."""
    text = translation.strip()
    if "  " not in source:
        text = re.sub(r"(?<=\S) {2,}(?=\S)", " ", text)
    lead, trail = source[: len(source) - len(source.lstrip())], source[len(source.rstrip()) :]
    return lead + text + trail
