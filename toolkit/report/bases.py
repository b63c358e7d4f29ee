"""The counting bases (口径) a report's case figures may use, computed by the statistics core (toolkit.stats.compute) from the
ledger: 案件, 案件 + 法律帮助 and 受援人次, each by 指派日期 and by 结案日期. A figure that matches any basis is accepted
(and the basis named); only one that matches none is a finding."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from toolkit.report.figures import COUNT, TableValue
from toolkit.stats.compute import Period, compute_values, default_catalog

# (basis name, statistics keys added up)
BASES = [("案件", ("cases.total",)), ("案件＋法律帮助", ("cases.total", "help.total")), ("受援人次", ("persons.total",))]
DATES = [("指派日期", "指派日期"), ("结案日期", "结案日期")]


def case_bases(cases: pd.DataFrame, year: int, where: str) -> list[TableValue]:
    """The number of cases of `year` under each basis, as table values of the report label 办理法律援助案件."""
    catalog = default_catalog()
    out: list[TableValue] = []
    seen: set[tuple[str, int]] = set()
    for date_name, column in DATES:
        if column not in cases.columns:
            continue
        frame = cases if column == "指派日期" else cases.assign(指派日期=cases[column])  # the period by that date
        values = compute_values(frame, None, Period("year", year), catalog)
        for name, keys in BASES:
            total = sum(int(values.get(k) or 0) for k in keys)
            basis = f"{name}（按{date_name}）"
            if (name, total) in seen:
                continue
            seen.add((name, total))
            out.append(TableValue("办理法律援助案件", COUNT, Decimal(total), Decimal(0), where, basis=basis))
    return out
