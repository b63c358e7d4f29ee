"""Statistics core: known counts from a ledger written to disk and read back by the shared reader."""

from decimal import Decimal

import pytest

from stats_ledger import EXPECTED_2023, write_ledger, write_previous
from toolkit.io.excel_read import RawSheet, read_workbook
from toolkit.ledger.book import build_ledger
from toolkit.stats.compute import (Period, build_report, change, compute_values, default_catalog, default_period,
                           parse_consultations, parse_period, undated_findings)
from toolkit.stats.templates import plan_template


def load(path):
    sheets = read_workbook(path)
    ledger = build_ledger(sheets, file=path.name)
    consultations = parse_consultations(next(s for s in sheets if s.name == "咨询登记"), path.name)
    return ledger, consultations


@pytest.fixture
def ledger_2023(tmp_path):
    return load(write_ledger(tmp_path / "台账.xlsx"))


def shown(value):
    return str(value) if isinstance(value, Decimal) else value


def test_year_values_match_known_counts(ledger_2023):
    ledger, consultations = ledger_2023
    values = compute_values(ledger.cases, consultations.frame, parse_period("2023"))
    assert {k: shown(values[k]) for k in EXPECTED_2023} == EXPECTED_2023
    assert isinstance(values["money.挽回经济损失"], Decimal)
    # the 民亊 row is excluded by a ledger error, the undated row and the 2022 row fall outside 2023
    assert len(ledger.excluded) == 1
    assert [f.row for f in undated_findings(ledger.cases, ledger.sheet, None)] == [15]


def test_help_items_are_not_cases(ledger_2023):
    ledger, consultations = ledger_2023
    values = compute_values(ledger.cases, consultations.frame, parse_period("2023"))
    assert values["cases.total"] == sum(values[f"cases.{t}"] for t in ("刑事", "民事", "行政", "国家赔偿", "仲裁", "非诉讼"))
    assert values["help.total"] == 3
    assert values["persons.total"] == values["persons.cases"] + values["persons.help"]


def test_overlapping_groups_count_a_person_in_each_group(ledger_2023):
    ledger, consultations = ledger_2023
    values = compute_values(ledger.cases, None, parse_period("2023-01"))
    # January holds one matter: a person who is both 农民工 and 残疾人
    assert values["cases.total"] == 1
    assert values["groups.农民工"] == 1 and values["groups.残疾人"] == 1
    assert values["groups.any"] == 1
    year = compute_values(ledger.cases, None, parse_period("2023"))
    group_sum = sum(year[k] for k in year if k.startswith("groups.") and k != "groups.any")
    assert group_sum == 11 and year["groups.any"] == 9


def test_quarter_and_month_periods(ledger_2023):
    ledger, consultations = ledger_2023
    q1 = compute_values(ledger.cases, consultations.frame, parse_period("2023Q1"))
    assert (q1["cases.total"], q1["cases.刑事"], q1["cases.民事"], q1["help.total"]) == (3, 2, 1, 1)
    assert (q1["consultations.total"], q1["consultations.来电"]) == (7, 4)
    march = compute_values(ledger.cases, consultations.frame, parse_period("2023年3月"))
    assert (march["cases.total"], march["help.认罪认罚"], march["persons.total"]) == (1, 1, 4)
    assert march["money.挽回经济损失"] == Decimal("30000.00")
    # per lawyer: only 李律师 had a case in March; names seen anywhere in the ledger get zeros
    assert march["lawyers.李律师.cases"] == 1 and march["lawyers.王律师.cases"] == 0
    assert march["lawyers.王律师.help"] == 1


def test_consultation_channels_and_findings(ledger_2023):
    _, consultations = ledger_2023
    problems = {(f.row, f.severity) for f in consultations.findings}
    assert problems == {(8, "warning"), (9, "error")}      # 传真 → 其他; 2023年13月1日 is no date
    assert "咨询人" not in consultations.frame.columns      # names are never carried along


def test_previous_year_and_change(tmp_path):
    ledger, consultations = load(write_ledger(tmp_path / "台账.xlsx"))
    previous, prev_consultations = load(write_previous(tmp_path / "上年.xlsx"))
    report = build_report(ledger.cases, consultations.frame, parse_period("2023"), previous.cases,
                          prev_consultations.frame)
    assert report.previous["cases.民事"] == 4 and report.previous["cases.刑事"] == 1
    assert report.previous["consultations.来访"] == 5
    assert report.previous["money.农民工讨薪"] == Decimal("10000.00")
    assert change(report.values["cases.民事"], report.previous["cases.民事"]) == (-2, Decimal("-50.00"))
    assert change(report.values["cases.刑事"], report.previous["cases.刑事"]) == (1, Decimal("100.00"))
    assert change(report.values["cases.行政"], report.previous["cases.行政"]) == (1, None)   # nothing last year
    assert change(Decimal("31500.00"), Decimal("10000.00")) == (Decimal("21500.00"), Decimal("215.00"))
    # months of last year line up with this year's months
    assert [m.text for m, _ in report.previous_months][:2] == ["2022-01", "2022-02"]
    assert sum(v["cases.total"] for _, v in report.previous_months) == 5
    # Q1 against Q1 of the previous year
    q1 = build_report(ledger.cases, None, parse_period("2023Q1"), previous.cases)
    assert (q1.values["cases.total"], q1.previous["cases.total"]) == (3, 1)


def test_period_parsing():
    assert parse_period("2023") == Period("year", 2023)
    assert parse_period("2023Q1") == Period("quarter", 2023, 1)
    assert parse_period("2023年第4季度") == Period("quarter", 2023, 4)
    assert parse_period("2023-03") == Period("month", 2023, 3)
    assert parse_period("2023年12月") == Period("month", 2023, 12)
    assert parse_period("2023Q4").end.isoformat() == "2024-01-01"
    for bad in ("23", "2023-13", "2023Q5", "去年"):
        with pytest.raises(ValueError, match="统计期间"):
            parse_period(bad)
    import datetime as dt
    assert default_period([dt.date(2023, 1, 1), dt.date(2023, 5, 1), dt.date(2022, 12, 1), None]).text == "2023"


def test_every_key_listed_with_a_chinese_name():
    listing = default_catalog().listing()
    keys = [k for k, _, _ in listing]
    for key in ("cases.民事", "groups.农民工", "consultations.来电", "help.total", "money.农民工讨薪", "quality.优秀"):
        assert key in keys
    assert all(name and not name.isascii() for _, name, _ in listing)
    assert len(keys) == len(set(keys))
    spec = default_catalog().spec("lawyers.王律师.recovered")
    assert spec.is_money and "王律师" in spec.name
    assert default_catalog().spec("cases.不存在") is None


def test_template_plan_fills_known_keys_and_reports_unknown():
    sheet = RawSheet("表", [["案件", "{{cases.total}}", "共{{cases.民事}}件，另{{cases.错}}"],
                           ["咨询", "{{consultations.total}}", None]])
    values = {"cases.total": 8, "cases.民事": 2}
    plan = plan_template([sheet], {"help.total": ("表", 4, 1), "别的名字": ("表", 5, 1)}, values)
    assert plan.cells["表"][(0, 1)] == 8
    assert plan.cells["表"][(0, 2)] == "共2件，另{{cases.错}}"
    assert (1, 1) not in plan.cells["表"] and (4, 1) not in plan.cells["表"]
    assert plan.unfilled_keys == ["cases.错", "consultations.total", "help.total"]
    assert any("不存在" in f.message for f in plan.findings)
    assert any("咨询登记" in f.message for f in plan.findings)
