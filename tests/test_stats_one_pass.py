"""The one-pass statistics (matters tallied by month once) give exactly what filtering every period's matters
row by row gives: same keys in the same order, same types, same digits — on the sample ledger and on a generated
10,000-row ledger, for the year, every quarter and every month, with and without a previous-year ledger."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.ledger_gen import write_ledger
from toolkit.io.excel_read import read_workbook
from toolkit.ledger.book import build_ledger
from toolkit.base.money import round_half_up
from toolkit.stats.compute import UNNAMED, Period, build_report, compute_values, default_catalog, parse_consultations

SAMPLE = Path(__file__).parent.parent / "workbooks" / "示例台账.xlsx"


# --- the oracle: the straightforward computation (every period filters every row, every statistic every matter) --

def matter_records(cases):
    """The ledger rows as dicts of the fields statistics use."""
    fields = ("指派日期", "案件类型", "特殊群体", "案件质量", "受援人数", "承办律师", "律师事务所", "挽回经济损失", "讨薪金额",
              "补贴金额")
    return [dict(zip(fields, row)) for row in zip(*(cases[c].tolist() for c in fields))]


def _present(v):
    return v is not None and v == v


def oracle_measure(records, spec):
    chosen = records
    if spec.case_types is not None:
        chosen = [m for m in chosen if m["案件类型"] in spec.case_types]
    if spec.group == "*":
        chosen = [m for m in chosen if m["特殊群体"]]
    elif spec.group:
        chosen = [m for m in chosen if spec.group in m["特殊群体"]]
    if spec.quality:
        chosen = [m for m in chosen if m["案件质量"] == spec.quality]
    if spec.count == "matters":
        return len(chosen)
    if spec.count == "persons":
        return sum(int(m["受援人数"]) if _present(m["受援人数"]) else 1 for m in chosen)
    total = sum((m[spec.column] for m in chosen if _present(m[spec.column])), Decimal(0))
    return round_half_up(Decimal(total), 2)


def _inside(period, day):
    return day is not None and day == day and period.start <= day < period.end


def oracle_values(records, consultations, period, catalog, names):
    current = [m for m in records if _inside(period, m["指派日期"])]
    chosen = None if consultations is None else [c for c in consultations if _inside(period, c[0])]
    values = {}
    for spec in catalog.stats:
        if spec.count == "consultations":
            if chosen is not None:
                values[spec.key] = sum(n for _, channel, n in chosen if spec.channel is None or channel == spec.channel)
        else:
            values[spec.key] = oracle_measure(current, spec)
    for family in catalog.families:
        by_name = {}
        for m in current:
            by_name.setdefault(m[family.by] or UNNAMED, []).append(m)
        for name in names.get(family.prefix, []):
            for metric in catalog.metrics:
                values[f"{family.prefix}.{name}.{metric.key}"] = oracle_measure(by_name.get(name, []), metric)
    return values


def oracle_report(cases, consultations, period, previous_cases=None, previous_consultations=None):
    catalog = default_catalog()
    both = cases if previous_cases is None else pd.concat([cases, previous_cases], ignore_index=True)
    names = {f.prefix: sorted({n or UNNAMED for n in both[f.by].tolist()}) for f in catalog.families}

    def consults(frame):
        return None if frame is None else list(zip(frame["日期"], frame["渠道"], (int(n) for n in frame["人次"])))

    records, cons = matter_records(cases), consults(consultations)
    year = Period("year", period.year)
    out = {"values": oracle_values(records, cons, period, catalog, names),
           "months": [(m, oracle_values(records, cons, m, catalog, {})) for m in year.months()]}
    if previous_cases is not None:
        prev, prev_cons = matter_records(previous_cases), consults(previous_consultations)
        out["previous"] = oracle_values(prev, prev_cons, period.same_period_last_year(), catalog, names)
        out["previous_months"] = [(m, oracle_values(prev, prev_cons, m, catalog, {}))
                                  for m in year.same_period_last_year().months()]
    seen = {}
    for m in records:
        seen.setdefault(m["承办律师"] or UNNAMED, Counter())[m["律师事务所"] or UNNAMED] += 1
    out["firms"] = {lawyer: c.most_common(1)[0][0] for lawyer, c in seen.items()}
    return out


def exact(values):
    """Keys in order with the type and the digits of each figure (Decimal('5.00') != Decimal('5'))."""
    return [(k, type(v).__name__, str(v)) for k, v in values.items()]


def assert_same(cases, consultations, period, previous_cases=None, previous_consultations=None):
    report = build_report(cases, consultations, period, previous_cases, previous_consultations)
    expected = oracle_report(cases, consultations, period, previous_cases, previous_consultations)
    assert exact(report.values) == exact(expected["values"])
    assert [(m, exact(v)) for m, v in report.months] == [(m, exact(v)) for m, v in expected["months"]]
    if previous_cases is not None:
        assert exact(report.previous) == exact(expected["previous"])
        assert [(m, exact(v)) for m, v in report.previous_months] == \
               [(m, exact(v)) for m, v in expected["previous_months"]]
    assert list(report.lawyer_firms.items()) == list(expected["firms"].items())
    return report


def every_period(year):
    return [Period("year", year)] + [Period("quarter", year, q) for q in range(1, 5)] + \
           [Period("month", year, m) for m in range(1, 13)]


def a_year_earlier(cases):
    earlier = cases.copy()
    earlier["指派日期"] = [None if d is None else d.replace(year=d.year - 1) for d in earlier["指派日期"]]
    return earlier


# --- the sample ledger ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    sheets = read_workbook(SAMPLE)
    ledger = build_ledger(sheets, file=SAMPLE.name)
    consultations = parse_consultations(next(s for s in sheets if s.name == "咨询登记"), SAMPLE.name)
    return ledger.cases, consultations.frame


def test_sample_ledger_every_period(sample):
    cases, consultations = sample
    years = {d.year for d in cases["指派日期"] if d is not None}
    for year in sorted(years):
        for period in every_period(year):
            report = assert_same(cases, consultations, period)
            assert report.values["cases.total"] == sum(
                1 for d, t in zip(cases["指派日期"], cases["案件类型"]) if _inside(period, d)
                and t in ("刑事", "民事", "行政", "国家赔偿", "仲裁", "非诉讼"))


def test_sample_ledger_with_previous_year(sample):
    cases, consultations = sample
    earlier = a_year_earlier(cases)
    year = max(d.year for d in cases["指派日期"] if d is not None)
    for period in [Period("year", year), Period("quarter", year, 2), Period("month", year, 11)]:
        report = assert_same(cases, consultations, period, earlier, None)
        assert report.previous["cases.total"] == report.values["cases.total"]


# --- a generated 10,000-row ledger ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = write_ledger(tmp_path_factory.mktemp("gen") / "台账.xlsx", rows=10_000, seed=7)
    cases = build_ledger(read_workbook(path), file=path.name).cases.copy()
    rng = random.Random(7)
    # a few matters without a date and without 受援人数, as real ledgers have
    cases.loc[cases.index[::97], "指派日期"] = None
    cases["受援人数"] = cases["受援人数"].astype(object)
    cases.loc[cases.index[5::89], "受援人数"] = None
    channels = ["来访", "来电", "网络", "*"]
    consultations = pd.DataFrame(
        [(dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365)), rng.choice(channels), rng.randint(1, 3), r)
         for r in range(3000)], columns=["日期", "渠道", "人次", "excel_row"])
    return cases, consultations


def test_generated_ledger_every_period(generated):
    cases, consultations = generated
    assert cases["指派日期"].isna().sum() > 100
    for period in every_period(2023):
        report = assert_same(cases, consultations, period)
        assert report.values["cases.total"] > 0 and report.values["money.挽回经济损失"] > 0


def test_generated_ledger_with_previous_year_and_names_from(generated):
    cases, consultations = generated
    earlier = a_year_earlier(cases)
    assert_same(cases, consultations, Period("year", 2023), earlier, consultations)
    assert_same(cases, None, Period("quarter", 2023, 3), earlier, None)
    # compute_values: names from another frame get zeros
    few = cases.iloc[:50]
    values = compute_values(few, None, Period("year", 2023), names_from=cases)
    catalog = default_catalog()
    names = {f.prefix: sorted({n or UNNAMED for n in cases[f.by].tolist()}) for f in catalog.families}
    assert exact(values) == exact(oracle_values(matter_records(few), None, Period("year", 2023), catalog, names))
