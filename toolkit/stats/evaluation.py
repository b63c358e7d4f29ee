"""绩效自评 (performance self-evaluation, domain.md §5): targets from a 绩效目标 sheet, actual values from the
statistics, execution rate and scores. Pure core, no I/O.

Scoring: budget execution rate = 全年执行数 / 全年预算数, score = min(rate, 1) × 10; a numeric indicator scores
min(actual / target, 1) × points for ≥, min(target / actual, 1) × points for ≤, min(a/t, t/a) × points for =;
qualitative indicators are left for the user. Scores are rounded half up to 2 places.

The published 绩效目标表 (一级 | 二级 | 三级指标 | 指标值, the target in one cell: "≥800件", "≤5%", "有效提升", often
without 分值) is read too: points are then assigned by toolkit/data/indicators.toml (产出50 / 效益30 / 满意度10 split
evenly over each level's indicators) and indicators are matched to statistics keys by their names; both are said.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources

from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING, Finding
from toolkit.base.sheet import RawSheet
from toolkit.base.money import WAN, parse_amount, round_half_up
from toolkit.stats.compute import Catalog, default_catalog
from toolkit.base.table import find_header
from toolkit.base.text import clean_text, compact, header_key

TARGETS_SHEET = "绩效目标"
QUALITATIVE = "定性"
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*([^\d]*)$")


@dataclass(frozen=True)
class Rules:
    budget_points: Decimal
    total_points: Decimal
    columns: dict[str, str]        # header key -> canonical column
    budget_labels: dict[str, str]  # header key -> budget figure
    natures: dict[str, str]        # compact variant -> ≥ ≤ = 定性


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    data = tomllib.loads(resources.files("toolkit.data").joinpath("stats_keys.toml").read_text(encoding="utf-8"))
    ev = data["evaluation"]

    def table(section, key=header_key):
        out = {}
        for canonical, names in section.items():
            for name in [canonical, *names]:
                out[key(name)] = canonical
        return out

    return Rules(Decimal(ev["budget_points"]), Decimal(ev["total_points"]), table(ev["columns"]),
                 table(ev["budget"]), table(ev["natures"], compact))


@dataclass(frozen=True)
class Indicator:
    """One 三级指标 row of the 绩效目标 sheet."""

    level1: str
    level2: str
    level3: str
    nature: str | None          # "≥", "≤", "=" or None for a qualitative indicator
    target: Decimal | None
    target_text: str
    unit: str
    points: Decimal
    key: str | None = None      # statistics key giving the actual value
    given_actual: Decimal | None = None
    excel_row: int | None = None


@dataclass(frozen=True)
class Budget:
    """Budget figures in the unit the sheet gives them (元 or 万元)."""

    initial: Decimal | None
    annual: Decimal | None
    executed: Decimal | None
    unit: str = "万元"


@dataclass(frozen=True)
class Targets:
    indicators: list[Indicator]
    budget: Budget
    findings: list[Finding]
    sheet: str
    notes: list[str] = field(default_factory=list)   # how points and statistics keys were assigned, in words


@dataclass(frozen=True)
class IndicatorRules:
    """How a published 绩效目标表 is completed (toolkit/data/indicators.toml)."""

    level_points: dict[str, Decimal]     # 一级 name word -> points
    names: list[tuple[str, str]]         # (compact indicator word, statistics key), longest word first
    count_units: frozenset
    money_units: frozenset


@lru_cache(maxsize=1)
def indicator_rules() -> IndicatorRules:
    data = tomllib.loads(resources.files("toolkit.data").joinpath("indicators.toml").read_text(encoding="utf-8"))
    names = [(compact(w), key) for key, words in data["names"].items() for w in words]
    names.sort(key=lambda item: -len(item[0]))
    return IndicatorRules({k: Decimal(v) for k, v in data["points"].items()}, names,
                          frozenset(data["units"]["count"]), frozenset(data["units"]["money"]))


@dataclass(frozen=True)
class ScoredIndicator:
    indicator: Indicator
    actual: Decimal | None
    score: Decimal | None
    status: str                 # 达标 / 未达标 / 待自评 / 无实际值
    note: str = ""

    @property
    def below_target(self) -> bool:
        return self.status == "未达标"


@dataclass
class Evaluation:
    budget: Budget
    execution_rate: Decimal | None   # percent, 2 places
    budget_points: Decimal
    budget_score: Decimal | None
    indicators: list[ScoredIndicator]
    findings: list[Finding] = field(default_factory=list)

    def level_totals(self) -> list[tuple[str, str | None, Decimal, Decimal]]:
        """(一级, 二级 or None for the 一级 subtotal, points, score of the scored indicators), in sheet order."""
        out: dict[tuple[str, str | None], list[Decimal]] = {}
        for s in self.indicators:
            i = s.indicator
            for key in ((i.level1, None), (i.level1, i.level2)):
                acc = out.setdefault(key, [Decimal(0), Decimal(0)])
                acc[0] += i.points
                acc[1] += s.score or 0
        return [(l1, l2, p, sc) for (l1, l2), (p, sc) in out.items()]

    @property
    def total_points(self) -> Decimal:
        return self.budget_points + sum((s.indicator.points for s in self.indicators), Decimal(0))

    @property
    def total_score(self) -> Decimal:
        """Budget score plus every scored indicator (qualitative ones count once the user scores them)."""
        return (self.budget_score or 0) + sum((s.score or 0 for s in self.indicators), Decimal(0))

    @property
    def pending(self) -> list[ScoredIndicator]:
        return [s for s in self.indicators if s.score is None]


def _number(value) -> tuple[Decimal | None, str]:
    """A target/actual cell as (number, unit text found after it); (None, text) when it is not a number."""
    if value is None:
        return None, ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return parse_amount(value), ""
    text = clean_text(value).replace(",", "").replace("，", "")
    text = re.sub(r"^(>=|<=|≥|≤|=|>|<)", "", text).strip()
    m = _NUMBER.match(text)
    if not m:
        return None, clean_text(value)
    try:
        return Decimal(m.group(1)), m.group(2).strip()
    except InvalidOperation:
        return None, clean_text(value)


def _nature_from_text(text: str, rules: Rules) -> str | None:
    """The comparison a one-cell target states: '≥800件', '不少于800件', '5%以内', '800件以上'."""
    text = compact(text)
    for symbol in sorted(rules.natures, key=len, reverse=True):
        if symbol and text.startswith(symbol) and rules.natures[symbol] != QUALITATIVE:
            return rules.natures[symbol]
    if text.endswith(("以上", "及以上")):
        return "≥"
    if text.endswith(("以下", "以内", "及以下")):
        return "≤"
    return None


def _target_number(value, rules: Rules) -> tuple[Decimal | None, str]:
    """A one-cell target's number and unit, its comparison words taken off: '不少于800件' → (800, '件')."""
    if not isinstance(value, str):
        return _number(value)
    text = compact(value)
    for symbol in sorted(rules.natures, key=len, reverse=True):
        if symbol and text.startswith(symbol) and rules.natures[symbol] != QUALITATIVE:
            text = text[len(symbol):]
            break
    for suffix in ("及以上", "及以下", "以上", "以下", "以内"):
        if text.endswith(suffix):
            text = text[:-len(suffix)]
            break
    number, unit = _number(text)
    return (number, unit) if number is not None else (None, clean_text(value))


