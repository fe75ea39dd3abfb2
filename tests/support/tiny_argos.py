"""A tiny but real argostranslate package, built offline in about a second.

Tests need the real argostranslate / SentencePiece / CTranslate2 code path without
downloading a 100 MB model. :func:`build_tiny_argos_package` writes an ``.argosmodel``
zip that argostranslate installs like any other package, whose model translates a
sentence character by character: ``mode="accent"`` swaps every ASCII letter for its
accented twin in :data:`ACCENTS` (pseudo-localisation: "Sunday" -> "Šûñðáý"), and
``mode="copy"`` returns the input unchanged, and ``mode="unknown"`` is ``accent`` whose
model outputs the unknown token ``<unk>`` for ``#`` (CTranslate2's
``replace_unknowns`` puts the source ``#`` back). :func:`expected_translation` says
exactly what comes back, so tests can assert equality.

Package layout (one top-level folder, ``translate-en_de-1_0/`` by default)::

    metadata.json        what argostranslate.package.Package reads (codes, names, versions)
    README.md
    sentencepiece.model  SentencePiece "char" model, see below
    model/               CTranslate2 TransformerSpec model (model.bin, config.json,
                         shared_vocabulary.json), about 450 kB unpacked
    minisbd/<from>.onnx  a 0.7 kB sentence-boundary model, so that argostranslate's own
                         translate() never downloads one (see the last section)

The zip is about 10 kB; building it takes about a second (mostly ``import torch``,
which ``ctranslate2.specs`` does on import; torch is not otherwise used). Builds are
cached per process, so building again is nearly free.

Tokenizer
---------
A SentencePiece ``model_type="char"`` model trained on one line made of the 95
printable ASCII characters (space included) and the 52 twins, with
``normalization_rule_name="identity"``, ``remove_extra_whitespaces=False``,
``add_dummy_prefix=True`` (as real argos models, so argostranslate's sentence joining
keeps its spaces) and ``byte_fallback=True``. Each known character is one piece, a
space is the piece ``▁``. Any other character (’ “ ” – é 日本 😀, tabs, newlines, NUL)
becomes its UTF-8 bytes as pieces ``<0xE2>`` ``<0x80>`` ``<0x99>``, which the model
copies verbatim and ``decode`` reassembles: unknown characters pass through unchanged,
in both modes and under every decoding option, and ``<unk>`` never occurs. The one
character that does not round-trip is U+2581 ``▁`` itself, SentencePiece's whitespace
marker: it comes back as a space. :func:`piece_count` gives the number of pieces.

Weights (why this tiny Transformer translates exactly)
------------------------------------------------------
``TransformerSpec.from_config((1, 1), num_heads=1, rms_norm=True, no_final_norm=True)``,
d_model 64, written from numpy arrays and saved through a ``Converter`` subclass; the
config sets ``add_source_eos`` so the source ends with ``</s>``. CTranslate2 adds to
position p the sinusoidal encoding ``PE(p) = [sin((p+1)·w_i), cos((p+1)·w_i)]``,
``w_i = 10000^(-i/31)``, i < 32 (sin half, then cos half), in the encoder and in the
decoder alike. The 64 dimensions are split into P (sin and cos of the 12 fastest
frequencies, 24 dims) and C (the other 40).

* Encoder: every sublayer's output projection is zero, so each layer is the identity and
  (no final norm) the memory is ``m_s = E[x_s] + PE(s)``. ``E[x]`` is zero on P and, on
  C, a 4-hot code of the *target* piece for x: its base-8 digits (a, b, c) and the check
  digit (a+b+c) mod 8, one 8-dim one-hot block each. Two different codes share at most
  2 of their 4 ones, and 8**3 = 512 >= the 406 pieces.
* Decoder: the target embeddings are zero, so the decoder ignores what it generated and
  its input at step t is exactly ``PE(t)``; self-attention and FFN outputs are zero.
  ``‖PE(t)‖² = 32`` always, so the RMS norm before cross-attention is linear:
  ``√2·PE(t)``. Queries read P scaled by 16·√64/√2, keys read P of the memory, so the
  score of source position s at step t is ``16·Σ_{i<12} cos((t-s)·w_i)``: maximal at
  s = t, and at least ``16·1.057`` above any other position for every ``|t-s| <= 20000``
  (checked numerically), so attention puts more than 1 - 2e-7 on s = t. Values are
  ``-m_s`` on C and the output projection is the identity on C, so after the residual
  the C part is ``PE_C(t) - E[x_t]_C - PE_C(t) = -code(target(x_t))``: the position
  cancels out exactly. The vocabulary projection row of piece j is ``-20·code(j)``, so
  the logit is 80 for the target piece and at most 40 for any other: a log-probability
  margin of 40 at every step, whatever the beam size or length penalty.
* At step n (the source length) the query lands on the appended ``</s>``, whose code is
  that of ``</s>``: the hypothesis ends there, exactly n pieces long, score 0.0.

Every value the int8 kernels quantize stays within ±2 and every weight row is a scaled
0/1 pattern, so the output is also exact with ``compute_type="int8"`` — which is what
argostranslate runs: it passes ``compute_type="auto"``, int8 on most CPUs. Speed with
``intra_threads=1``: about 2200 sentences/s greedy and 400/s with beam 4 (100-character
sentences, batches of 100).

CTranslate2 limits that are not the model's
-------------------------------------------
``translate_batch`` defaults to ``max_decoding_length=256`` and ``max_input_length=1024``
(the input is cut after 1024 tokens, ``</s>`` included). :func:`expected_translation`
holds when ``piece_count(text) <= max_decoding_length`` and
``piece_count(text) < max_input_length``; :func:`translate_with_model` raises the first
limit and disables the second. argostranslate 1.11 passes neither (see
:data:`ARGOS_DECODING_OPTIONS`), so through argostranslate the output stops after 256
pieces — 255 characters of a plain ASCII sentence here, 256 subword tokens with a real
model.

argostranslate's own ``translate()``, offline
---------------------------------------------
``argostranslate.translate.translate(text, "en", "de")`` splits each line into sentences
first (translate.py ``PackageTranslation``; sbd.py), chosen by ``ARGOS_CHUNK_TYPE``,
which settings.py reads from the environment or settings.json once, at import:

* ``DEFAULT``/``ARGOSTRANSLATE`` (the default) and ``MINISBD``: MiniSBD, using the
  package's ``minisbd/*.onnx`` if there is one, else it downloads
  ``<lang>.onnx`` from GitHub into ``$XDG_DATA_HOME/argos-translate/minisbd/`` at the
  first translate(): this fails offline.
* ``STANZA``: ``stanza.Pipeline`` with its default ``download_method`` fetches
  ``resources.json`` every time it is built, and needs a trained stanza tokenizer in
  the package's ``stanza/``: fails offline.
* ``SPACY``: importing argostranslate.translate calls ``networking.cache_spacy()``,
  which runs ``spacy download xx_sent_ud_sm`` unless the directory
  ``$XDG_CACHE_HOME/argos-translate/spacy/senter/model`` exists; the sentencizer then
  loads the package's ``spacy/`` pipeline or that cache directory. Offline only with
  those files put there first.
* ``NONE``: no sentencizer class, so ``PackageTranslation`` raises
  ``NotImplementedError``, ``get_installed_languages`` skips the package, and
  ``translate`` fails: ``'NoneType' object has no attribute 'translate'``.

So no setting alone makes a package without a sentence model work offline. The nearest
is ``ARGOS_CHUNK_TYPE=SPACY`` after seeding the cache before the import: a blank spaCy
pipeline saved there (``spacy.blank("xx").to_disk(...)``) plus the empty directory
``senter/model`` under ``$XDG_CACHE_HOME/argos-translate/spacy``; spaCy's rule-based
sentencizer then splits sentences offline (the test suite checks this recipe).

This package needs no setting: it ships ``minisbd/<from_code>.onnx``, a hand-written
ONNX graph (no ``onnx`` package needed) with MiniSBD's metadata that never predicts a
break, so each line is one sentence. With it ``translate()`` works offline under the
default settings, no environment variable needed. For one line ``q`` of at most 256
pieces it returns ``expected_translation(q.strip()).replace("_", " ")``: MiniSBD drops
the line's outer whitespace, and argostranslate's ``SentencePieceTokenizer.decode``
turns ``_`` into a space; lines are translated one by one and joined with newlines.
(argostranslate tests for its sentencizers by substring of the package's install path:
with "stanza" in it, stanza is used instead; with ``SPACY`` and "spacy" in it, the
``minisbd/`` folder is loaded as a spaCy pipeline and fails.)

argostranslate reads its settings and creates its directories (``~/.local/share``,
``~/.config``, ``~/.local/cache``) when first imported, so tests must point
``XDG_DATA_HOME``, ``XDG_CONFIG_HOME`` and ``XDG_CACHE_HOME`` at temporary directories
before that import, e.g. in a subprocess with :func:`isolated_argos_env`.
"""

