"""Reading SQL text the schema tooling rendered or the catalog returned: quotes and parentheses.

One scanner, :func:`outside_quotes`, serves the snapshot's pretty-printer
(:func:`split_top_level`) and the drift check (:func:`balanced`).
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["outside_quotes", "split_top_level", "balanced"]


def outside_quotes(text: str) -> Iterator[tuple[int, str, int]]:
    """(position, character, parenthesis depth after it) of each character outside quoted literals.

    Quotes are ``'``, ``"`` and backticks; a doubled quote stays inside its literal.
    """
    depth, quote, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                if i + 1 < len(text) and text[i + 1] == quote:
                    i += 1  # doubled quote inside a literal
                else:
                    quote = ""
        elif ch in "'\"`":
            quote = ch
        else:
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth
        i += 1


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split ``text`` on ``sep`` outside quotes and parentheses (each part stripped)."""
    parts, start = [], 0
    for i, ch, depth in outside_quotes(text):
        if ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def balanced(text: str) -> bool:
    """Whether every parenthesis outside quotes closes, and none closes before it opened."""
    depth = 0
    for _, _, depth in outside_quotes(text):
        if depth < 0:
            return False
    return depth == 0
