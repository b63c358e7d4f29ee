"""A rounding corpus for `legalaid validate`: 部门决算公开表 sets whose figures are kept in 元 (cents) and published
rounded cell by cell — to 万元 or 千元 with two decimals, to whole 千元, or in 元 with no rounding at all — for a county
legal aid centre (about 1.6 million 元 a year) and for larger units (a city bureau, a provincial department).

The nine tables come from the round-3 builders (tests/budget_corpus_round3.py): its model of the year is scaled to the
unit's size (every amount of the model multiplied and kept to the cent, remainders recomputed, so the 元 figures add
up exactly) while the tables are built. What this corpus adds (`RoundLook`):

- the unit's software summing what is already rounded (`summed`): in the named tables every 款 line, 类 line and 合计
  is the sum of the rounded lines under it (as an Excel template of SUM formulas over typed-in 项 lines would), and in
  收入支出决算总表 本年收入合计 / 本年支出合计 / 总计 / 年末结转和结余 are summed from its own rounded lines — so the
  same figure in two tables differs by 0.01–0.03 (a 支出决算表 合计 against the 总表's 本年支出合计 rounded from 元);
- a note under every table "本表数据保留两位小数，因四舍五入，分项之和与合计可能存在尾差" (`note`), or none.

Documents that differ only by rounding must draw no error: nothing when the sheets carry the 尾差 note, at most ONE
warning per document (rule 四舍五入尾差) naming the cells otherwise. Planted slips (`planted_cases`) — a wrong digit,
a difference of 0.10, of 1.00, a figure written in 元 in a 万元 table, two digits swapped — must each be found once, as
an error, at the right cell. Run as a script: `python tests/budget_corpus_rounding.py --measure [-v]`.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

import budget_corpus_round3 as r3
from budget_corpus_round3 import Case, Look, Sheet, final_accounts, hits, run_json

D = Decimal
TAIL_NOTE = "注：本表数据保留两位小数，因四舍五入，分项之和与合计可能存在尾差。"
TAIL_RULE = "四舍五入尾差"
SCALE = {"元": D(1), "千元": D(1000), "万元": D(10000)}

# Unit sizes: factors applied to the round-3 model (about 2.73 million 元 of spending). The county centre spends about
# 1.6 million 元; the odd factors spread the cents so that rounded figures carry real tails.
SIZES = {"县中心": D("0.5648"), "市局": D("13.9894"), "省厅": D("68.4874")}


@contextlib.contextmanager
def scaled_model(factor: Decimal):
    """The round-3 model of the year with every amount × `factor`, kept to the cent (while the tables are built)."""
    cent = D("0.01")

    def s(v):
        return None if v is None else (v * factor).quantize(cent, ROUND_HALF_UP)
    saved = {k: getattr(r3, k) for k in ("SPEND", "OTHER_INCOME", "NONFISCAL_USED", "CARRY_USED", "CARRY_IN",
                                         "FISCAL_CARRY_IN", "FUND", "PEOPLE", "PUBLIC", "SANGONG")}
    r3.SPEND = {c: tuple(s(x) for x in v) for c, v in saved["SPEND"].items()}
    for k in ("OTHER_INCOME", "NONFISCAL_USED", "CARRY_USED", "FUND"):
        setattr(r3, k, {c: s(v) for c, v in saved[k].items()})
    r3.CARRY_IN, r3.FISCAL_CARRY_IN = s(saved["CARRY_IN"]), s(saved["FISCAL_CARRY_IN"])
    r3.PEOPLE = [(c, n, s(v)) for c, n, v in saved["PEOPLE"]]
    r3.PUBLIC = [(c, n, s(v)) for c, n, v in saved["PUBLIC"]]
    r3.SANGONG = {k: tuple(s(x) for x in v) for k, v in saved["SANGONG"].items()}
    try:
        yield
    finally:
        for k, v in saved.items():
            setattr(r3, k, v)


@dataclass(frozen=True)
class RoundLook(Look):
    """A round-3 look with the rounding of a published set: the unit (元 / 千元 / 万元) and decimals shown, the
    tables whose totals the unit's software summed from rounded lines, and the 尾差 note."""

    size: str = "县中心"
    decimals: int = 2
    summed: tuple = ()          # table ids ("01", "02", "03", "05", "shares") whose totals are sums of rounded lines
    note: bool = False
    general: bool = False       # figures saved without a number format (General), as some exports do
    shares: bool = False        # two more tables: 支出结构 with 占比, 三公 增减金额 / 增减幅度 (shares and rates from 元)

    def shown(self, yuan: Decimal) -> Decimal:
        """A 元 amount as published: in the look's unit, rounded half up to its decimals."""
        return (yuan / SCALE[self.unit]).quantize(D(1).scaleb(-self.decimals), ROUND_HALF_UP)

    def __call__(self, yuan: Decimal | None, *, zero_ok: bool = True):
        if yuan is None:
            return None
        if yuan == 0 and zero_ok:
            return {"0.00": "0.00" if self.text else 0.0}.get(self.zero, self.zero) if self.zero != 0 else 0
        v = self.shown(yuan)
        if self.text:
            return f"{v:,} "
        return int(v) if self.decimals == 0 else float(v)

    def form(self, shown: Decimal):
        """A figure already in the shown unit, written as the look writes figures."""
        return self(shown * SCALE[self.unit], zero_ok=True)