from __future__ import annotations

import functools
import io
import json
import os
import string
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "ACCENTS",
    "ARGOS_DECODING_OPTIONS",
    "MODES",
    "UNKNOWN_CHAR",
    "build_tiny_argos_package",
    "expected_translation",
    "isolated_argos_env",
    "piece_count",
    "translate_with_model",
]

ACCENTS: dict[str, str] = {
    "a": "á", "b": "ƀ", "c": "ç", "d": "ð", "e": "é", "f": "ƒ", "g": "ĝ", "h": "ĥ", "i": "î",
    "j": "ĵ", "k": "ķ", "l": "ļ", "m": "ɱ", "n": "ñ", "o": "ö", "p": "þ", "q": "ǫ", "r": "ŕ",
    "s": "š", "t": "ţ", "u": "û", "v": "ṽ", "w": "ŵ", "x": "ẋ", "y": "ý", "z": "ž",
    "A": "Å", "B": "Ɓ", "C": "Ç", "D": "Ð", "E": "É", "F": "Ƒ", "G": "Ĝ", "H": "Ĥ", "I": "Î",
    "J": "Ĵ", "K": "Ķ", "L": "Ļ", "M": "Ṁ", "N": "Ñ", "O": "Ö", "P": "Þ", "Q": "Ǫ", "R": "Ŕ",
    "S": "Š", "T": "Ţ", "U": "Û", "V": "Ṽ", "W": "Ŵ", "X": "Ẋ", "Y": "Ý", "Z": "Ž",
}  # fmt: skip
"""ASCII letter -> accented twin (one precomposed code point). Every other character,
digits, spaces, punctuation and ``< > / { }`` included, translates to itself."""

