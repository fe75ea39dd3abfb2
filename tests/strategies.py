"""Hypothesis strategies in one place (the attrs habit)."""

from __future__ import annotations

from hypothesis import strategies as st

from l10n_service.core.inline import Markup, Piece, Text

words = st.sampled_from(
    ["the", "race", "Dr.", "Sharma", "U.S.", "said", "in", "2019", "runners", "e.g.",
     "https://example.org/a", "north", "Korea's", "{name}", "50%", "“quoted”", "—", "<1>"]
)  # fmt: skip
sentences = st.lists(words, min_size=1, max_size=12).map(lambda ws: " ".join(ws)) | st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40
)


@st.composite
def inline_pieces(draw: st.DrawFn) -> list[Piece]:
    """Text with balanced markup pairs and atoms, as a format parser would produce."""
    pieces: list[Piece] = []
    depth = 0
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.sampled_from(["text", "text", "open", "close", "atom"]))
        if choice == "text":
            pieces.append(Text(draw(sentences) + draw(st.sampled_from(["", " ", ". ", "! "]))))
        elif choice == "open":
            pieces.append(Markup("open", draw(st.sampled_from(["**", "[", "<em>", "_"]))))
            depth += 1
        elif choice == "close" and depth:
            pieces.append(Markup("close", draw(st.sampled_from(["**", "](http://x.y)", "</em>"]))))
            depth -= 1
        else:
            pieces.append(Markup("atom", draw(st.sampled_from(["`code`", "<br>", "![i](a.png)"]))))
    pieces.extend(Markup("close", "**") for _ in range(depth))
    return pieces