class RCase(Case):
    """A case written with the number format of its look's decimals."""

    def write(self, path: Path) -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        fmt = "#,##0" if self.look.decimals == 0 else "#,##0." + "0" * self.look.decimals
        for s in self.sheets:
            ws = wb.create_sheet(s.name)
            for r, row in enumerate(s.rows, 1):
                for c, v in enumerate(row, 1):
                    if v is not None:
                        cell = ws.cell(r, c, v)
                        if isinstance(v, (int, float)) and not isinstance(v, bool) and r > 3 and not self.look.general:
                            cell.number_format = fmt
            for r0, c0, r1, c1 in s.merges:
                ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        wb.save(path)
        return path


def value(case: Case, place: str) -> Decimal:
    return r3.parse(case.value(place), case.look)


def put(case: Case, place: str, shown: Decimal):
    case.change(place, case.look.form(shown))


def _sum_subject_table(case: Case, table: str):
    """Every 款, 类 and 合计 of a subject table replaced by the sum of the rounded lines right under it."""
    keys = {(k, col) for s in case.sheets for (t, k, col) in s.at if t == table}
    codes = sorted({k for k, _ in keys if k != "合计" and k.isdigit()})
    cols = sorted({col for _, col in keys if "%" not in col})      # a 完成率 column is never summed
    for col in cols:
        for length in (5, 3):
            for code in [c for c in codes if len(c) == length]:
                kids = [c for c in codes if len(c) == length + 2 and c.startswith(code)]
                if kids:
                    put(case, case.where(table, code, col), sum((value(case, case.where(table, k, col)) for k in kids), D(0)))
        if ("合计", col) in keys:
            top = [c for c in codes if len(c) == 3]
            put(case, case.where(table, "合计", col), sum((value(case, case.where(table, k, col)) for k in top), D(0)))


def _label_cell(sheet: Sheet, label: str, col: int, after: int = 0) -> tuple[int, int] | None:
    for r in range(after, len(sheet.rows)):
        row = sheet.rows[r]
        if col < len(row) and isinstance(row[col], str) and row[col].strip() == label and col + 2 < len(row):
            return r, col + 2
    return None


def _sum_overview(case: Case):
    """收入支出决算总表: 本年收入合计 / 本年支出合计 summed from its rounded lines, 总计 and 年末结转和结余 derived."""
    lk = case.look
    sheet = next(s for s in case.sheets if any(t == "01" for (t, _, _) in s.at))
    start = next(i for i, row in enumerate(sheet.rows) if row and isinstance(row[0], str) and "收入支出决算总表" in row[0]
                 and "财政拨款" not in row[0])
    num = lambda r, c: r3.parse(sheet.rows[r][c], lk)      # noqa: E731
    where_in = _label_cell(sheet, "本年收入合计", 0, start)
    where_out = _label_cell(sheet, "本年支出合计", 3, start)
    first = next(r for r in range(start, len(sheet.rows)) if isinstance(sheet.rows[r][0], str)
                 and sheet.rows[r][0].startswith("一、"))
    income = sum((num(r, 2) for r in range(first, where_in[0]) if sheet.rows[r][0]), D(0))
    spending = sum((num(r, 5) for r in range(first, where_out[0]) if sheet.rows[r][3]), D(0))
    sheet.rows[where_in[0]][2] = lk.form(income)
    sheet.rows[where_out[0]][5] = lk.form(spending)
    used = num(where_in[0] + 1, 2)
    carry_in = num(where_in[0] + 2, 2)
    total = income + used + carry_in
    sheet.rows[where_in[0] + 2][5] = lk.form(total - spending - num(where_out[0] + 1, 5))     # 年末结转和结余
    sheet.rows[where_in[0] + 3][2] = lk.form(total)
    sheet.rows[where_in[0] + 3][5] = lk.form(total)


