"""A fourth corpus for `legalaid validate`, built on tests/budget_corpus_fresh.py: the variants the fresh corpus left
out, written the way county units keep and publish their 部门决算公开表.

- 三公 tables laid out across: the items as columns (合计 | 因公出国（境）费 | 公务用车购置及运行费 (小计 | 公务用车购置费 |
  公务用车运行费) | 公务接待费), one row of 预算数 and one of 决算数 under a 项目 column, with or without a 栏次 row,
  with or without the 小计 column, 公务接待费 before 公务用车, "（境）费用" / "运行维护费" wording; zeros written
  "-", "—", "——", "－" or left blank, mixed within one table.
- Units: a whole table written in 万元 under a 元 header — in a 元 set (the other tables show the same items ×10000,
  exact evidence: an error), alone in a workbook or in a set all of whose unit lines say 元 (no other table to
  compare: the figures are implausibly small for a county centre's budget, a warning that says what was assumed).
- .xls (Excel 97–2003) copies of consistent and planted workbooks, with number formats, merged headers, indents and
  hidden rows, as units keep them.

Each planted case records where its slip must be reported and with which severity. Run as a script to write the
workbooks (`python tests/budget_corpus_variants.py OUT`) or to measure precision / recall per slip kind
(`python tests/budget_corpus_variants.py --measure`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from decimal import ROUND_HALF_UP

from budget_corpus_fresh import (D, SANGONG_ACTUAL, SANGONG_BUDGET, STYLES, UNIT, Case, Sheet, Style, bump, head,
                                 hits, locate, planted_cases, public_set, table03)

# ---------------------------------------------------------------- 三公 across, with a 项目 column

SANGONG_LAST = (D(0), D(0), D("24000.00"), D("4000.00"))     # 上年决算数: 出国, 购置, 运行, 接待


@dataclass(frozen=True)
class Across:
    """How a unit lays its 三公 table out across."""

    marks: bool = False              # a 栏次 row (1, 2, 3 …) under the header
    subtotal: bool = True            # 公务用车购置及运行费 has its own 小计 column
    hosting_first: bool = False      # 公务接待费 before 公务用车购置及运行费
    wording: int = 0                 # 0: 因公出国（境）费 / 公务用车运行费; 1: （境）费用 / 运行维护费, half-width brackets
    zeros: tuple = ()                # zero marks used in turn ("-", "—", None …); () = the style's own
    rows: tuple = ("预算数", "决算数")
    change: str = ""                 # "%" / "number": 上年决算数 | 本年决算数 rows, then 增减金额 and 增减幅度 rows
    years: bool = False              # those rows named by year (2023年决算数 | 2024年决算数 | 增减额 | 增长率（%）)


def across_table(st: Style, s: Sheet, lay: Across) -> Sheet:
    """公开07表 with the items as columns and one row per 预算数 / 决算数."""
    abroad = "因公出国(境)费用" if lay.wording else "因公出国（境）费"
    car = "公务用车购置及运行维护费" if lay.wording else "公务用车购置及运行费"
    run = "公务用车运行维护费" if lay.wording else "公务用车运行费"
    car_cols = (["小计"] if lay.subtotal else []) + ["公务用车购置费", run]
    items = [("合计", None), (abroad, None)]
    car_part = [(car, c) for c in car_cols]
    items += ([("公务接待费", None)] + car_part) if lay.hosting_first else (car_part + [("公务接待费", None)])
    width = 1 + len(items)
    head(s, f"{UNIT}2024年度一般公共预算财政拨款“三公”经费支出决算表", "公开07表", width, st)
    r0 = s.add("项目", *[g for g, _ in items])
    s.add(None, *[sub for _, sub in items])
    s.merge(r0, 1, r0 + 1, 1)
    for i, (g, sub) in enumerate(items, 2):
        if sub is None:
            s.merge(r0, i, r0 + 1, i)
        elif i == 2 or items[i - 3][0] != g:
            s.merge(r0, i, r0, i + len(car_cols) - 1)
    if lay.marks:
        s.add("栏次", *[str(i) for i in range(1, len(items) + 1)])
    zeros = iter(lay.zeros * 20)
    rows = (("2023年决算数", "2024年决算数") if lay.years else ("上年决算数", "本年决算数") if lay.change else lay.rows)
    per_row = []
    for label, (a, b, r, c) in zip(rows, (SANGONG_LAST, SANGONG_ACTUAL) if lay.change else
                                   (SANGONG_BUDGET, SANGONG_ACTUAL)):
        figures = {"合计": a + b + r + c, abroad: a, "公务接待费": c, "小计": b + r, "公务用车购置费": b, run: r}
        per_row.append([figures[sub or g] for g, sub in items])
        cells = []
        for v in per_row[-1]:
            if v == 0 and lay.zeros:
                cells.append(next(zeros))
            else:
                cells.append(st(v))
        s.add(label, *cells)
    if lay.change:
        last, this = per_row
        s.add("增减额" if lay.years else "增减金额",
              *[st(t - x) if t - x or not lay.zeros else next(zeros) for x, t in zip(last, this)])
        rates = []
        for x, t in zip(last, this):
            q = ((t - x) / x * 100).quantize(D("0.01"), ROUND_HALF_UP) if x else None
            rates.append("—" if q is None else f"{q}%" if lay.change == "%" else float(q))
        s.add("增长率（%）" if lay.years else "增减幅度", *rates)
    s.add("注：“三公”经费为一般公共预算财政拨款安排的支出；本单位2024年度无因公出国（境）费和公务用车购置费支出。")
    return s


def across_set(st: Style, lay: Across) -> list[Sheet]:
    """The nine tables with 公开07表 laid out across (one per sheet or stacked on one)."""
    sheets = public_set(st)
    if st.one_sheet:
        s = sheets[0]
        r = next(i for i, row in enumerate(s.rows) if row and isinstance(row[0], str) and "“三公”经费" in row[0])
        end = next(i for i in range(r + 1, len(s.rows)) if not s.rows[i] and not s.rows[i + 1])
        part = across_table(st, Sheet("tmp"), lay)
        old = end - r
        s.rows[r:end] = part.rows
        shift = len(part.rows) - old
        kept = [m for m in s.merges if not r < m[0] <= end]
        s.merges = [(a + shift, b, c + shift, d) if a > end else (a, b, c, d) for a, b, c, d in kept] + \
            [(a + r, b, c + r, d) for a, b, c, d in part.merges]
        s.hidden = {h + shift if h > end else h for h in s.hidden}
        return sheets
    return [across_table(st, Sheet("公开07表"), lay) if s.name == "公开07表" else s for s in sheets]


ACROSS = {
    "三公横排_元_长横杠": (Style("元", 2, zero="—"), Across()),
    "三公横排_栏次_万元_混合零": (Style("万元", 2, zero="-"), Across(marks=True, zeros=("-", "—", None, "－"))),
    "三公横排_无小计_元_文本": (Style("元", 2, text=True, zero="——"), Across(subtotal=False, wording=1)),
    "三公横排_接待在前_万元四位_一张工作表": (Style("万元", 4, zero="—", one_sheet=True),
                                   Across(hosting_first=True, zeros=("—", None))),
    "三公横排_上年本年_万元": (Style("万元", 2, zero="0.00"), Across(rows=("年初预算数", "本年决算数"), wording=1)),
    "三公横排_增减率文本_元": (Style("元", 2, zero="-"), Across(change="%", zeros=("-", None))),
    "三公横排_增减率数字_万元": (Style("万元", 2, zero="—"), Across(change="number", marks=True)),
    "三公横排_按年份_无小计_元": (Style("元", 2, zero="——"), Across(change="number", years=True, subtotal=False)),
}


# ---------------------------------------------------------------- cases


@dataclass
class Variant:
    """A workbook of this corpus: the sheets (a fresh-corpus Case), how to save it, the slips planted in it."""

    case: Case
    xls: bool = False
    kind: str = ""                                        # "" = consistent
    planted: list[str] = field(default_factory=list)      # "表!C7|表!D9"
    severity: str = "error"                               # of every planted finding

    @property
    def name(self) -> str:
        return self.case.name + ("（xls）" if self.xls else "")

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.name}.{'xls' if self.xls else 'xlsx'}"
        return write_xls(self.case, path) if self.xls else self.case.write(path)


def write_xls(case: Case, path: Path) -> Path:
    """The case as an Excel 97–2003 workbook (xlwt): number formats, merged headers, indents, hidden rows."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    number = xlwt.easyxf(num_format_str=case.style.number_format)
    indented = {n: xlwt.easyxf(f"align: indent {n}") for n in range(1, 4)}
    for s in case.sheets:
        ws = book.add_sheet(s.name)
        merged_tail = {(r, c) for r0, c0, r1, c1 in s.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                       if (r, c) != (r0, c0)}
        for r, row in enumerate(s.rows, 1):
            for c, v in enumerate(row, 1):
                if v is None or (r, c) in merged_tail:
                    continue
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write(r - 1, c - 1, v, number)
                elif isinstance(v, str) and v.startswith("\u3000") and not v.strip("\u3000") == "":
                    level = len(v) - len(v.lstrip("\u3000"))
                    ws.write(r - 1, c - 1, v.lstrip("\u3000"), indented[min(level, 3)])
                else:
                    ws.write(r - 1, c - 1, v)
        for r0, c0, r1, c1 in s.merges:
            ws.merge(r0 - 1, r1 - 1, c0 - 1, c1 - 1)
        for r in s.hidden:
            ws.row(r - 1).hidden = True
    book.save(str(path))
    return path


