"""Case subsidies (办案补贴): per matter amount, bounds and basis; totals; fund comparison; scenarios.

Pure core over the ledger's `cases` DataFrame. Money is computed in integer fen (分) — exact and vectorised — and
handed out as Decimal 元. Rounding is half up, as Excel's ROUND.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

import numpy as np
import pandas as pd

from toolkit.base.findings import WARNING, Finding
from toolkit.ledger.columns import object_series, objects
from toolkit.ledger.parse import per_distinct
from toolkit.base.money import parse_amount, round_half_up
from toolkit.subsidy.standards import PER_DAY, Standard
from toolkit.ledger.vocab import default_vocabulary

UNFILLED = "（未填写）"
DEFAULT_FLATS = (Decimal(1800), Decimal(2000))   # local flat amounts compared by default (subsidy --flat, report)
OPEN_CASE = "（未结案）"


@dataclass(frozen=True)
class Level:
    """Where within each range a centre pays: 最低, 最高, 中间, a flat local amount, or what the ledger says."""

    kind: str                  # min | max | mid | flat | ledger
    amount: Decimal | None = None

    @property
    def label(self) -> str:
        if self.kind == "flat":
            return f"统一{self.amount:,.0f}元/件" if self.amount == self.amount.to_integral() else f"统一{self.amount}元/件"
        return {"min": "最低标准", "max": "最高标准", "mid": "中间标准", "ledger": "台账金额"}[self.kind]


def parse_level(text) -> Level:
    """'最低' | '最高' | '中间' | '台账' | an amount such as '1800' or '1800元'."""
    t = re.sub(r"\s", "", str(text or "最低"))
    names = {"最低": "min", "最低标准": "min", "min": "min", "最高": "max", "最高标准": "max", "max": "max",
             "中间": "mid", "中间值": "mid", "mid": "mid", "台账": "ledger", "台账金额": "ledger", "ledger": "ledger"}
    if t in names:
        return Level(names[t])
    try:
        amount = parse_amount(t.removesuffix("/件").removesuffix("每件"))
    except ValueError:
        amount = None
    if amount is None or amount <= 0:
        raise ValueError(f"补贴水平“{text}”无法识别：应为 最低、最高、中间、台账，或每件金额如 1800")
    return Level("flat", amount)


@dataclass(frozen=True)
class FundComparison:
    """Required subsidies against the special fund: gap > 0 is a shortfall."""

    required: Decimal
    fund: Decimal
    gap: Decimal                    # required − fund
    coverage_percent: Decimal | None   # fund / required × 100, 2 decimals
    multiple: Decimal | None        # required / fund, 2 decimals ("需要专项经费的 2.40 倍")


def compare_fund(required: Decimal, fund: Decimal) -> FundComparison:
    """Gap, coverage and multiple of the special fund against what the standard requires."""
    coverage = round_half_up(fund / required * 100, 2) if required else None
    multiple = round_half_up(required / fund, 2) if fund else None
    return FundComparison(required, fund, required - fund, coverage, multiple)


@dataclass
class SubsidyResult:
    """Every usable matter's subsidy at one level, with totals."""

    level: Level
    standard: Standard
    per_case: pd.DataFrame        # excel_row, 案号, lower, upper, amount (Decimal 元), basis, note, counted
    findings: list[Finding] = field(default_factory=list)

    @property
    def counted(self) -> pd.DataFrame:
        return self.per_case[self.per_case["counted"]]

    @property
    def total(self) -> Decimal:
        return Decimal(int(self.per_case["amount_fen"].sum())) / 100

    @property
    def not_counted(self) -> int:
        return int((~self.per_case["counted"]).sum())

    def totals_by(self, key: str) -> pd.DataFrame:
        """Cases and total by '案件类型', '类型阶段', '承办律师', '律师事务所' or '结案月份'."""
        data = self.counted
        if data.empty:
            return pd.DataFrame({key: [], "件数": [], "补贴金额": []})
        grouped = data.groupby(key, sort=True, dropna=False)
        table = pd.DataFrame({"件数": grouped.size(), "fen": grouped["amount_fen"].sum()}).reset_index()
        if key in ("案件类型", "类型阶段"):   # the order people read case types in, not code-point order
            order = {t: i for i, t in enumerate(dict.fromkeys(default_vocabulary().case_types.values()))}
            table = table.sort_values(key, key=lambda s: s.map(lambda v: (order.get(str(v).split("·")[0], 99), v)),
                                      kind="stable").reset_index(drop=True)
        table[key] = table[key].astype(object)   # (grouping makes the keys pandas 3's str dtype)
        table["补贴金额"] = table["fen"].map(_fen_to_yuan)
        return table.drop(columns="fen")


