"""Worksheet functions (LA_*): thin wrappers over the core, usable in classic xlwings, xlwings Server and Lite.

Each function's docstring is its wizard text: the first paragraph describes the function, then one line per
argument, "name: description". The `udf` decorator turns those lines into `@xw.arg(doc=…)`, so the text is written
once and `legalaid functions` lists the same words. Wrong input never raises: the cell shows a short Chinese
message starting with "错误：" (a Python exception would show a traceback in classic xlwings).
"""

from __future__ import annotations

import inspect
import math
from decimal import Decimal
from functools import lru_cache

import xlwings as xw

from toolkit.base.errors import InputError, describe_failure, is_panic
from toolkit.excel.book_io import excel_value, period_value
from toolkit.base.idcard import mask_text
from toolkit.excel.udf_docs import parse_udf_doc
from toolkit.base.idcard import id_problem
from toolkit.io.excel_read import RawSheet
from toolkit.ledger.parse import TOTAL_WORDS, parse_ledger, split_list
from toolkit.base.money import WAN, parse_amount, round_half_up
from toolkit.subsidy.standards import PER_DAY, Standard, apply_sheet, load_standard
from toolkit.subsidy.compute import compare_fund, parse_level
from toolkit.base.text import clean_text, compact, header_key
from toolkit.ledger.vocab import default_vocabulary, lookup, suggest

CATEGORY = "法律援助"
ERROR_PREFIX = "错误："
FUNCTIONS: list = []          # every LA_* function, in definition order (for `legalaid functions`)
RESULT_CACHE_SIZE = 50_000
_MISS = object()


class UdfError(ValueError):
    """Wrong input to a worksheet function; its message is shown in the cell."""


def udf(f=None, *, two_d: tuple[str, ...] = ()):
    """@xw.func with its description and @xw.arg docs taken from the docstring; errors become cell text.

    Arguments named in `two_d` always arrive as rows of cells (a one-row range included).
    """
    if f is None:
        return lambda g: udf(g, two_d=two_d)
    description, arg_docs = parse_udf_doc(f.__doc__)
    params = list(inspect.signature(f).parameters)
    missing = [p for p in params if p not in arg_docs]
    if missing:  # a programming error, caught at import by the tests
        raise TypeError(f"{f.__name__}: docstring does not describe {missing}")
    f.__la_udf__ = {"name": f.__name__, "description": description,
                    "args": [(p, arg_docs[p], inspect.signature(f).parameters[p].default) for p in params]}
    full_doc = f.__doc__
    results: dict = {}   # the functions are pure: same typed arguments, same answer (ranges are not cached)

    def compute(args, kwargs):
        try:
            return f(*args, **kwargs)
        except (UdfError, ValueError, InputError) as exc:
            return ERROR_PREFIX + mask_text(exc.message if isinstance(exc, InputError) else str(exc))
        except BaseException as exc:  # never a traceback in a cell (a Rust panic is a BaseException)
            if not (isinstance(exc, Exception) or is_panic(exc)):
                raise
            if isinstance(exc, (OSError, MemoryError, RecursionError)) or is_panic(exc):
                return ERROR_PREFIX + describe_failure(exc)[0]
            return f"{ERROR_PREFIX}计算时发生意外问题（{type(exc).__name__}）"

    def guarded(*args, **kwargs):
        # Classic xlwings on Windows passes 2023 as 2023.0 and dates as datetimes: made what the user typed, here, once
        args = tuple([excel_value(a) for a in args])
        if kwargs:
            return compute(args, {k: excel_value(v) for k, v in kwargs.items()})
        key = tuple([(a.__class__, a) for a in args])
        try:
            result = results.get(key, _MISS)
        except TypeError:             # a range (list) among the arguments
            return compute(args, kwargs)
        if result is _MISS:
            result = compute(args, kwargs)
            if len(results) >= RESULT_CACHE_SIZE:
                results.clear()
            results[key] = result
        return [list(row) for row in result] if isinstance(result, list) else result

    guarded.cache_clear = results.clear
    guarded.__name__ = guarded.__qualname__ = f.__name__
    guarded.__module__ = f.__module__
    guarded.__signature__ = inspect.signature(f)
    guarded.__wrapped_udf__ = f
    guarded.__la_udf__ = f.__la_udf__
    guarded.__doc__ = description[:255]          # Excel's limit for a function description
    decorated = guarded
    for name in reversed(params):
        options = {"ndim": 2} if name in two_d else {}
        decorated = xw.arg(name, doc=arg_docs[name][:255], **options)(decorated)
    decorated = xw.func(category=CATEGORY)(decorated)
    decorated.__la_doc__ = full_doc
    FUNCTIONS.append(decorated)
    return decorated


