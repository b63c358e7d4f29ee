"""Text clean-up shared by every reader: full-width to half-width, stray spaces, header keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_HEADER_UNIT = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]$")


def clean_text(value) -> str:
    """Cell text as people meant it: NFKC (１５００ → 1500, （ → (), trimmed, inner runs of spaces folded."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    text = unicodedata.normalize("NFKC", value).replace("\u3000", " ")
    return _SPACES.sub(" ", text).strip()


def header_key(value) -> str:
    """A header cell reduced for matching: no spaces or line breaks, no trailing unit like '（元）'."""
    text = clean_text(value)
    text = _SPACES.sub("", text)
    text = _HEADER_UNIT.sub("", text) if not text.startswith(("(", "（")) else text
    return text.strip("*:：")


def compact(value) -> str:
    """Text with every space removed (for matching categories such as ' 民 事 ')."""
    return _SPACES.sub("", clean_text(value))