def parse_targets(sheet: RawSheet, file: str | None = None, rules: Rules | None = None,
                  catalog: Catalog | None = None) -> Targets:
    """Read a 绩效目标 sheet: the indicator table and the budget figures (年初预算数, 全年预算数, 全年执行数)."""
    rules = rules or default_rules()
    catalog = catalog or default_catalog()
    header = find_header(sheet, rules.columns, min_matches=2)
    if header is None or not {"三级指标", "目标值"} <= set(header.columns):
        raise InputError("找不到绩效目标表头：应包含“一级指标”“二级指标”“三级指标”和“指标值”（或“目标值”）等列"
                         "（“指标性质”“单位”“分值”“统计键”列可选）。", file=file, sheet=sheet.name)
    has_points = "分值" in header.columns
    cols = header.columns
    findings: list[Finding] = []
    indicators: list[Indicator] = []
    level1 = level2 = ""
    for i in range(header.first_data_row, len(sheet.rows)):
        row, r = sheet.rows[i], i + 1

        def cell(name):
            c = cols.get(name)
            return row[c] if c is not None and c < len(row) else None

        level3 = clean_text(cell("三级指标"))
        level1 = clean_text(cell("一级指标")) or level1     # merged cells repeat the row above
        level2 = clean_text(cell("二级指标")) or level2
        if any(isinstance(v, str) and header_key(v) in rules.budget_labels for v in row):
            break                                              # the budget block below the table
        if not level3:
            continue
        if level3.startswith(("合计", "小计", "总分")):
            continue
        points, _ = _number(cell("分值")) if has_points else (Decimal(0), "")
        if points is None or points < 0:
            findings.append(Finding(ERROR, f"指标“{level3}”的分值“{clean_text(cell('分值'))}”不是有效数字，未计入评分。",
                                    sheet.name, r, header.label("分值"), clean_text(cell("分值")), file))
            continue
        target_cell = cell("目标值")
        target, target_unit = _target_number(target_cell, rules)
        nature_text = compact(cell("指标性质"))
        nature = rules.natures.get(nature_text) if nature_text else _nature_from_text(clean_text(target_cell), rules)
        if nature_text and nature is None:
            findings.append(Finding(WARNING, f"指标性质“{clean_text(cell('指标性质'))}”无法识别（应为 ≥、≤、= 或 定性），"
                                    "按定性指标处理。", sheet.name, r, header.label("指标性质"), nature_text, file))
        if nature == QUALITATIVE or target is None:
            nature = None
        elif nature is None:
            nature = "≥"
        key = clean_text(cell("统计键")) or None
        if key and catalog.spec(key) is None:
            findings.append(Finding(WARNING, f"统计键“{key}”不存在，指标“{level3}”的实际完成值需手工填写。",
                                    sheet.name, r, header.label("统计键"), key, file))
        given, _ = _number(cell("实际完成值"))
        indicators.append(Indicator(level1 or "（未填写一级指标）", level2 or "（未填写二级指标）", level3, nature, target,
                                    clean_text(target_cell), clean_text(cell("单位")) or (target_unit if target is not None else ""),
                                    points, key, given, r))
    budget = _budget(sheet, rules)
    notes: list[str] = []
    indicators = _grouped(indicators)
    if not has_points and indicators:
        indicators = _assign_points(indicators, rules, notes, findings, sheet.name, file)
    if "统计键" not in header.columns:         # the sheet says where each value comes from, or the names do
        indicators = _match_keys(indicators, catalog, notes, findings, sheet.name, file)
    return Targets(indicators, budget, findings, sheet.name, notes)