def _sangong_cells(case: Case, label: str, item: str, sub: str | None = None) -> str:
    """"表!F12": the cell of the 三公 row `label` (决算数 …) under item (and sub-item) of an across table."""
    s, r0 = locate(case, "公开07表")
    header = next(r for r in range(r0, len(s.rows) + 1) if s.rows[r - 1] and s.rows[r - 1][0] == "项目")
    top, below = s.rows[header - 1], s.rows[header]
    group = None
    for c in range(2, len(top) + 1):
        group = top[c - 1] or group
        name = below[c - 1] if c - 1 < len(below) else None
        if group == item and (sub is None or name == sub):
            row = next(r for r in range(header + 1, len(s.rows) + 1) if s.rows[r - 1] and s.rows[r - 1][0] == label)
            return f"{s.name}!{get_column_letter(c)}{row}"
    raise KeyError((item, sub))


def _horizontal_cell(case: Case, column: int) -> str:
    """"表!I12": the figure in `column` (1-based) of the standard 三公 table without a 项目 column (预算数 in 1–6,
    决算数 in 7–12: 合计, 因公出国（境）费, 小计, 购置费, 运行费, 公务接待费)."""
    s, r0 = locate(case, "公开07表")
    marks = next(r for r in range(r0, len(s.rows) + 1) if s.rows[r - 1][:2] == ["1", "2"])
    return f"{s.name}!{get_column_letter(column)}{marks + 1}"


