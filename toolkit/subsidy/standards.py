"""Subsidy standards as data: a TOML file per province shipped in the package, completed or overridden by the
centre's own 补贴标准 sheet."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib import resources
from pathlib import Path

from toolkit.base.errors import InputError
from toolkit.base.sheet import RawSheet
from toolkit.base.money import parse_amount
from toolkit.base.text import clean_text, compact, header_key
from toolkit.ledger.vocab import Vocabulary, default_vocabulary, lookup

DEFAULT_STANDARD = "湖南"
PER_CASE, PER_DAY = "件", "日"
MULTI_STAGE = {"sum": "各阶段累加", "max": "取最高阶段"}

# The 补贴标准 sheet: the adjustment names a centre writes → the standard's keys
ADJUSTMENT_NAMES = {
    "优秀上浮比例": "excellent_percent",
    "不合格支付金额": "poor_amount",
    "异地办案加付": "out_of_area",
    "每增加一名受援人加付": "extra_person",
    "附带民事加付": "incidental_civil",
    "速裁计价阶段": "summary_procedure_stage",
    "多阶段计算": "multi_stage",
}
RATE_HEADERS = {"案件类型": "case_type", "诉讼阶段": "stage", "计价单位": "per", "最低标准": "min", "最高标准": "max",
                "最低": "min", "最高": "max"}


@dataclass(frozen=True)
class Rate:
    """The range paid for one (case type, stage), per case or per duty day, in 元."""

    case_type: str
    stage: str            # "" for matters without stages
    per: str              # 件 or 日
    min: Decimal
    max: Decimal
    source: str           # where it came from: the standard file or the user's sheet


@dataclass(frozen=True)
class Adjustments:
    """Rules applied on top of the base rate (all optional)."""

    excellent_percent: Decimal | None = None
    poor_amount: Decimal | None = None
    out_of_area: Decimal | None = None
    extra_person: Decimal | None = None
    incidental_civil: Decimal | None = None
    summary_procedure_stage: str | None = None


@dataclass(frozen=True)
class Standard:
    """A subsidy standard: rates per (type, stage), the multi-stage rule and adjustments."""

    name: str
    rates: dict[tuple[str, str], Rate]
    multi_stage: str = "sum"
    adjustments: Adjustments = field(default_factory=Adjustments)
    sources: tuple[str, ...] = ()
    # matters a flat local amount per case (--level 1800) does not re-price: they keep their own standard
    own_standard_types: tuple[str, ...] = ()

    def rate(self, case_type: str, stage: str = "") -> Rate | None:
        return self.rates.get((case_type, stage or ""))


def _standard_files() -> list[Path]:
    folder = resources.files("toolkit.data").joinpath("standards")
    return sorted(Path(str(p)) for p in folder.iterdir() if str(p).endswith(".toml"))


def available_standards() -> dict[str, Path]:
    """Shipped standards by every name they answer to."""
    result = {}
    for path in _standard_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for name in [data["name"], path.stem, *data.get("names", [])]:
            result[compact(name)] = path
    return result


def _display_name(path: Path) -> str:
    """The name a clerk types for a shipped standard: its first Chinese alias ('湖南'), not the file name."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return next((n for n in data.get("names", []) if not n.isascii()), data.get("name", path.stem))


def load_standard(name_or_file: str | None = None, vocab: Vocabulary | None = None) -> Standard:
    """A shipped standard by name ('湖南') or a TOML file of the same form."""
    name_or_file = name_or_file or DEFAULT_STANDARD
    path = Path(name_or_file)
    if not (path.suffix.lower() == ".toml" and path.exists()):
        shipped = available_standards()
        path = shipped.get(compact(name_or_file))
        if path is None:
            names = sorted({_display_name(p) for p in shipped.values()})
            raise InputError(f"没有名为“{name_or_file}”的补贴标准。可用：{'、'.join(names)}，或给出 .toml 标准文件的路径。")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"补贴标准文件格式有误：{exc}", file=path.name) from None
    return standard_from_data(data, path.name, vocab)


def standard_from_data(data: dict, source: str, vocab: Vocabulary | None = None) -> Standard:
    """Build a Standard from the parsed TOML structure, checking every name against the vocabulary."""
    vocab = vocab or default_vocabulary()
    rates = {}
    for i, item in enumerate(data.get("rate", []), start=1):
        rate = _rate(item.get("case_type"), item.get("stage"), item.get("per", PER_CASE), item.get("min"),
                     item.get("max"), vocab, where=f"{source} 第{i}条 rate", source=source)
        rates[(rate.case_type, rate.stage)] = rate
    adjustments = _adjustments(data.get("adjustments", {}), vocab, source)
    multi = data.get("multi_stage", "sum")
    if multi not in MULTI_STAGE:
        raise InputError(f"multi_stage 应为 sum 或 max，此处为“{multi}”。", file=source)
    own = []
    for name in data.get("flat_level_keeps_own_standard", []):
        canonical = lookup(vocab.case_types, name)
        if canonical is None:
            raise InputError(f"flat_level_keeps_own_standard 中无法识别的案件类型“{name}”。", file=source)
        own.append(canonical)
    return Standard(data.get("name", source), rates, multi, adjustments, (source,), tuple(own))