def _assign_points(indicators: list[Indicator], rules: Rules, notes: list[str], findings: list[Finding],
                   sheet: str, file: str | None) -> list[Indicator]:
    """No 分值 column: each 一级指标's points (indicators.toml) split evenly over its indicators, to the cent; the
    last indicator of a level takes the rounding remainder so that the level adds up exactly."""
    level_points = indicator_rules().level_points
    by_level: dict[str, list[int]] = {}
    for i, ind in enumerate(indicators):
        by_level.setdefault(ind.level1, []).append(i)
    out = list(indicators)
    said = []
    for level1, positions in by_level.items():
        word = next((w for w in level_points if w in level1), None)
        if word is None:
            findings.append(Finding(WARNING, f"一级指标“{level1}”没有默认分值（只有 {'、'.join(level_points)} 有），"
                                    "其下指标按 0 分计；请在表中加“分值”列。", sheet, out[positions[0]].excel_row,
                                    None, level1, file))
            continue
        total = level_points[word]
        each = round_half_up(total / len(positions), 2)
        for k, pos in enumerate(positions):
            points = each if k < len(positions) - 1 else total - each * (len(positions) - 1)
            out[pos] = replace(out[pos], points=points)
        exact = each * len(positions) == total
        said.append(f"{level1} {total.normalize():f} 分 ÷ {len(positions)} 项 = 每项 {each.normalize():f} 分"
                    + ("" if exact else f"（末项 {out[positions[-1]].points.normalize():f} 分，使合计为"
                                        f" {total.normalize():f} 分）"))
    if said:
        text = ("绩效目标表没有“分值”列，分值按常用的自评权重分配（预算执行率 "
                f"{rules.budget_points.normalize():f} 分）：" + "；".join(said) + "。")
        notes.append(text)
        findings.append(Finding(WARNING, text, sheet, None, None, None, file))
    return out


