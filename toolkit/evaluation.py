"""绩效自评 (performance self-evaluation, domain.md §5): targets from a 绩效目标 sheet, actual values from the
statistics, execution rate and scores. Pure core, no I/O.

Scoring: budget execution rate = 全年执行数 / 全年预算数, score = min(rate, 1) × 10; a numeric indicator scores
min(actual / target, 1) × points for ≥, min(target / actual, 1) × points for ≤, min(a/t, t/a) × points for =;
qualitative indicators are left for the user. Scores are rounded half up to 2 places.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources

from toolkit.errors import InputError
from toolkit.findings import ERROR, WARNING, Finding
from toolkit.io.excel_read import RawSheet
from toolkit.money import WAN, parse_amount, round_half_up
from toolkit.stats import Catalog, default_catalog
from toolkit.table import find_header
from toolkit.text import clean_text, compact, header_key

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
    for symbol in (">=", "<=", "≥", "≤", "=", ">", "<"):
        if text.startswith(symbol):
            return rules.natures.get(compact(symbol))
    return None


def parse_targets(sheet: RawSheet, file: str | None = None, rules: Rules | None = None,
                  catalog: Catalog | None = None) -> Targets:
    """Read a 绩效目标 sheet: the indicator table and the budget figures (年初预算数, 全年预算数, 全年执行数)."""
    rules = rules or default_rules()
    catalog = catalog or default_catalog()
    header = find_header(sheet, rules.columns, min_matches=3)
    if header is None or not {"三级指标", "分值"} <= set(header.columns):
        raise InputError("找不到绩效目标表头：应包含“一级指标”“二级指标”“三级指标”“指标性质”“目标值”“单位”“分值”"
                         "等列（“统计键”列可选）。", file=file, sheet=sheet.name)
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
        if not level3:
            if any(header_key(v) in rules.budget_labels for v in row if v is not None):
                break                                          # the budget block below the table
            continue
        if level3.startswith(("合计", "小计", "总分")):
            continue
        points, _ = _number(cell("分值"))
        if points is None or points < 0:
            findings.append(Finding(ERROR, f"指标“{level3}”的分值“{clean_text(cell('分值'))}”不是有效数字，未计入评分。",
                                    sheet.name, r, header.label("分值"), clean_text(cell("分值")), file))
            continue
        target_cell = cell("目标值")
        target, target_unit = _number(target_cell)
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
    return Targets(_grouped(indicators), budget, findings, sheet.name)


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