def _yuan_text(fen) -> str:
    """fen → '1,500' or '1,500.50' (no needless decimals in a basis text)."""
    fen = int(fen)
    return f"{fen // 100:,}" if fen % 100 == 0 else f"{fen / 100:,.2f}"


def _yuan_column(fen: pd.Series, mask) -> pd.Series:
    """Integer fen → Decimal 元 (None where mask is False); converted once per distinct amount (one object each)."""
    mask = np.asarray(mask, dtype=bool)
    result = np.empty(len(fen), dtype=object)     # (None)
    amounts, codes = np.unique(fen.to_numpy(np.int64)[mask], return_inverse=True)
    result[mask] = objects([_fen_to_yuan(v) for v in amounts.tolist()])[codes.reshape(-1)]
    return object_series(result, fen.index)


def _fen_to_yuan(fen) -> Decimal:
    return Decimal(int(fen)) / 100


def _to_fen(amount: Decimal) -> int:
    return int(round_half_up(amount, 2) * 100)


def _scale_half_up(fen: np.ndarray, numerator: int, denominator: int) -> np.ndarray:
    """fen × numerator / denominator rounded half up (values are non-negative)."""
    return (2 * fen * numerator + denominator) // (2 * denominator)


@dataclass
class PriceRanges:
    """Each matter's standard range before any level is chosen (shared by all scenarios of one ledger)."""

    base: pd.DataFrame          # the matters, with case_id
    parts: pd.DataFrame         # one row per (matter, priced stage)
    per_case: pd.DataFrame      # lower_fen, upper_fen, priced, no_days, per_day by matter


def price_ranges(cases: pd.DataFrame, standard: Standard) -> PriceRanges:
    """Look up every matter's stages in the standard: lower and upper bound in fen, vectorised."""
    base = cases.reset_index(drop=True)   # (a new frame: the column added below is not added to `cases`)
    base["case_id"] = np.arange(len(base))
    # one row per (matter, stage); matters without stages get stage ""
    stages = per_distinct(base["诉讼阶段"].tolist(), lambda s: s or ("",))
    counts = np.fromiter(map(len, stages), dtype=np.intp, count=len(stages))
    parts = base[["case_id", "案件类型", "适用程序", "值班天数"]]
    if (counts != 1).any():
        parts = parts.take(np.repeat(np.arange(len(base)), counts))   # (the matter's index, as explode keeps it)
    parts = parts.assign(stage=object_series(list(chain.from_iterable(stages)), parts.index))
    summary_stage = standard.adjustments.summary_procedure_stage
    parts["priced_stage"] = parts["stage"]
    if summary_stage:
        fast_case = parts["适用程序"] == "速裁"
        parts.loc[fast_case & (parts["stage"] == "审判"), "priced_stage"] = summary_stage
        # a 速裁 case is one stage's work: "审查起诉、审判" is paid at 审查起诉 once, not twice
        twice = fast_case & parts.duplicated(["case_id", "priced_stage"], keep="first")
        if twice.any():
            merged = set(parts.loc[twice, "case_id"])
            parts = parts[~twice].copy()
            joined = base.loc[list(merged), "诉讼阶段"].map(lambda st: "、".join(st))
            keep = parts["case_id"].isin(merged) & (parts["priced_stage"] == summary_stage)
            parts.loc[keep, "stage"] = parts.loc[keep, "case_id"].map(joined)
    rates = list(standard.rates.values())
    rate_table = pd.DataFrame({"案件类型": object_series([r.case_type for r in rates]),
                               "priced_stage": object_series([r.stage for r in rates]),
                               "per": object_series([r.per for r in rates]),
                               "min_fen": [_to_fen(r.min) for r in rates], "max_fen": [_to_fen(r.max) for r in rates]})
    parts = parts.merge(rate_table, on=["案件类型", "priced_stage"], how="left")
    parts["priced"] = parts["per"].notna()
    parts["per_day"] = parts["per"] == PER_DAY
    parts["days"] = pd.to_numeric(parts["值班天数"], errors="coerce")
    parts["no_days"] = parts["per_day"] & parts["days"].isna()
    parts["qty"] = np.where(parts["per_day"], parts["days"].fillna(0), 1).astype(np.int64)
    parts["min_fen"] = parts["min_fen"].fillna(0).astype(np.int64) * parts["qty"]
    parts["max_fen"] = parts["max_fen"].fillna(0).astype(np.int64) * parts["qty"]
    agg = "sum" if standard.multi_stage == "sum" else "max"
    grouped = parts.groupby("case_id", sort=True)
    per_case = pd.DataFrame({
        "lower_fen": grouped["min_fen"].agg(agg),
        "upper_fen": grouped["max_fen"].agg(agg),
        "priced": grouped["priced"].all(),
        "no_days": grouped["no_days"].any(),
        "per_day": grouped["per_day"].any(),
    }).reindex(base["case_id"])
    return PriceRanges(base, parts, per_case)