def _add_notes(sheets: list[Sheet]):
    """The 尾差 note under each table (after its last row; on a shared sheet, under the last table)."""
    for s in sheets:
        s.rows.append([TAIL_NOTE])


def _percent(part: Decimal, whole: Decimal) -> str:
    """A share or rate as the unit's software writes it: from the 元 figures, "56.12%"."""
    return f"{(part / whole * 100).quantize(D('0.01'), ROUND_HALF_UP)}%"


def t_shares(s: Sheet, lk: RoundLook):
    """支出结构情况表: 项目 | 本年决算数 | 占比 (合计, 一、基本支出 with 人员经费 / 公用经费, 二、项目支出), shares
    computed from 元; with `summed`, 合计 and 一、 are sums of the rounded lines."""
    people, office, projects = (r3.tot(r3.SPEND, "", i) for i in range(3))
    whole = people + office + projects
    r3.head(s, "支出结构情况表", "附表1", 3, lk)
    s.add("项目", "本年决算数", "占比")
    shown = {k: lk.shown(v) for k, v in (("1", people), ("2", office), ("二", projects))}
    basic = shown["1"] + shown["2"] if "shares" in lk.summed else lk.shown(people + office)
    total = basic + shown["二"] if "shares" in lk.summed else lk.shown(whole)
    for key, label, figure, yuan in (("合计", "合计", total, whole), ("一", "一、基本支出", basic, people + office),
                                     ("1", "1.人员经费", shown["1"], people), ("2", "2.公用经费", shown["2"], office),
                                     ("二", "二、项目支出", shown["二"], projects)):
        r = s.add(label, lk.form(figure), _percent(yuan, whole))
        s.put("S1", key, {"本年决算数": 0, "占比": 0}, 2, r)


def t_changes(s: Sheet, lk: RoundLook):
    """“三公”经费增减情况表: 项目 | 上年决算数 | 本年决算数 | 增减金额 | 增减幅度, the rate from 元; with `summed`, the
    合计 and 2. lines are sums of the rounded lines and 增减金额 the difference of the rounded figures."""
    now = r3.SANGONG["决算数"]
    last = tuple((v * D("1.0731")).quantize(D("0.01")) for v in now)
    r3.head(s, "“三公”经费增减情况表", "附表2", 5, lk)
    s.add("项目", "上年决算数", "本年决算数", "增减金额", "增减幅度")
    summed = "shares" in lk.summed

    def line(idx):
        a, b = sum((last[i] for i in idx), D(0)), sum((now[i] for i in idx), D(0))
        sa = sum((lk.shown(last[i]) for i in idx), D(0)) if summed else lk.shown(a)
        sb = sum((lk.shown(now[i]) for i in idx), D(0)) if summed else lk.shown(b)
        return a, b, sa, sb
    for key, label, idx in (("合计", "合计", (0, 1, 2, 3)), ("1", "1.因公出国（境）费", (0,)),
                            ("2", "2.公务用车购置及运行费", (1, 2)), ("（1）", "（1）公务用车购置费", (1,)),
                            ("（2）", "（2）公务用车运行费", (2,)), ("3", "3.公务接待费", (3,))):
        a, b, sa, sb = line(idx)
        change = sb - sa if summed else lk.shown(b - a)
        r = s.add(label, lk.form(sa), lk.form(sb), lk.form(change), _percent(b - a, a) if a else "-")
        s.put("S2", key, {"上年决算数": 0, "本年决算数": 0, "增减金额": 0, "增减幅度": 0}, 2, r)


def build(name: str, lk: RoundLook, kind: str = "") -> RCase:
    with scaled_model(SIZES[lk.size]):
        case = RCase(name, final_accounts(lk), lk, kind)
        if lk.shares:
            for sheet_name, make in (("附表1", t_shares), ("附表2", t_changes)):
                extra = Sheet(sheet_name)
                make(extra, lk)
                case.sheets.append(extra)
    for table in lk.summed:
        if table == "01":
            _sum_overview(case)
        elif table != "shares":
            _sum_subject_table(case, table)
    if lk.note:
        _add_notes(case.sheets)
    return case


