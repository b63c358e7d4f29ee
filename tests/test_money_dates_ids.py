from decimal import Decimal

import datetime as dt
import pytest

from toolkit.base.dates import parse_date
from toolkit.base.idcard import check_digit, id_problem, mask_id
from toolkit.base.money import parse_amount, round_half_up, parse_count


@pytest.mark.parametrize("text, expected", [
    ("1,500元", "1500"), ("0.15万", "1500"), ("１５００", "1500"), ("一千五百", "1500"), ("46万元", "460000"),
    ("460000", "460000"), ("￥1,234.56", "1234.56"), ("壹仟伍佰元整", "1500"), ("一点五万", "15000"),
    ("两千", "2000"), ("一万零五百", "10500"), ("三百五十元五角", "350.5"), ("(1,200.50)", "-1200.50"),
    (1500.0, "1500"), (0.1 + 0.2, "0.3"), (1800, "1800"), ("1.2亿", "120000000"),
])
def test_parse_amount(text, expected):
    assert parse_amount(text) == Decimal(expected)


def test_parse_amount_empty_and_unit():
    assert parse_amount(None) is None
    assert parse_amount("  ") is None
    assert parse_amount(12.5, default_unit=Decimal(10000)) == Decimal("125000")


@pytest.mark.parametrize("bad", ["abc", "1500块", "1.2.3"])
def test_parse_amount_rejects_with_chinese_reason(bad):
    with pytest.raises(ValueError) as info:
        parse_amount(bad)
    assert "不是" in str(info.value)


def test_round_half_up_is_excel_round_not_bankers():
    assert round_half_up(Decimal("0.125"), 2) == Decimal("0.13")
    assert round_half_up(Decimal("2.5"), 0) == Decimal("3")
    assert round_half_up(Decimal("-2.5"), 0) == Decimal("-3")
    assert round(2.5) == 2  # what we must not do


def test_parse_count():
    assert parse_count("２人") == 2
    assert parse_count(None) is None
    with pytest.raises(ValueError):
        parse_count("1.5")


@pytest.mark.parametrize("value, expected", [
    ("2023年3月5日", dt.date(2023, 3, 5)), ("2023.3.5", dt.date(2023, 3, 5)), ("2023/3/5", dt.date(2023, 3, 5)),
    ("2023-03-05", dt.date(2023, 3, 5)), ("20230305", dt.date(2023, 3, 5)), (44990.0, dt.date(2023, 3, 5)),
    (dt.datetime(2023, 3, 5, 10, 0), dt.date(2023, 3, 5)), ("２０２３年３月５日", dt.date(2023, 3, 5)),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("bad", ["2023-02-30", "明天", "1850.1.1"])
def test_parse_date_rejects(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


def test_id_checks():
    body = "43090219850312001"
    good = body + check_digit(body)
    assert id_problem(good) is None
    wrong = body + ("0" if good[-1] != "0" else "1")
    assert "校验位" in id_problem(wrong)
    assert "出生日期" in id_problem("430902" + "19851332" + "0011")
    assert "18位" in id_problem("12345")
    assert mask_id(good) == good[:6] + "********" + good[-4:]
    # GB 11643 worked example: 11010519491231002X
    assert check_digit("11010519491231002") == "X"