def compute_subsidies(cases: pd.DataFrame, standard: Standard, level: Level, *, sheet: str | None = None,
                      file: str | None = None, explain: bool = True,
                      ranges: PriceRanges | None = None) -> SubsidyResult:
    """Each matter's subsidy under `standard` at `level`, vectorised over the ledger.

    With explain=False only the amounts are computed (no basis texts, no findings): for scenarios.
    """
    findings: list[Finding] = []
    ranges = ranges or price_ranges(cases, standard)
    base, parts, per_case = ranges.base, ranges.parts, ranges.per_case
    labels = _case_labels(parts, level, len(base)) if explain else None
    own_standard = base["案件类型"].isin(standard.own_standard_types).to_numpy(bool)
    lower = per_case["lower_fen"].to_numpy(np.int64, copy=True)
    upper = per_case["upper_fen"].to_numpy(np.int64, copy=True)

    if level.kind == "min":
        amount = lower.copy()
    elif level.kind == "max":
        amount = upper.copy()
    elif level.kind == "mid":
        amount = (lower + upper + 1) // 2
    elif level.kind == "flat":
        # a flat local amount is per case: per-day items and legal-help matters keep their own standard
        own = per_case["per_day"].to_numpy(bool) | base["案件类型"].isin(standard.own_standard_types).to_numpy(bool)
        amount = np.where(own, lower, _to_fen(level.amount))
    else:  # ledger
        amount = base["补贴金额"].map(lambda a: _to_fen(a) if a is not None else -1).to_numpy(np.int64)

    adjust = standard.adjustments
    notes = defaultdict(list) if explain else None   # adjustments in words, by matter (only those adjusted)
    # with the ledger's own amounts the adjustments move the bounds it is checked against, not the amount
    targets = (lower, upper) if level.kind == "ledger" else (lower, upper, amount)
    quality = base["案件质量"].to_numpy(object)
    if adjust.excellent_percent:
        num = int(round_half_up(100 + adjust.excellent_percent, 2) * 100)
        excellent = quality == "优秀"
        for arr in targets:
            arr[excellent] = _scale_half_up(arr[excellent], num, 10000)
        _note(notes, excellent, f"优秀上浮{adjust.excellent_percent.normalize():f}%")
    if adjust.poor_amount is not None:
        poor = quality == "不合格"
        for arr in targets:
            arr[poor] = _to_fen(adjust.poor_amount)
        _note(notes, poor, f"不合格只付直接费用{adjust.poor_amount:,.0f}元")
    surcharges = (("out_of_area", base["异地办案"].to_numpy(bool), 1, "异地办案加付"),
                  ("incidental_civil", base["附带民事"].to_numpy(bool), 1, "附带民事加付"))
    for key, mask, times, text in surcharges:
        value = getattr(adjust, key)
        if value:
            for arr in targets:
                arr[mask] += _to_fen(value) * times
            _note(notes, mask, f"{text}{value:,.0f}元")
    if adjust.extra_person:
        extra = (pd.to_numeric(base["受援人数"], errors="coerce").fillna(1).to_numpy(np.int64) - 1).clip(0)
        mask = extra > 0
        for arr in targets:
            arr[mask] += extra[mask] * _to_fen(adjust.extra_person)
        for i in np.flatnonzero(mask).tolist() if explain else ():
            notes[i].append(f"增加受援人{extra[i]}名加付{extra[i] * adjust.extra_person:,.0f}元")

    priced = per_case["priced"].to_numpy(bool) & ~per_case["no_days"].to_numpy(bool)
    counted = priced & (amount >= 0)
    out = pd.DataFrame({
        "excel_row": base["excel_row"].to_numpy(),
        "lower_fen": np.where(priced, lower, 0),
        "upper_fen": np.where(priced, upper, 0),
        "amount_fen": np.where(counted, amount, 0),
        "counted": counted,
    })
    if not explain:   # scenarios need amounts only
        return SubsidyResult(level, standard, out, findings)
    index = out.index
    out["案号"] = object_series(base["案号"].to_numpy(), index)
    out["案件类型"] = object_series(base["案件类型"].to_numpy(), index)
    out["类型阶段"] = object_series(_per_key([base["案件类型"].to_numpy(object), base["诉讼阶段"].to_numpy(object)],
                                         lambda t, st: str(t) + ("·" + "+".join(st) if st else "")), index)
    out["承办律师"] = object_series(base["承办律师"].fillna(UNFILLED).to_numpy(), index)
    out["律师事务所"] = object_series(base["律师事务所"].fillna(UNFILLED).to_numpy(), index)
    closed, months = pd.factorize(base["结案日期"].to_numpy(object))   # (an open case's None: code -1)
    out["结案月份"] = object_series(objects([f"{d:%Y-%m}" for d in months] + [OPEN_CASE])[closed], index)
    for col, mask in (("lower", priced), ("upper", priced), ("amount", counted)):
        out[col] = _yuan_column(out[f"{col}_fen"], mask)
    if explain:
        basis, note = _explain(out, labels, notes, priced, counted, lower, upper, amount,
                               per_case["no_days"].to_numpy(bool), per_case["per_day"].to_numpy(bool) | own_standard,
                               level, findings, sheet, file)
        out["basis"], out["note"] = object_series(basis, index), object_series(note, index)
    return SubsidyResult(level, standard, out, findings)