HORIZONTAL = {      # the standard 公开07表 (no 项目 column), zeros as dashes or blank
    "三公一行_万元_长横杠": Style("万元", 2, zero="—"),
    "三公一行_元_文本_全角横杠": Style("元", 2, text=True, zero="－"),
    "三公一行_万元_空白零_一张工作表": Style("万元", 2, one_sheet=True),
}


def _unit_cell(case: Case, table: str) -> str:
    """"表!H3": the cell stating the unit of one table (金额单位：元 / 单位:元 / the title carrying it)."""
    s, r0 = locate(case, table)
    for r in range(r0, len(s.rows) + 1):
        for c, v in enumerate(s.rows[r - 1], 1):
            if isinstance(v, str) and (v.startswith(("金额单位", "单位")) or "（单位：" in v):
                return f"{s.name}!{get_column_letter(c)}{r}"
    raise KeyError(table)


def _relabel(sheets: list[Sheet], unit: str, only: str | None = None):
    """Every unit statement of the sheets (or of the table `only`) made to say `unit`."""
    for s in sheets:
        if only and s.name != only:
            continue
        for row in s.rows:
            for i, v in enumerate(row):
                if isinstance(v, str) and ("单位：" in v or "单位:" in v):
                    row[i] = v.replace("万元", unit) if "万元" in v else v


def indented_budget(st: Style, equipment: str = "24.00") -> list[Sheet]:
    """A 支出预算表 whose labels carry no numbering or codes: the hierarchy is the cells' indent only (in the .xls,
    Excel's 增加缩进量; in an .xlsx, leading full-width spaces)."""
    s = Sheet("支出预算")
    s.add(f"{UNIT}2025年支出预算表")
    s.add("单位：万元")
    s.add("项目", "预算数")
    for label, level, v in (("合计", 0, "250.00"), ("基本支出", 1, "180.00"), ("人员经费", 2, "150.00"),
                            ("公用经费", 2, "30.00"), ("项目支出", 1, "70.00"), ("法律援助办案补贴", 2, "46.00"),
                            ("业务装备购置", 2, equipment)):
        s.add("\u3000" * level + label, float(v))
    return [s]