# ---------------------------------------------------------------- argument helpers

def _flat(value) -> list:
    """A cell or range (scalar, 1-D or 2-D list) → its cells in reading order."""
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out.extend(_flat(item))
        return out
    return [value]


@lru_cache(maxsize=8192)
def _clean(text: str) -> str:
    """clean_text for the few distinct strings a sheet passes again and again."""
    return clean_text(text)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not _clean(value))


def _scalar(value):
    """The single value of a one-cell argument."""
    cells = _flat(value)
    if len(cells) != 1:
        raise UdfError("此参数应为单个单元格")
    return cells[0]


def _amount(value, what: str, default_unit: Decimal = Decimal(1)) -> Decimal:
    value = _scalar(value)
    if _blank(value):
        raise UdfError(f"{what}为空")
    try:
        return parse_amount(value, default_unit)
    except ValueError as exc:
        raise UdfError(f"{what}：{exc}") from None


def _number(amount: Decimal) -> float | int:
    """Decimal → the number Excel stores (an int when whole, so 1500 shows as 1500)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _yuan(fen: int) -> int | float:
    """fen → 元 as Excel stores it (int division by 100 is correctly rounded, as float(Decimal) would be)."""
    return fen // 100 if fen % 100 == 0 else fen / 100


def _int_arg(value, what: str, low: int, high: int, default: int) -> int:
    value = _scalar(value) if value is not None else None
    if _blank(value):
        return default
    try:
        number = parse_amount(value)
    except ValueError:
        raise UdfError(f"{what}应为 {low} 到 {high} 的整数") from None
    if number != number.to_integral_value() or not low <= number <= high:
        raise UdfError(f"{what}应为 {low} 到 {high} 的整数")
    return int(number)


# ---------------------------------------------------------------- subsidy pricing (cached, scalar)

def _rows_key(value) -> tuple:
    """A range's values as a hashable key (2-D)."""
    if not isinstance(value, (list, tuple)):
        return ((value,),)
    if value and not isinstance(value[0], (list, tuple)):
        return tuple((v,) for v in value)
    return tuple(tuple(row) for row in value)


@lru_cache(maxsize=64)
def _standard_by_name(name: str) -> Standard:
    return load_standard(name or None)


@lru_cache(maxsize=16)
def _standard_from_rows(rows: tuple) -> Standard:
    return apply_sheet(load_standard(None), RawSheet("补贴标准", [list(r) for r in rows]))


def standard_arg(value) -> str | tuple:
    """The `standard` argument as a hashable key: a shipped standard's name ('' = 湖南) or a range's rows."""
    if isinstance(value, (list, tuple)) and len(_flat(value)) > 1:
        return _rows_key(value)
    if value.__class__ is str:
        return _clean(value)
    value = _scalar(value) if value is not None else None
    return "" if _blank(value) else clean_text(value)


def standard_for(key: str | tuple) -> Standard:
    """The Standard a key names (loaded once, then cached)."""
    return _standard_from_rows(key) if isinstance(key, tuple) else _standard_by_name(key)


@lru_cache(maxsize=64)
def _fen_table(standard_key: str | tuple) -> tuple[dict, bool]:
    """{(type, stage): (min fen, max fen, per day)} of a standard, and whether stages are summed."""
    standard = standard_for(standard_key)
    table = {key: (int(round_half_up(r.min, 2) * 100), int(round_half_up(r.max, 2) * 100), r.per == PER_DAY)
             for key, r in standard.rates.items()}
    return table, standard.multi_stage == "sum"