LOOKS = {
    "县中心_万元_逐格四舍五入": RoundLook(),
    "县中心_万元_软件合计_无尾差注": RoundLook(summed=("01", "02", "03", "05")),
    "县中心_万元_软件合计_有尾差注": RoundLook(summed=("01", "02", "03", "05"), note=True, total_last=True),
    "县中心_万元_支出表软件合计_基本支出分列": RoundLook(summed=("03",), basic_split=True, zero="-"),
    "县中心_元_不四舍五入_软件合计": RoundLook(unit="元", summed=("01", "02", "03", "05"), text=True),
    "市局_万元_软件合计_有尾差注_基本支出分列": RoundLook(size="市局", summed=("01", "03", "05"), note=True,
                                          basic_split=True),
    "市局_千元_两位小数_软件合计": RoundLook(size="市局", unit="千元", summed=("02", "03"), codes="spaced"),
    "市局_千元_整数": RoundLook(size="市局", unit="千元", decimals=0),
    "市局_千元_整数_常规格式_软件合计": RoundLook(size="市局", unit="千元", decimals=0, general=True, summed=("03",)),
    "县中心_万元_年初预算与完成率_软件合计": RoundLook(summed=("05",), budget_columns=True, zero=None),
    "县中心_万元_占比与增减幅度_逐格四舍五入": RoundLook(shares=True),
    "县中心_万元_占比与增减幅度_软件合计": RoundLook(shares=True, summed=("03", "shares")),
    "市局_万元_占比与增减幅度_软件合计_有尾差注": RoundLook(size="市局", shares=True, summed=("01", "shares"), note=True),
    "省厅_万元_占比与增减幅度_软件合计": RoundLook(size="省厅", shares=True, summed=("02", "shares"), codes="spaced"),
    "省厅_万元_文本导出_软件合计_无尾差注": RoundLook(size="省厅", text=True, summed=("01", "03", "05"), codes="split"),
    "省厅_万元_一张工作表_软件合计_有尾差注": RoundLook(size="省厅", one_sheet=True, summed=("01", "02", "03"),
                                         note=True, econ_list=True),
}


def consistent_cases() -> list[RCase]:
    return [build(name, lk) for name, lk in LOOKS.items()]


def _digits(case: Case, place: str, change) -> None:
    """The figure at `place` with its written digits changed by `change(str) -> str`."""
    lk = case.look
    text = format(value(case, place).quantize(D(1).scaleb(-lk.decimals)), "f")
    put(case, place, D(change(text)))


def planted_cases() -> list[RCase]:
    out = []
    for name, lk in LOOKS.items():
        step = D(1).scaleb(-lk.decimals)

        def case(kind):
            c = build(f"{name}·{kind}", lk, kind)
            out.append(c)
            return c

        c = case("错一位数字")          # 2040610 法律援助 spending: its second digit one higher
        p = c.where("03", "2040610", "本年支出合计")
        _digits(c, p, lambda t: t[0] + str((int(t[1]) + 1) % 10) + t[2:])
        c.planted.append(p)

        if lk.decimals:
            c = case("差0.1")           # the 总表's 卫生健康支出 0.10 too high
            p = c.where("01", "卫生健康支出", "金额")
            put(c, p, value(c, p) + D("0.1"))
            c.planted.append(f"{p}|{c.where('03', '210', '本年支出合计')}")

        c = case("差1.00")              # 三公 决算 合计 1.00 too high (10 units in a table of whole 千元)
        p = c.where("07", "合计", "决算数") if lk.sangong_rows else c.where("07", "决算数", "合计")
        put(c, p, value(c, p) + max(D(1), 10 * step))
        c.planted.append(p)

        if lk.unit == "万元":
            c = case("万元表中一格按元填写")
            p = c.where("05", "2101102", "基本支出")
            put(c, p, value(c, p) * 10000)
            c.planted.append(p)

        c = case("数字颠倒")            # 2080505 in 支出决算表: two middle digits swapped
        p = c.where("03", "2080505", "本年支出合计")
        t = format(value(c, p).quantize(step), "f")
        k = next(i for i in range(1, len(t) - 1) if t[i] != t[i + 1] and "." not in t[i:i + 2])
        _digits(c, p, lambda s, k=k: s[:k] + s[k + 1] + s[k] + s[k + 2:])
        c.planted.append(p)
        if lk.shares:
            c = case("占比错")            # 人员经费's share one point too high
            p = c.where("S1", "1", "占比")
            c.change(p, f"{D(c.value(p).rstrip('%')) + 1}%")
            c.planted.append(p)

            c = case("增减幅度错")        # 公务接待费's rate with its sign lost
            p = c.where("S2", "3", "增减幅度")
            c.change(p, c.value(p).lstrip("-"))
            c.planted.append(p)
    return out