MODES = ("accent", "copy", "unknown")
UNKNOWN_CHAR = "#"  # what a "unknown" package translates to <unk>

ARGOS_DECODING_OPTIONS: dict[str, Any] = {
    "replace_unknowns": True,
    "max_batch_size": 32,
    "batch_type": "tokens",
    "beam_size": 4,
    "num_hypotheses": 1,
    "length_penalty": 0.2,
    "return_scores": True,
}
"""The ``translate_batch`` options of argostranslate 1.11's ``apply_packaged_translation``
for ``translate()`` (``ARGOS_BEAM_SIZE`` 4, one hypothesis). It passes no
``max_decoding_length`` nor ``max_input_length``, so CTranslate2's 256 and 1024 apply;
its Translator gets ``compute_type="auto"`` (int8 on CPUs)."""

SPACE_PIECE = "\u2581"  # SentencePiece's whitespace marker "▁"

# The SentencePiece training alphabet: printable ASCII with the space, then the twins.
_ALPHABET = "".join(c for c in string.printable if c == " " or not c.isspace()) + "".join(
    ACCENTS.values()
)
_SINGLE_PIECE_CHARS = frozenset(_ALPHABET) | {SPACE_PIECE}
_NUM_SPECIAL = 3  # <unk>, <s>, </s>
_NUM_BYTES = 256  # byte-fallback pieces <0x00> .. <0xFF>

# Model geometry; the module docstring explains the numbers.
_D_MODEL = 64
_NUM_FREQUENCIES = _D_MODEL // 2
_POSITION_FREQUENCIES = 12
_ATTENTION_SHARPNESS = 16.0
_LOGIT_SCALE = 20.0
_CODE_BASE = 8
_CODE_SLOTS = 4
_FFN_DIM = 1

_LANGUAGE_NAMES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fr": "French",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "pl": "Polish",
    "pt": "Portuguese", "ru": "Russian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian",
    "zh": "Chinese",
}  # fmt: skip