def _unit_kind(unit: str, rules: IndicatorRules) -> str | None:
    unit = compact(unit)
    if unit in rules.count_units:
        return "count"
    if unit in rules.money_units:
        return "money"
    if not unit:
        return "none"
    return None


def _match_keys(indicators: list[Indicator], catalog: Catalog, notes: list[str], findings: list[Finding],
                sheet: str, file: str | None) -> list[Indicator]:
    """Indicators without a statistics key get one by their name (indicators.toml) when the units agree."""
    rules = indicator_rules()
    out, matched, clerk = [], [], []
    for ind in indicators:
        key = ind.key
        if key is None and ind.nature is not None and ind.given_actual is None:
            name = compact(ind.level3)
            kind = _unit_kind(ind.unit, rules)
            for word, candidate in rules.names:
                spec = catalog.spec(candidate)
                if word in name and spec is not None and kind is not None and                         (kind == "none" or (kind == "money") == spec.is_money):
                    key = candidate
                    break
            if key is not None:
                matched.append(f"“{ind.level3}”→{catalog.spec(key).name}（{key}）")
                ind = replace(ind, key=key)
        if ind.key is None and ind.given_actual is None:
            clerk.append(ind.level3)
        out.append(ind)
    if matched:
        text = "按指标名称从统计中取实际完成值：" + "；".join(matched) + "。"
        notes.append(text)
        findings.append(Finding(WARNING, text + "如对应有误，请在表中加“统计键”列指定。", sheet, None, None, None, file))
    if clerk:
        notes.append(f"需本人填写实际完成值或自评打分的指标 {len(clerk)} 项：" + "、".join(clerk) + "。")
    return out


def _grouped(indicators: list[Indicator]) -> list[Indicator]:
    """Rows of one 一级 and 二级 together (first-appearance order), so totals cover contiguous rows."""
    order1 = list(dict.fromkeys(i.level1 for i in indicators))
    order2 = list(dict.fromkeys((i.level1, i.level2) for i in indicators))
    return sorted(indicators, key=lambda i: (order1.index(i.level1), order2.index((i.level1, i.level2))))


def _budget(sheet: RawSheet, rules: Rules) -> Budget:
    found: dict[str, Decimal] = {}
    unit = "万元"
    for r, row in enumerate(sheet.rows):
        for c, v in enumerate(row):
            label = rules.budget_labels.get(header_key(v)) if isinstance(v, str) else None
            if not label or label in found:
                continue
            if "万元" not in clean_text(v) and re.search(r"[(（]元[)）]", clean_text(v)):
                unit = "元"
            value = next((x for x in row[c + 1:] if x is not None and clean_text(x)), None)
            number, _ = _number(value)
            if number is None:
                number, _ = _number(sheet.cell(r + 1, c))
            if number is not None:
                found[label] = number
        if any(isinstance(v, str) and "单位" in v and "元" in v for v in row):
            unit = "元" if "万" not in "".join(str(v) for v in row if isinstance(v, str)) else "万元"
    return Budget(found.get("年初预算数"), found.get("全年预算数"), found.get("全年执行数"), unit)