@lru_cache(maxsize=4096)
def subsidy_range(standard_key: str | tuple, case_type: str, stages: str) -> tuple[int, int, bool, str]:
    """(lower fen, upper fen, per day, canonical type) for one matter; raises UdfError in Chinese."""
    table, summed = _fen_table(standard_key)
    vocab = default_vocabulary()
    canonical = lookup(vocab.case_types, case_type)
    if canonical is None:
        hint = suggest(vocab.case_types, case_type)
        raise UdfError(f"无法识别的案件类型“{clean_text(case_type)}”" + (f"，是否应为“{hint}”？" if hint else ""))
    names = [""]
    if canonical == vocab.criminal_type:
        names = []
        for part in split_list(stages):
            stage = lookup(vocab.stages, part)
            if stage is None:
                hint = suggest(vocab.stages, part)
                raise UdfError(f"无法识别的诉讼阶段“{part}”" + (f"，是否应为“{hint}”？" if hint else ""))
            if stage not in names:
                names.append(stage)
        if not names:
            raise UdfError("刑事案件须填写诉讼阶段")
    lows, highs, per_day = [], [], False
    for stage in names:
        rate = table.get((canonical, stage))
        if rate is None:
            label = canonical + (f"·{stage}" if stage else "")
            raise UdfError(f"补贴标准中没有“{label}”的标准")
        lows.append(rate[0])
        highs.append(rate[1])
        per_day = per_day or rate[2]
    agg = sum if summed else max
    return agg(lows), agg(highs), per_day, canonical


@lru_cache(maxsize=64)
def _level(text: str):
    level = parse_level(text or "最低")
    if level.kind == "ledger":
        raise UdfError("补贴水平“台账”只适用于“计算补贴”按钮")
    return level


def subsidy_fen(standard_key: str | tuple, case_type: str, stages: str, level_text: str) -> int:
    """One matter's subsidy in fen at a level (最低/最高/中间/flat amount), as compute_subsidies prices it."""
    low, high, per_day, _ = subsidy_range(standard_key, case_type, stages)
    level = _level(level_text)
    if level.kind == "min":
        return low
    if level.kind == "max":
        return high
    if level.kind == "mid":
        return (low + high + 1) // 2
    return low if per_day else int(round_half_up(level.amount, 2) * 100)


def _text_arg(value) -> str:
    if value.__class__ is str:
        return _clean(value)
    value = _scalar(value) if value is not None else None
    return "" if _blank(value) else clean_text(value)


# ---------------------------------------------------------------- the functions

@udf
def LA_SUBSIDY(case_type, stage=None, level="最低", standard=None):
    """按补贴标准计算一件案件的办案补贴（元），不含质量、异地等调整（这些由“计算补贴”按钮计算）。刑事案件按诉讼阶段计算，多个阶段按标准规定累加或取最高；按日计价的事项返回每日金额。

    case_type: 案件类型，如 刑事、民事、行政、仲裁
    stage: 诉讼阶段（刑事案件必填），如 审判；多个阶段用顿号分隔，如 审查起诉、审判
    level: 补贴水平：最低（默认）、最高、中间，或每件统一金额如 1800
    standard: 补贴标准：名称如 湖南（默认），或本工作簿“补贴标准”表的区域
    """
    fen = subsidy_fen(standard_arg(standard), _text_arg(case_type), _text_arg(stage), _text_arg(level))
    return _yuan(fen)


@udf
def LA_SUBSIDY_RANGE(case_type, stage=None, standard=None):
    """补贴标准的范围：返回一行两格，最低标准和最高标准（元）。

    case_type: 案件类型，如 刑事、民事
    stage: 诉讼阶段（刑事案件必填），多个阶段用顿号分隔
    standard: 补贴标准：名称如 湖南（默认），或本工作簿“补贴标准”表的区域
    """
    low, high, _, _ = subsidy_range(standard_arg(standard), _text_arg(case_type), _text_arg(stage))
    return [[_yuan(low), _yuan(high)]]