def _case_labels(parts, level, n_cases) -> list[str]:
    """Per matter, the priced parts in words: '刑事·审查起诉 最低标准800元 + 刑事·审判 最低标准1,500元'."""
    qty = np.maximum(parts["qty"].to_numpy(np.int64), 1)
    days = parts["days"].fillna(0).astype(np.int64)   # (NaN would make every key distinct)
    arrays = [parts["案件类型"].to_numpy(object), parts["stage"].to_numpy(object),
              parts["priced_stage"].to_numpy(object), parts["per_day"].to_numpy(bool), days.to_numpy(np.int64),
              parts["min_fen"].to_numpy(np.int64) // qty, parts["max_fen"].to_numpy(np.int64) // qty]
    known: dict[tuple, str] = {}   # a ledger has a few dozen distinct priced parts: each is worded once

    def words(key) -> str:
        case_type, stage, priced_stage, per_day, days, unit_min, unit_max = key
        name = f"{case_type}·{stage}" if stage else str(case_type)
        if priced_stage != stage:
            name += f"(速裁按{priced_stage})"
        unit = f"元/日×{days}日" if per_day else "元"
        if level.kind == "min":
            return f"{name} {level.label}{_yuan_text(unit_min)}{unit}"
        if level.kind == "max":
            return f"{name} {level.label}{_yuan_text(unit_max)}{unit}"
        return f"{name} 标准{_yuan_text(unit_min)}–{_yuan_text(unit_max)}{unit}"

    grouped = group_codes(arrays)
    case_ids = parts["case_id"].to_numpy(np.int64)
    if grouped is None:   # (a missing type or stage: each key as a tuple, as None and NaN are not the same)
        texts = [known.get(key) or known.setdefault(key, words(key)) for key in zip(*(a.tolist() for a in arrays))]
    else:
        codes, firsts = grouped
        texts = objects(list(map(words, zip(*(a[firsts].tolist() for a in arrays)))))[codes].tolist()
    if len(case_ids) == n_cases and (case_ids == np.arange(n_cases)).all():   # one priced part per matter (usual)
        return texts
    case_ids = case_ids.tolist()
    labels = [""] * n_cases
    for case_id, text in zip(case_ids, texts):
        labels[case_id] = f"{labels[case_id]} + {text}" if labels[case_id] else text
    return labels


def _per_key(arrays: list[np.ndarray], fn) -> np.ndarray | list:
    """fn(*values of a row) per row, computed once per distinct row of the arrays."""
    grouped = group_codes(arrays)
    if grouped is None:
        return per_distinct(zip(*(a.tolist() for a in arrays)), lambda key: fn(*key))
    codes, firsts = grouped
    return objects([fn(*(a[i] for a in arrays)) for i in firsts])[codes]


def group_codes(arrays: list[np.ndarray]) -> tuple[np.ndarray, list[int]] | None:
    """Rows grouped by equal values in every array (compared as dict keys are): (per row the code of its group,
    per group its first row), groups numbered in order of first appearance. None when an array has a missing value
    (None, NaN), which pandas would group with the other missing values."""
    n = len(arrays[0]) if arrays else 0
    key = np.zeros(n, dtype=np.int64)
    for values in arrays:
        codes, uniques = pd.factorize(values)
        if n and codes.min() < 0:
            return None
        key = pd.factorize(key * len(uniques) + codes)[0]   # (renumbered at each step: never overflows)
    if not n:
        return key, []
    # codes are numbered in order of first appearance: a group's first row is where the code exceeds all before it
    before = np.maximum.accumulate(np.concatenate(([-1], key[:-1])))
    return key, np.flatnonzero(key > before).tolist()


def _explain(out, labels, notes, priced, counted, lower, upper, amount, no_days, per_day, level, findings,
             sheet, file):
    """Basis and note texts per matter; warnings for what could not be priced (added to findings in row order)."""
    n = len(labels)
    found: list[Finding] = []
    per_day = per_day.tolist()
    rows = out["excel_row"].tolist()
    types = out["案件类型"].tolist()
    lower, upper, amount = lower.tolist(), upper.tolist(), amount.tolist()
    adjust = [""] * n
    for i, items in notes.items():
        if items:
            adjust[i] = "；" + "；".join(items)
    check = [""] * n
    if level.kind == "ledger":
        basis = [""] * n
        unfilled: list[int] = []
        for i in np.flatnonzero(priced).tolist():
            if amount[i] < 0:
                check[i] = "台账未填写补贴金额，未计入合计。"
                unfilled.append(i)
                continue
            basis[i] = f"台账金额 {amount[i] / 100:,.2f}元（{labels[i]}）"
            if not lower[i] <= amount[i] <= upper[i]:
                check[i] = (f"台账补贴金额 {amount[i] / 100:,.2f}元 不在标准范围 "
                            f"{lower[i] / 100:,.2f}–{upper[i] / 100:,.2f}元 内。")
                found.append(Finding(WARNING, check[i], sheet, rows[i], "补贴金额", f"{amount[i] / 100:.2f}", file))
        if unfilled:    # said once, as a count: most are cases still open, not slips
            open_cases = sum(1 for i in unfilled if out["结案月份"].iat[i] == OPEN_CASE)
            found.append(Finding(WARNING, f"共 {len(unfilled)} 件未填写补贴金额（其中未结案 {open_cases} 件），未计入合计；"
                                          "各行在“校验提示”列注明。", sheet, rows[unfilled[0]], "补贴金额", None, file))
    else:   # the same wording recurs for most matters: each distinct one is formatted once
        codes, firsts = group_codes([objects(labels), objects(adjust), np.asarray(amount, dtype=np.int64),
                                     np.asarray(per_day, dtype=bool)])
        keys = [(labels[i], adjust[i], amount[i], per_day[i]) for i in firsts]
        wording = {}
        for key in keys:
            label, adjust_text, fen, daily = key
            total = f" = {fen / 100:,.2f}元"
            if level.kind in ("min", "max"):
                wording[key] = f"{label}{adjust_text}{total}"
            elif level.kind == "flat" and not daily:
                wording[key] = f"{level.label}（{label}）{adjust_text}{total}"
            elif level.kind == "flat":
                wording[key] = f"{label} 按本项标准（统一金额只适用于案件）{adjust_text}{total}"
            elif level.kind == "mid":
                wording[key] = f"{label} 取中间值{adjust_text}{total}"
            else:
                wording[key] = f"{label} 取最低{adjust_text}{total}"
        basis = objects([wording[key] for key in keys])[codes].tolist()
    for i in np.flatnonzero(~np.asarray(priced, dtype=bool)).tolist():
        if no_days[i]:
            message = f"“{types[i]}”按日计价，但未填写值班天数，未计入合计。"
        else:
            message = f"补贴标准中没有“{labels[i]}”的标准，未计入合计（可在“补贴标准”工作表中设定）。"
        found.append(Finding(WARNING, message, sheet, rows[i], "案件类型", types[i], file))
        basis[i] = ""
        check[i] = message
    findings.extend(sorted(found, key=lambda f: f.row))
    return basis, check


def _note(notes, mask, text):
    if notes is None:
        return
    for i in np.flatnonzero(mask).tolist():
        notes[i].append(text)


@dataclass(frozen=True)
class Scenario:
    level: Level
    total: Decimal
    cases: int
    fund: FundComparison | None


def scenarios(cases: pd.DataFrame, standard: Standard, levels: list[Level], fund: Decimal | None,
              ranges: PriceRanges | None = None) -> list[Scenario]:
    """The same ledger priced at several levels, side by side, each against the fund."""
    result = []
    ranges = ranges or price_ranges(cases, standard)
    for level in levels:
        computed = compute_subsidies(cases, standard, level, explain=False, ranges=ranges)
        total = computed.total
        result.append(Scenario(level, total, len(computed.counted),
                               compare_fund(total, fund) if fund is not None else None))
    return result