def actual_value(indicator: Indicator, values: dict, catalog: Catalog | None = None) -> Decimal | None:
    """The indicator's actual value: from its statistics key (元 → 万元 when the unit says so), else as given."""
    catalog = catalog or default_catalog()
    if indicator.key and indicator.key in values:
        value = Decimal(values[indicator.key])
        spec = catalog.spec(indicator.key)
        if spec is not None and spec.is_money and "万" in indicator.unit:
            value = round_half_up(value / WAN, 4)
        return value
    return indicator.given_actual


def score_indicator(indicator: Indicator, actual: Decimal | None) -> ScoredIndicator:
    """Score one indicator by the rules in the module docstring."""
    if indicator.nature is None:
        return ScoredIndicator(indicator, actual, None, "待自评", "定性指标，请自评打分")
    if actual is None:
        return ScoredIndicator(indicator, None, None, "无实际值", "请填写实际完成值并自评打分")
    t, a, p = indicator.target, actual, indicator.points
    if indicator.nature == "≥":
        ratio = Decimal(1) if t <= 0 else min(a / t, Decimal(1))
        met = a >= t
    elif indicator.nature == "≤":
        ratio = Decimal(1) if a <= t else (t / a if a > 0 else Decimal(0))
        met = a <= t
    else:
        met = a == t
        ratio = Decimal(1) if met else (min(a / t, t / a) if a > 0 and t > 0 else Decimal(0))
    ratio = max(ratio, Decimal(0))
    score = round_half_up(ratio * p, 2)
    return ScoredIndicator(indicator, a, score, "达标" if met else "未达标",
                           "" if met else "未达到年度指标值，请填写偏差原因")


def evaluate(targets: Targets, values: dict, file: str | None = None, rules: Rules | None = None,
             catalog: Catalog | None = None) -> Evaluation:
    """Fill actual values from the statistics and score budget execution and every indicator."""
    rules = rules or default_rules()
    findings = list(targets.findings)
    b = targets.budget
    rate = score = None
    if b.annual and b.executed is not None:
        ratio = b.executed / b.annual
        rate = round_half_up(ratio * 100, 2)
        score = round_half_up(min(ratio, Decimal(1)) * rules.budget_points, 2)
    else:
        findings.append(Finding(WARNING, "绩效目标表中没有找到“全年预算数”和“全年执行数”，预算执行率未评分。",
                                targets.sheet, None, None, None, file))
    scored = []
    for ind in targets.indicators:
        s = score_indicator(ind, actual_value(ind, values, catalog))
        if ind.key and ind.key not in values and (catalog or default_catalog()).spec(ind.key) is not None:
            findings.append(Finding(WARNING, f"统计键“{ind.key}”本次没有数据（如咨询类指标需提供咨询登记表），"
                                    f"指标“{ind.level3}”的实际完成值需手工填写。", targets.sheet, ind.excel_row,
                                    "统计键", ind.key, file))
        scored.append(s)
    evaluation = Evaluation(b, rate, rules.budget_points, score, scored, findings)
    if targets.indicators and evaluation.total_points != rules.total_points:
        findings.append(Finding(WARNING, f"预算执行率（{rules.budget_points}分）与各指标分值合计为"
                                f"{evaluation.total_points.normalize():f}分，不是{rules.total_points}分，请核对分值。",
                                targets.sheet, None, "分值", None, file))
    return evaluation