def _is_header_or_total(value, canonical: str) -> bool:
    key = header_key(value)
    return default_vocabulary().column_aliases.get(key) == canonical or key.startswith(TOTAL_WORDS)


@udf
def LA_SUBSIDY_TOTAL(case_types, stages, level="最低", standard=None):
    """一列案件的办案补贴合计（元）。空行、表头和合计行跳过；任何一行无法计算时显示出错的行，不给出不完整的合计。

    case_types: 案件类型所在的区域，如 C2:C1000
    stages: 诉讼阶段所在的区域，与案件类型区域行数相同，如 D2:D1000
    level: 补贴水平：最低（默认）、最高、中间，或每件统一金额如 1800
    standard: 补贴标准：名称如 湖南（默认），或本工作簿“补贴标准”表的区域
    """
    types, stage_cells = _flat(case_types), _flat(stages)
    if len(types) != len(stage_cells):
        raise UdfError(f"案件类型区域（{len(types)}格）与诉讼阶段区域（{len(stage_cells)}格）大小不同")
    chosen = standard_arg(standard)
    level_text = _text_arg(level)
    _level(level_text)
    total = 0
    priced: dict = {}
    for i, (case_type, stage) in enumerate(zip(types, stage_cells), start=1):
        fen = priced.get((case_type, stage)) if isinstance(case_type, str) and not isinstance(stage, list) else None
        if fen is not None:
            total += fen
            continue
        if _blank(case_type):
            if _blank(stage) or _is_header_or_total(stage, "诉讼阶段"):
                continue
            raise UdfError(f"区域第{i}行：填写了诉讼阶段，但案件类型为空")
        if _is_header_or_total(case_type, "案件类型"):
            continue
        stage_text = "" if _blank(stage) else clean_text(stage)
        try:
            if subsidy_range(chosen, clean_text(case_type), stage_text)[2]:
                raise UdfError(f"“{clean_text(case_type)}”按日计价，需要值班天数，请用“计算补贴”按钮")
            fen = subsidy_fen(chosen, clean_text(case_type), stage_text, level_text)
        except UdfError as exc:
            raise UdfError(f"区域第{i}行：{exc}") from None
        if isinstance(case_type, str):
            priced[(case_type, stage)] = fen
        total += fen
    return _yuan(total)


FUND_ITEMS = {"缺口": "gap", "覆盖率": "coverage_percent", "倍数": "multiple"}


@udf
def LA_FUND_GAP(required, fund, item="缺口"):
    """所需补贴与专项经费对比：缺口（元，正数为不足）、覆盖率（%）或所需为经费的倍数。

    required: 所需补贴金额，如 1104000 或“110.4万”
    fund: 专项经费金额，如 460000 或“46万元”
    item: 返回哪一项：缺口（默认）、覆盖率、倍数
    """
    comparison = compare_fund(_amount(required, "所需补贴"), _amount(fund, "专项经费"))
    key = FUND_ITEMS.get(compact(_text_arg(item) or "缺口"))
    if key is None:
        raise UdfError(f"项目应为 {'、'.join(FUND_ITEMS)}")
    value = getattr(comparison, key)
    if value is None:
        raise UdfError("金额为0，无法计算" + ("覆盖率" if key == "coverage_percent" else "倍数"))
    return _number(value)


@udf
def LA_SHARE(part, whole, decimals=2):
    """占比（%）= 部分 ÷ 整体 × 100，按 Excel 的 ROUND 四舍五入（0.125 → 0.13）。

    part: 部分的金额或数量
    whole: 整体的金额或数量
    decimals: 保留的小数位数，默认 2
    """
    places = _int_arg(decimals, "小数位数", 0, 10, 2)
    whole_amount = _amount(whole, "整体")
    if whole_amount == 0:
        raise UdfError("整体为0，无法计算占比")
    return _number(round_half_up(_amount(part, "部分") / whole_amount * 100, places))