_ZIP_DATE = (2024, 1, 1, 0, 0, 0)  # fixed timestamps: the same inputs give the same bytes
_MAX_DEFLATE_RATIO = 100  # store members that would look like a zip bomb to a validator

FloatArray = npt.NDArray[np.float32]


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")


def expected_translation(text: str, mode: str = "accent") -> str:
    """Exactly what translating ``text`` with a package built in ``mode`` returns.

    That is ``sp.decode(result.hypotheses[0])`` after ``sp.encode(text, out_type=str)``
    and ``translate_batch`` with any beam size, length penalty or compute type, as long
    as ``piece_count(text)`` is at most ``max_decoding_length`` (CTranslate2's default
    256) and below ``max_input_length`` (default 1024); beyond, CTranslate2 cuts the
    output. Only U+2581 ``▁`` changes in copy mode: it comes back as a space. In
    ``unknown`` mode this holds with ``replace_unknowns=True``; without it each ``#``
    comes back as SentencePiece's rendering of ``<unk>``, `` ⁇ ``.
    """
    _check_mode(mode)
    text = text.replace(SPACE_PIECE, " ")
    if mode == "copy":
        return text
    return "".join(ACCENTS.get(char, char) for char in text)


def piece_count(text: str) -> int:
    """How many SentencePiece pieces (model input tokens, without ``</s>``) ``text`` is:
    a leading ``▁``, one piece per known character and one per UTF-8 byte of others."""
    if not text:
        return 0
    return 1 + sum(1 if char in _SINGLE_PIECE_CHARS else len(char.encode("utf-8")) for char in text)


@functools.cache
def _sentencepiece_model() -> bytes:
    import sentencepiece as spm

    vocab_size = _NUM_SPECIAL + _NUM_BYTES + len(_ALPHABET)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([_ALPHABET]),
        model_writer=model,
        model_type="char",
        vocab_size=vocab_size,
        character_coverage=1.0,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        add_dummy_prefix=True,
        byte_fallback=True,
        minloglevel=2,
        num_threads=1,
    )
    data = model.getvalue()
    processor = spm.SentencePieceProcessor(model_proto=data)
    if processor.get_piece_size() != vocab_size:  # pragma: no cover - sentencepiece changed
        raise RuntimeError(f"expected {vocab_size} pieces, got {processor.get_piece_size()}")
    return data