def tail_differences(case: Case) -> Decimal:
    """The largest difference between the same class figure in 总表 and 支出决算表 (and their totals), in the unit."""
    worst = D(0)
    for code, name in r3.NAMES.items():
        if len(code) != 3:
            continue
        with contextlib.suppress(KeyError):
            worst = max(worst, abs(value(case, case.where("01", name, "金额")) -
                                   value(case, case.where("03", code, "本年支出合计"))))
    worst = max(worst, abs(value(case, case.where("01", "本年支出合计", "金额")) -
                           value(case, case.where("03", "合计", "本年支出合计"))))
    return worst


def measure(folder: Path, verbose: bool = False, clean=None, planted=None) -> list[str]:
    """Rounding-only documents: errors, warnings other than the one tail note, tail notes (≤ 1 each; none with the 尾差
    note); per slip kind: recall (planted places reported exactly once as an error) and precision (error findings at a
    planted place / all findings other than the tail note)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    clean = consistent_cases() if clean is None else clean
    errors = others = notes = bad_notes = with_errors = 0
    for c in clean:
        data = run_json(c.write(folder / f"{c.name}.xlsx"))
        fs = data["findings"]
        tails = [f for f in fs if f["rule"] == TAIL_RULE]
        errors += sum(f["severity"] == "error" for f in fs)
        with_errors += any(f["severity"] == "error" for f in fs)
        others += sum(f["severity"] != "error" and f["rule"] != TAIL_RULE for f in fs)
        notes += len(tails)
        bad_notes += len(tails) > (0 if c.look.note else 1)
        if verbose and (len(fs) > len(tails) or data.get("failed")):
            lines += [f"  {c.name}: {f['severity']} {f['sheet']}!{f['cell']} {f['message'][:160]}"
                      for f in fs] or [f"  {c.name}: {data.get('failed')}"]
    lines.append(f"rounding only: {len(clean)} documents, {errors} errors (in {with_errors}), {others} other warnings, "
                 f"{notes} tail notes ({bad_notes} documents with more than allowed)")
    kinds: dict[str, list[int]] = {}
    for c in planted_cases() if planted is None else planted:
        data = run_json(c.write(folder / f"{c.name}.xlsx"))
        fs = [f for f in data["findings"] if f["rule"] != TAIL_RULE]
        k = kinds.setdefault(c.kind, [0, 0, 0, 0])
        k[1] += len(c.planted)
        ok = sum(1 for e in c.planted if [f["severity"] for f in fs if hits(e, f)] == ["error"])
        k[0] += ok
        k[2] += sum(1 for f in fs if f["severity"] == "error" and any(hits(e, f) for e in c.planted))
        k[3] += len(fs)
        if verbose and (ok < len(c.planted) or len(fs) > len(c.planted)):
            lines.append(f"  {c.name}: planted {c.planted}")
            lines += [f"    {f['severity']} {f['sheet']}!{f['cell']} {f['message'][:160]}" for f in fs]
    for kind, (found, n, right, total) in kinds.items():
        lines.append(f"{kind}: recall {found}/{n}, precision {right}/{total}")
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            print("\n".join(measure(Path(tmp), verbose="-v" in sys.argv)))
    elif sys.argv[1:2] == ["--tails"]:
        for c in consistent_cases():
            print(c.name, tail_differences(c))
    else:
        target = Path(sys.argv[1] if len(sys.argv) > 1 else "budget_corpus_rounding")
        target.mkdir(parents=True, exist_ok=True)
        for c in consistent_cases() + planted_cases():
            print(c.write(target / f"{c.name}.xlsx"), c.planted)
