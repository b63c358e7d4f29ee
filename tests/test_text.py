"""clean_text / compact: the fast path for already-clean text gives exactly what the full clean-up gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.base.text import all_clean, clean_text, compact

_SPACES = re.compile(r"\s+")


def reference_clean(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).replace("\u3000", " ")
    return _SPACES.sub(" ", text).strip()


BLANKS = " \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2002\u200a\u200b\u2028\u202f\u205f\u3000\ufeff"
# pieces of ledger text, blanks of every kind and characters NFKC changes, joined in any order
PIECES = ["民", "事", "审判", "a", "1", "(", " ", "  ", *BLANKS, *"１５（）ｱ①㎡ﬁ"]
texts = st.one_of(st.lists(st.sampled_from(PIECES), max_size=8).map("".join), st.text(max_size=8))


@settings(max_examples=1500, deadline=None)
@given(texts)
def test_clean_text_equals_the_full_clean_up(value):
    assert clean_text(value) == reference_clean(value)
    assert compact(value) == _SPACES.sub("", reference_clean(value))


def test_clean_text_examples():
    assert clean_text("  民\u3000事 ") == "民 事" and clean_text("民  事") == "民 事" and clean_text("民事 ") == "民事"
    assert clean_text("１，５００元") == "1,500元"
    assert clean_text("(2023)示法援字第000001号") == "(2023)示法援字第000001号"
    assert clean_text("审查\t起诉") == "审查 起诉" and compact(" 审查 \n起诉 ") == "审查起诉"
    assert clean_text(1500.0) == "1500.0" and clean_text(None) == ""


@settings(max_examples=800, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5), st.booleans(), st.booleans())
def test_all_clean_is_every_value_clean(values, spaces, upper):
    expected = all(v and clean_text(v) == v and (spaces or " " not in v) and (not upper or v == v.upper())
                   for v in values)
    # never wrong when it says yes; says yes for all clean printable text (control characters go the slow way)
    assert all_clean(dict.fromkeys(values), spaces, upper) == (expected and all(v.isprintable() for v in values))