def consistent_variants() -> list[Variant]:
    out = [Variant(Case(name, across_set(st, lay), st)) for name, (st, lay) in ACROSS.items()]
    out += [Variant(Case(name, public_set(st), st)) for name, st in HORIZONTAL.items()]
    for name in ("万元_两位_空白零", "元_文本千分位_零为0.00_分列编码", "万元_一张工作表", "司法局式_万元_标题带单位"):
        out.append(Variant(Case(name, public_set(STYLES[name]), STYLES[name]), xls=True))
    st, lay = ACROSS["三公横排_元_长横杠"]
    out.append(Variant(Case("三公横排_元_长横杠", across_set(st, lay), st), xls=True))
    # a 支出决算表 in 元 that says so, in a 万元 set: not a slip (also as .xls)
    st = STYLES["万元_分列编码_隐藏零行_单位另行"]
    out.append(Variant(Case("万元_支出表为元_分列", public_set(st, "元", "元"), st), xls=True))
    out.append(Variant(Case("缩进层级预算表", indented_budget(Style("万元", 2)), Style("万元", 2)), xls=True))
    return out


def planted_variants() -> list[Variant]:
    out: list[Variant] = []
    # 三公 across: the 决算数 合计 typed wrong; the 公务用车 小计 typed wrong (it breaks both 合计 and 小计 = 购置 + 运行)
    for name, (st, lay) in ACROSS.items():
        actual = "2024年决算数" if lay.years else "本年决算数" if lay.change else lay.rows[1]
        c = Case(f"{name}·三公合计错", across_set(st, lay), st, "三公合计错")
        s, _ = locate(c, "公开07表")
        at = _sangong_cells(c, actual, "合计")
        a1 = at.split("!")[1]
        s.set(a1, bump(s.get(a1), D("1000.00"), st))
        out.append(Variant(c, kind="三公合计错", planted=[at]))

        c = Case(f"{name}·三公分项错", across_set(st, lay), st, "三公分项错")
        s, _ = locate(c, "公开07表")
        car = "公务用车购置及运行维护费" if lay.wording else "公务用车购置及运行费"
        run = "公务用车运行维护费" if lay.wording else "公务用车运行费"
        at = _sangong_cells(c, actual, car, "小计" if lay.subtotal else run)
        a1 = at.split("!")[1]
        s.set(a1, bump(s.get(a1), D("-2000.00"), st))
        # without a 小计 column, only 合计 = Σ breaks: the 运行费 cell or the 合计 may be the wrong one
        planted = at if lay.subtotal else f"{at}|{_sangong_cells(c, actual, '合计')}"
        out.append(Variant(c, kind="三公分项错", planted=[planted]))

    for name, (st, lay) in ACROSS.items():     # 增减幅度 of 公务接待费 typed wrong (a rate row: never summed)
        if not lay.change:
            continue
        c = Case(f"{name}·三公增减幅度错", across_set(st, lay), st, "三公增减幅度错")
        s, _ = locate(c, "公开07表")
        at = _sangong_cells(c, "增长率（%）" if lay.years else "增减幅度", "公务接待费")
        a1 = at.split("!")[1]
        s.set(a1, "-12.00%" if lay.change == "%" else -12.0)
        out.append(Variant(c, kind="三公增减幅度错", planted=[at]))

    for name, st in HORIZONTAL.items():       # the standard layout without a 项目 column: 决算数 合计, 小计
        for kind, column, delta in (("三公合计错", 7, "1000.00"), ("三公分项错", 9, "-2000.00")):
            c = Case(f"{name}·{kind}", public_set(st), st, kind)
            at = _horizontal_cell(c, column)
            s, _ = locate(c, "公开07表")
            a1 = at.split("!")[1]
            s.set(a1, bump(s.get(a1), D(delta), st))
            out.append(Variant(c, kind=kind, planted=[at]))

    # a whole 支出决算表 in 万元 under 金额单位：元, in a 元 set: the other tables show the same items ×10000
    for name in ("元_文本千分位_零为0.00_分列编码", "元_一张工作表_分列_横杠", "司法局式_元_文本_一张工作表"):
        st = STYLES[name]
        c = Case(f"{name}·支出表万元标元", public_set(st, spend_unit="万元", declared="元"), st, "整表万元标元（跨表）")
        out.append(Variant(c, kind="整表万元标元（跨表）", planted=[_unit_cell(c, "公开03表")]))
    st, lay = ACROSS["三公横排_元_长横杠"]
    sheets = across_set(st, lay)
    sheets[2] = table03(st, Sheet("公开03表"), "万元", "元")
    c = Case("三公横排_元_长横杠·支出表万元标元", sheets, st, "整表万元标元（跨表）")
    out.append(Variant(c, kind="整表万元标元（跨表）", planted=[_unit_cell(c, "公开03表")]))
    out.append(Variant(c, xls=True, kind="整表万元标元（跨表）", planted=[_unit_cell(c, "公开03表")]))

    # no other table to compare: the 支出决算表 alone, in 万元 but saying 元 (2 or 4 decimals)
    for name in ("万元_两位_空白零", "万元_四位_横杠零_缩进", "司法局式_万元_标题带单位"):
        st = STYLES[name]
        sheets = [s for s in public_set(st) if s.name == "公开03表"]
        _relabel(sheets, "元")
        c = Case(f"{name}·单表万元标元", sheets, st, "整表万元标元（无旁证）")
        out.append(Variant(c, kind="整表万元标元（无旁证）", planted=[_unit_cell(c, "公开03表")], severity="warning"))
    # in a 元 set, the 三公 table alone in 万元 under 单位：元: no other table shows its items, a warning
    st, lay = ACROSS["三公横排_元_长横杠"]
    sheets = across_set(st, lay)
    sheets[6] = across_table(st.like(unit="万元"), Sheet("公开07表"), lay)
    _relabel([sheets[6]], "元")
    c = Case("三公横排_元_长横杠·三公表万元标元", sheets, st, "整表万元标元（无旁证）")
    out.append(Variant(c, kind="整表万元标元（无旁证）", planted=[_unit_cell(c, "公开07表")], severity="warning"))

    # a whole set in 万元 whose every unit line says 元: one warning at each table's unit line
    st = STYLES["万元_两位_空白零"]
    sheets = public_set(st)
    _relabel(sheets, "元")
    c = Case("万元_两位_空白零·整套万元标元", sheets, st, "整表万元标元（无旁证）")
    tables = [f"公开0{i}表" for i in range(1, 8)]
    out.append(Variant(c, kind="整表万元标元（无旁证）", planted=[_unit_cell(c, t) for t in tables],
                       severity="warning"))

    # a detail line of an .xls budget nested by indent only, typed 0.3 too high: found at its parent by the indents
    c = Case("缩进层级预算表·明细错", indented_budget(Style("万元", 2), "24.30"), Style("万元", 2), "缩进层级")
    out.append(Variant(c, xls=True, kind="缩进层级", planted=["支出预算!B8"]))

    # the fresh corpus's slips, saved as .xls (one style in 万元, one in 元 as text with split codes)
    for p in planted_cases():
        if p.name.split("·")[0] in ("万元_两位_空白零", "元_文本千分位_零为0.00_分列编码", "万元_一张工作表"):
            out.append(Variant(p, xls=True, kind=p.kind, planted=list(p.planted)))
    return out


