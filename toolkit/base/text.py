"""Text clean-up shared by every reader: full-width to half-width, stray spaces, header keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_is_normalized = unicodedata.is_normalized
_HEADER_UNIT = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]$")


def clean_text(value) -> str:
    """Cell text as people meant it: NFKC (１５００ → 1500, （ → (), trimmed, inner runs of spaces folded."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    elif value.isprintable() and _is_normalized("NFKC", value) and value[:1] != " " and value[-1:] != " " \
            and "  " not in value:
        return value   # already clean: printable leaves the ASCII space as the only possible blank
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
    text = clean_text(value)
    return text.replace(" ", "") if " " in text else text   # clean text has no other blank than single spaces


def all_clean(values, spaces: bool = True, upper: bool = False) -> bool:
    """True when every value is a non-empty str that clean_text leaves unchanged (and, unless `spaces`, holds
    no space; if `upper`, has no lower-case letter). One pass in C over the values joined by "|", a character
    that neither combines with its neighbours nor is blank."""
    if not values or "" in values or set(map(type, values)) != {str}:
        return False
    joined = "|".join(values)
    if not (joined.isprintable() and _is_normalized("NFKC", joined)) or (upper and joined != joined.upper()):
        return False
    if not spaces:
        return " " not in joined
    return not (joined[0] == " " or joined[-1] == " " or "  " in joined or " |" in joined or "| " in joined)