def _rate(case_type, stage, per, low, high, vocab, where, source) -> Rate:
    canonical_type = lookup(vocab.case_types, case_type) if case_type else None
    if canonical_type is None:
        raise InputError(f"{where}：无法识别的案件类型“{case_type}”。")
    canonical_stage = ""
    if stage and clean_text(stage):
        canonical_stage = lookup(vocab.stages, stage)
        if canonical_stage is None:
            raise InputError(f"{where}：无法识别的诉讼阶段“{stage}”。")
    per = clean_text(per) or PER_CASE
    per = {"件": PER_CASE, "按件": PER_CASE, "次": PER_CASE, "日": PER_DAY, "天": PER_DAY, "按日": PER_DAY}.get(per)
    if per is None:
        raise InputError(f"{where}：计价单位应为“件”或“日”。")
    try:
        low_amount = parse_amount(low)
        high_amount = parse_amount(high) if high not in (None, "") else low_amount
    except ValueError as exc:
        raise InputError(f"{where}：{exc}。") from None
    if low_amount is None:
        raise InputError(f"{where}：缺少最低标准金额。")
    if high_amount < low_amount:
        raise InputError(f"{where}：最高标准 {high_amount} 低于最低标准 {low_amount}。")
    return Rate(canonical_type, canonical_stage, per, low_amount, high_amount, source)


def _adjustments(data: dict, vocab: Vocabulary, source: str) -> Adjustments:
    values = {}
    for key, value in data.items():
        if key not in Adjustments.__dataclass_fields__:
            raise InputError(f"未知的调整项“{key}”。可用：{'、'.join(Adjustments.__dataclass_fields__)}。", file=source)
        if key == "summary_procedure_stage":
            stage = lookup(vocab.stages, value)
            if stage is None:
                raise InputError(f"速裁计价阶段“{value}”不是诉讼阶段。", file=source)
            values[key] = stage
        else:
            try:
                amount = parse_amount(str(value).rstrip("%％")) if key == "excellent_percent" else parse_amount(value)
            except ValueError as exc:
                raise InputError(f"调整项“{key}”：{exc}。", file=source) from None
            values[key] = amount
    return Adjustments(**values)


def apply_sheet(standard: Standard, sheet: RawSheet, file: str | None = None,
                vocab: Vocabulary | None = None) -> Standard:
    """The standard completed/overridden by the user's 补贴标准 sheet (rates block and 调整项 block)."""
    vocab = vocab or default_vocabulary()
    rates = dict(standard.rates)
    adjustments = {k: v for k, v in standard.adjustments.__dict__.items()}
    multi = standard.multi_stage
    columns = None
    for r, row in enumerate(sheet.rows):
        keys = [header_key(v) for v in row]
        if "案件类型" in keys:
            columns = {RATE_HEADERS[k]: c for c, k in enumerate(keys) if k in RATE_HEADERS}
            continue
        if "调整项" in keys:
            columns = "adjustments"
            continue
        cells = [clean_text(v) for v in row]
        if not any(cells):
            continue
        where = f"“{sheet.name}”工作表第{r + 1}行"
        if columns == "adjustments":
            name = compact(cells[0])
            key = ADJUSTMENT_NAMES.get(name)
            if key is None:
                raise InputError(f"未知的调整项“{cells[0]}”。可用：{'、'.join(ADJUSTMENT_NAMES)}。",
                                 file=file, sheet=sheet.name, row=r + 1)
            value = row[1] if len(row) > 1 else None
            if key == "multi_stage":
                multi = {"累加": "sum", "各阶段累加": "sum", "最高": "max", "取最高阶段": "max"}.get(compact(value), "")
                if not multi:
                    raise InputError("“多阶段计算”应填“累加”或“最高”。", file=file, sheet=sheet.name, row=r + 1)
                continue
            try:
                parsed = _adjustments({key: _percent_text(value) if key == "excellent_percent" else value},
                                      vocab, sheet.name)
            except InputError as exc:
                raise InputError(exc.message, file=file, sheet=sheet.name, row=r + 1, column="数值") from None
            adjustments[key] = getattr(parsed, key)
        elif isinstance(columns, dict):
            get = lambda k: row[columns[k]] if k in columns and columns[k] < len(row) else None  # noqa: E731
            try:
                rate = _rate(get("case_type"), get("stage"), get("per"), get("min"), get("max"), vocab, where,
                             source=f"{sheet.name}工作表")
            except InputError as exc:
                raise InputError(exc.message, file=file, sheet=sheet.name, row=r + 1) from None
            rates[(rate.case_type, rate.stage)] = rate
    if columns is None:
        raise InputError("“补贴标准”工作表中找不到含“案件类型”的表头行。", file=file, sheet=sheet.name)
    return replace(standard, rates=rates, multi_stage=multi, adjustments=Adjustments(**adjustments),
                   sources=standard.sources + (f"{sheet.name}工作表",))


def _percent_text(value):
    """'20%' or 0.2 (a cell formatted as %) → 20."""
    if isinstance(value, float) and 0 < value < 1:
        return parse_amount(value) * 100
    return clean_text(value).rstrip("%％")
