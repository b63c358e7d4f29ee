"""Hypothesis tests for the core pieces the error boundary and the bounds rely on."""

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, Finding
from toolkit.base.idcard import check_digit, mask_text
from toolkit.io.limits import unsafe_entry_name
from toolkit.base.layout import col_letter as column_letters
from toolkit.ledger.columns import _sane_amount, _sane_count

ids = st.text("0123456789", min_size=17, max_size=17).map(lambda b: b + check_digit(b))


@given(st.text(max_size=40), ids, st.text(max_size=40))
def test_mask_text_hides_every_id(before, the_id, after):
    text = f"{before}，{the_id}。{after}"
    assert the_id not in mask_text(text) or the_id in before + after
    assert mask_text(mask_text(text)) == mask_text(text)


@given(st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=60),
                 st.text("0123456789.,-万元", max_size=500)))
@settings(max_examples=300)
def test_amounts_parse_or_say_why_in_chinese(value):
    for parse in (_sane_amount, _sane_count):
        try:
            parse(value)
        except ValueError as exc:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc)), str(exc)


@given(st.integers(min_value=1, max_value=16384))
def test_column_letters_round_trip(n):
    letters = column_letters(n)
    back = 0
    for ch in letters:
        back = back * 26 + ord(ch) - 64
    assert back == n


@given(st.text(max_size=30))
def test_entry_names(name):
    if ".." in name.split("/") or name.startswith("/"):
        assert unsafe_entry_name(name)


@given(st.text(max_size=80), st.text(max_size=20))
def test_findings_are_masked_and_serialisable(message, value):
    import json
    f = Finding(ERROR, message + "，430902198503120012", value=value, row=3)
    json.dumps(f.to_dict(), ensure_ascii=False)
    assert "430902198503120012" not in f.message
    assert InputError(message, file="a.xlsx").describe().startswith("文件“a.xlsx”")