# ---------------------------------------------------------------- measuring


def run_json(path: Path) -> dict:
    """`legalaid validate PATH --json` in process (stdout captured): the JSON document."""
    import contextlib
    import io
    import json

    from toolkit.cli import main as cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["validate", str(path), "--json"])
    text = out.getvalue()
    if code == 2 or not text.strip().startswith("{"):
        return {"errors": -1, "warnings": 0, "findings": [], "failed": (text + err.getvalue()).strip()[:200]}
    return json.loads(text)


def measure(folder: Path) -> list[str]:
    """Per slip kind: found / planted (recall), findings at a planted cell / all findings (precision), and the
    consistent workbooks with any finding."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    clean = consistent_variants()
    bad = [v for v in clean if (lambda d: d["errors"] or d["warnings"])(run_json(v.write(folder)))]
    lines.append(f"consistent: {len(clean) - len(bad)}/{len(clean)} with 0 findings"
                 + (f" (not: {', '.join(v.name for v in bad)})" if bad else ""))
    kinds: dict[str, list[int]] = {}
    for v in planted_variants():
        data = run_json(v.write(folder))
        fs = data["findings"]
        k = kinds.setdefault(v.kind + ("（xls）" if v.xls else ""), [0, 0, 0, 0])
        k[1] += len(v.planted)
        k[0] += sum(1 for e in v.planted if [f["severity"] for f in fs if hits(e, f)] == [v.severity])
        k[2] += sum(1 for f in fs if any(hits(e, f) for e in v.planted))
        k[3] += len(fs)
    for kind, (found, planted, right, total) in kinds.items():
        lines.append(f"{kind}: recall {found}/{planted}, precision {right}/{total}")
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            print("\n".join(measure(Path(tmp))))
    else:
        target = Path(sys.argv[1] if len(sys.argv) > 1 else "budget_corpus_variants")
        target.mkdir(parents=True, exist_ok=True)
        for v in consistent_variants() + planted_variants():
            print(v.write(target), v.planted)