def _vocabulary() -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=_sentencepiece_model())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _codes(size: int) -> FloatArray:
    """Row i: the 4-hot code of piece i over the C dimensions (zero on P)."""
    position_dims = set(_position_dims())
    code_dims = [d for d in range(_D_MODEL) if d not in position_dims]
    if size > _CODE_BASE**3 or len(code_dims) < _CODE_SLOTS * _CODE_BASE:
        raise ValueError(f"{size} pieces do not fit the code space")
    codes = np.zeros((size, _D_MODEL), dtype=np.float32)
    for i in range(size):
        a, b, c = i % _CODE_BASE, (i // _CODE_BASE) % _CODE_BASE, i // _CODE_BASE**2
        for slot, digit in enumerate((a, b, c, (a + b + c) % _CODE_BASE)):
            codes[i, code_dims[slot * _CODE_BASE + digit]] = 1.0
    return codes


def _position_dims() -> list[int]:
    """P: the sin and cos dimensions of the fastest frequencies."""
    fast = range(_POSITION_FREQUENCIES)
    return [*fast, *(_NUM_FREQUENCIES + i for i in fast)]


def _build_spec(vocabulary: list[str], mode: str) -> Any:
    from ctranslate2.specs import transformer_spec

    size, d = len(vocabulary), _D_MODEL
    index = {piece: i for i, piece in enumerate(vocabulary)}
    if mode in ("accent", "unknown"):
        target_of = [index[ACCENTS.get(piece, piece)] for piece in vocabulary]
        if mode == "unknown":
            target_of[index[UNKNOWN_CHAR]] = index["<unk>"]
    else:
        target_of = list(range(size))
    codes = _codes(size)
    position = _position_dims()
    content = [i for i in range(d) if i not in set(position)]

    def zeros(*shape: int) -> FloatArray:
        return np.zeros(shape, dtype=np.float32)

    def diagonal(dims: Sequence[int], value: float, rows: int = d, offset: int = 0) -> FloatArray:
        matrix = zeros(rows, d)
        for dim in dims:
            matrix[offset + dim, dim] = value
        return matrix

    spec = transformer_spec.TransformerSpec.from_config(
        (1, 1), num_heads=1, rms_norm=True, no_final_norm=True
    )
    spec.config.add_source_eos = True
    encoder, decoder = spec.encoder, spec.decoder
    encoder.scale_embeddings = False
    decoder.scale_embeddings = False
    encoder.embeddings[0].weight = codes[target_of]
    decoder.embeddings.weight = zeros(size, d)

    def linear(spec: Any, weight: FloatArray) -> None:
        spec.weight, spec.bias = weight, zeros(weight.shape[0])

    def disable(layer: Any) -> None:
        """Zero output projections: the sublayers add nothing to the residual stream."""
        layer.self_attention.layer_norm.gamma = np.ones(d, dtype=np.float32)
        linear(layer.self_attention.linear[0], zeros(3 * d, d))  # fused Q, K, V
        linear(layer.self_attention.linear[1], zeros(d, d))
        layer.ffn.layer_norm.gamma = np.ones(d, dtype=np.float32)
        linear(layer.ffn.linear_0, zeros(_FFN_DIM, d))
        linear(layer.ffn.linear_1, zeros(d, _FFN_DIM))

    disable(encoder.layer[0])
    layer = decoder.layer[0]
    disable(layer)

    cross = layer.attention
    cross.layer_norm.gamma = np.ones(d, dtype=np.float32)
    # RMSNorm(PE) = sqrt(2)*PE and CTranslate2 divides scores by sqrt(d).
    query_scale = _ATTENTION_SHARPNESS * np.sqrt(d) / np.sqrt(2.0)
    linear(cross.linear[0], diagonal(position, query_scale))  # queries: P, sharpened
    keys = diagonal(position, 1.0, rows=2 * d)  # keys: P of the memory
    values = diagonal(content, -1.0, rows=2 * d, offset=d)  # values: -C of the memory
    linear(cross.linear[1], keys + values)  # fused K, V
    linear(cross.linear[2], diagonal(content, 1.0))

    decoder.projection.weight = -_LOGIT_SCALE * codes
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def _save_ctranslate2_model(spec: Any, output_dir: Path) -> None:
    from ctranslate2.converters import Converter

    class _SpecConverter(Converter):  # type: ignore[misc]
        """Converts nothing: hands over the spec we wrote by hand."""

        def _load(self) -> Any:
            return spec

    _SpecConverter().convert(str(output_dir), force=True)


def _minisbd_onnx(lang: str) -> bytes:
    """An ONNX model in MiniSBD's format that never predicts a boundary.

    MiniSBD feeds ``units`` (int64, batch x time) and ``features`` (float, batch x time x
    1 for the ``space_before`` feature) and takes the argmax of 5 classes per character;
    class 0 is "no break" and MiniSBD itself ends the paragraph's last sentence. Graph:
    ``Unsqueeze(Cast(units)) * 0 + [1, 0, 0, 0, 0]``. Written as raw protobuf so that no
    ``onnx`` package is needed; only onnxruntime reads it.
    """

    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            low, value = value & 0x7F, value >> 7
            out.append(low | (0x80 if value else 0))
            if not value:
                return bytes(out)

    def integer(field: int, value: int) -> bytes:
        return varint(field << 3) + varint(value)

    def message(field: int, value: bytes | str) -> bytes:
        data = value.encode("utf-8") if isinstance(value, str) else value
        return varint(field << 3 | 2) + varint(len(data)) + data

    float_type, int64_type, classes = 1, 7, 5

    def tensor(name: str, dtype: int, array: npt.NDArray[Any]) -> bytes:
        dims = b"".join(integer(1, n) for n in array.shape)
        return message(5, dims + integer(2, dtype) + message(8, name) + message(9, array.tobytes()))

    def value_info(field: int, name: str, dtype: int, dims: Sequence[int | str]) -> bytes:
        shape = b"".join(
            message(1, message(2, dim) if isinstance(dim, str) else integer(1, dim)) for dim in dims
        )
        tensor_type = integer(1, dtype) + message(2, shape)
        return message(field, message(1, name) + message(2, message(1, tensor_type)))

    def node(op: str, inputs: Sequence[str], output: str, attributes: bytes = b"") -> bytes:
        names = b"".join(message(1, name) for name in inputs) + message(2, output)
        return message(1, names + message(4, op) + attributes)

    cast_to_float = message(5, message(1, "to") + integer(20, 2) + integer(3, float_type))
    graph = b"".join(
        [
            node("Cast", ["units"], "units_float", cast_to_float),
            node("Unsqueeze", ["units_float", "axes"], "units_3d"),
            node("Mul", ["units_3d", "zeros"], "zero_logits"),
            node("Add", ["zero_logits", "no_break"], "logits"),
            message(2, "tiny_argos_no_sentence_break"),
            tensor("axes", int64_type, np.array([2], dtype="<i8")),
            tensor("zeros", float_type, np.zeros(classes, dtype="<f4")),
            tensor("no_break", float_type, np.eye(classes, dtype="<f4")[0]),
            value_info(11, "units", int64_type, ["batch", "time"]),
            value_info(11, "features", float_type, ["batch", "time", 1]),
            value_info(12, "logits", float_type, ["batch", "time", classes]),
        ]
    )
    config = {
        "skip_newline": False,
        "max_seqlen": 1000,
        "no_ssplit": False,
        "batch_size": 32,
        "feat_funcs": ["space_before"],
        "use_dictionary": False,
        "num_dict_feat": 0,
    }
    vocab = {
        "lang": lang,
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": {"<PAD>": 0, "<UNK>": 1},
        "_id2unit": ["<PAD>", "<UNK>"],
    }
    metadata = {"lang_code": lang, "config": json.dumps(config), "vocab": json.dumps(vocab)}
    return b"".join(
        [
            integer(1, 8),  # ir_version
            message(2, "tests/support/tiny_argos.py"),  # producer_name
            message(7, graph),
            message(8, message(1, "") + integer(2, 13)),  # opset_import: ai.onnx 13
            *(message(14, message(1, k) + message(2, v)) for k, v in metadata.items()),
        ]
    )


def _language_name(code: str) -> str:
    return _LANGUAGE_NAMES.get(code, f"Tiny {code}")


def _readme(from_code: str, to_code: str, mode: str, package_version: str) -> str:
    what = (
        "replaces every ASCII letter with an accented twin (pseudo-localisation)"
        if mode == "accent"
        else "copies its input unchanged"
        if mode == "copy"
        else f"accents ASCII letters and outputs <unk> for {UNKNOWN_CHAR!r}"
    )
    return (
        f"# Tiny test package {from_code} -> {to_code} (mode {mode}, version {package_version})\n\n"
        f"Built offline by tests/support/tiny_argos.py for the l10n-service test suite.\n"
        f"It is not a translation model: it {what}, one character at a time, with a\n"
        f"hand-weighted CTranslate2 Transformer and a SentencePiece character model.\n"
        f"minisbd/{from_code}.onnx never splits a line into sentences.\n"
    )


def _package_files(
    from_code: str, to_code: str, mode: str, package_version: str
) -> Iterator[tuple[str, bytes]]:
    metadata = {
        "package_version": package_version,
        "argos_version": "1.11",
        "from_code": from_code,
        "from_name": _language_name(from_code),
        "to_code": to_code,
        "to_name": _language_name(to_code),
        "type": "translate",
        "links": [],
        "dependencies": [],
        "tiny_argos_mode": mode,
    }
    yield "metadata.json", (json.dumps(metadata, indent=2, ensure_ascii=False) + "\n").encode()
    yield "README.md", _readme(from_code, to_code, mode, package_version).encode()
    yield "sentencepiece.model", _sentencepiece_model()
    with tempfile.TemporaryDirectory(prefix="tiny-argos-") as tmp:
        model_dir = Path(tmp) / "model"
        _save_ctranslate2_model(_build_spec(_vocabulary(), mode), model_dir)
        for path in sorted(model_dir.iterdir()):
            yield f"model/{path.name}", path.read_bytes()
    yield f"minisbd/{from_code}.onnx", _minisbd_onnx(from_code)


def _folder_name(from_code: str, to_code: str, package_version: str) -> str:
    return f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"


@functools.cache
def _package_zip(from_code: str, to_code: str, mode: str, package_version: str) -> bytes:
    folder = _folder_name(from_code, to_code, package_version)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for directory in ("", "model/", "minisbd/"):
            info = zipfile.ZipInfo(f"{folder}/{directory}", date_time=_ZIP_DATE)
            info.external_attr = 0o40755 << 16 | 0x10
            archive.writestr(info, b"")
        for name, data in _package_files(from_code, to_code, mode, package_version):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_ZIP_DATE)
            info.external_attr = 0o100644 << 16
            deflated = len(zlib.compress(data, 9)) or 1
            compressible = len(data) / deflated <= _MAX_DEFLATE_RATIO
            info.compress_type = zipfile.ZIP_DEFLATED if compressible else zipfile.ZIP_STORED
            archive.writestr(info, data, compresslevel=9 if compressible else None)
    return buffer.getvalue()