@udf
def LA_CHECK_SUM(total, parts, tolerance=0):
    """核对合计数：合计等于各项之和时显示“相符”，否则显示相差多少。空格跳过，文字金额（如 1,500元）可识别。

    total: 合计数所在的单元格
    parts: 各分项所在的区域
    tolerance: 允许的误差，默认 0（须完全相等）；保留两位小数的表可填 0.005
    """
    total_amount = _amount(total, "合计")
    allowed = Decimal(0) if _blank(_scalar(tolerance) if tolerance is not None else None) \
        else abs(_amount(tolerance, "允许误差"))
    parts_sum = Decimal(0)
    for i, cell in enumerate(_flat(parts), start=1):
        if _blank(cell):
            continue
        try:
            parts_sum += parse_amount(cell)
        except ValueError as exc:
            raise UdfError(f"分项区域第{i}格：{exc}") from None
    difference = total_amount - parts_sum
    if abs(difference) <= allowed:
        return "相符"
    return (f"不符：合计 {_plain(total_amount)}，各项之和 {_plain(parts_sum)}，"
            f"合计{'多' if difference > 0 else '少'} {_plain(abs(difference))}")


def _plain(amount: Decimal) -> str:
    return f"{amount.normalize():,f}" if amount == amount.to_integral_value() else f"{amount.normalize():f}"


@udf
def LA_TO_YUAN(text, unit="元"):
    """把写成文字的金额换算为元：“0.15万”→1500，“1,500元”→1500，“一千五百”→1500，“１５００”→1500。

    text: 金额文字或数字
    unit: 不带单位的数字按什么单位理解：元（默认）或 万元
    """
    unit_text = compact(_text_arg(unit) or "元")
    default_unit = {"元": Decimal(1), "万元": WAN, "万": WAN}.get(unit_text)
    if default_unit is None:
        raise UdfError("单位应为 元 或 万元")
    value = _scalar(text)
    if _blank(value):
        return ""
    return _number(_amount(value, "金额", default_unit))


@udf
def LA_ID_CHECK(id_number):
    """核对身份证号（国家标准 GB 11643：位数、出生日期、校验位）：正确时显示“正确”，否则显示问题。不显示号码本身。

    id_number: 身份证号所在的单元格（应设为文本格式）
    """
    value = _scalar(id_number)
    if _blank(value):
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value) and value >= 1e14:
        return "身份证号被存成了数字，末几位已丢失：请把单元格设为文本后重新输入"
    problem = id_problem(value)
    return "正确" if problem is None else problem


@udf(two_d=("ledger",))
def LA_STATS(ledger, period=None):
    """台账统计表（与“填写统计表”按钮口径相同，按指派日期归入期间）：选中含表头的整个台账区域，返回各统计项目、单位和数值（溢出为三列）。

    ledger: 台账区域，含表头，如 A1:R1000
    period: 统计期间：2023（年）、2023Q1（季度）、2023-03（月），或该月中的一个日期；默认为案件最多的年份
    """
    from toolkit.stats.compute import build_report, default_catalog, default_period

    rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in (ledger if isinstance(ledger, (list, tuple))
                                                                      else [[ledger]])]
    try:
        parsed = parse_ledger(RawSheet("台账", rows))
    except InputError as exc:  # the sheet name would be made up: say only what is wrong
        raise UdfError(exc.message) from None
    chosen = period_value(_scalar(period) if period is not None else None)
    if chosen is None and len(parsed.cases):
        chosen = default_period(parsed.cases["指派日期"])
    if chosen is None:
        raise UdfError("台账中没有指派日期，无法确定统计期间：请给出第二个参数，如 2023")
    catalog = default_catalog()
    report = build_report(parsed.cases, None, chosen, catalog=catalog)
    table: list[list] = [["项目", "单位", "数值"], ["统计期间", "", report.period.label]]
    for spec in catalog.stats:
        value = report.values.get(spec.key)
        if value is not None:
            table.append([spec.name, spec.unit, _number(value) if isinstance(value, Decimal) else value])
    undated = int(parsed.cases["指派日期"].isna().sum()) if len(parsed.cases) else 0
    table.append(["未填指派日期、未计入的行", "行", undated])
    table.append(["有错误、未计入的行", "行", len(parsed.excluded)])
    return table