def build_tiny_argos_package(
    dest_dir: Path,
    from_code: str = "en",
    to_code: str = "de",
    *,
    mode: str = "accent",
    package_version: str = "1.0",
) -> Path:
    """Build and zip a package; return the path of the ``.argosmodel`` file written
    inside ``dest_dir`` (created if missing).

    ``mode="accent"``: the model maps every input character to its accented twin
    (:data:`ACCENTS`); ``mode="copy"``: it copies the input exactly. The file is named
    after its folder, ``translate-{from_code}_{to_code}-{package_version with _}``.
    """
    _check_mode(mode)
    for label, code in (("from_code", from_code), ("to_code", to_code)):
        if not code or not all(c.isalnum() or c in "-_" for c in code):
            raise ValueError(f"{label} must be a language code like 'en', not {code!r}")
    if not package_version or "/" in package_version or "\\" in package_version:
        raise ValueError(f"invalid package_version {package_version!r}")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / f"{_folder_name(from_code, to_code, package_version)}.argosmodel"
    path.write_bytes(_package_zip(from_code, to_code, mode, package_version))
    return path


def translate_with_model(
    package_path: Path | str, texts: Sequence[str], **options: Any
) -> list[str]:
    """Translate ``texts`` with an installed (unzipped) package, the way the test suite
    defines it: SentencePiece encode, ``ctranslate2.Translator(..., device="cpu",
    inter_threads=1, intra_threads=1)``, ``translate_batch``, SentencePiece decode.

    ``options`` go to ``translate_batch`` (``beam_size`` defaults to 1, i.e. greedy;
    pass ``compute_type`` to choose the Translator's). ``max_decoding_length``
    defaults to what the longest text needs and ``max_input_length`` to 0 (no limit),
    unlike CTranslate2's 256 and 1024.
    """
    import ctranslate2
    import sentencepiece as spm

    package_path = Path(package_path)
    processor = spm.SentencePieceProcessor(model_file=str(package_path / "sentencepiece.model"))
    tokens = [processor.encode(text, out_type=str) for text in texts]
    translator = ctranslate2.Translator(
        str(package_path / "model"),
        device="cpu",
        inter_threads=1,
        intra_threads=1,
        compute_type=options.pop("compute_type", "default"),
    )
    options.setdefault("beam_size", 1)
    options.setdefault("max_decoding_length", max(256, *(len(t) for t in tokens), 0))
    options.setdefault("max_input_length", 0)
    results = translator.translate_batch(tokens, **options)
    return [processor.decode(result.hypotheses[0]) for result in results]


def isolated_argos_env(base_dir: Path, **settings: str) -> dict[str, str]:
    """Environment for a subprocess that imports argostranslate: ``HOME`` and the XDG
    data, config and cache directories under ``base_dir`` (created), no inherited
    ``ARGOS_*`` variables, then ``settings`` (e.g. ``ARGOS_CHUNK_TYPE="SPACY"``)."""
    base_dir = Path(base_dir)
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("ARGOS_", "SNAP"))
    }
    for key, sub in (
        ("HOME", "home"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        directory = base_dir / sub
        directory.mkdir(parents=True, exist_ok=True)
        env[key] = str(directory)
    env.update(settings)
    return env
