"""The statistics workbook as a file: the standard sheets drawn with xlsxwriter (native charts, live formulas), the
user's template filled through XlsxPatch, and the shipped templates. Shell: everything it shows comes from the core
(toolkit.stats.sheets, toolkit.stats.job); this module only draws it.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from toolkit.base.errors import InputError
from toolkit.base.idcard import mask_text
from toolkit.base.layout import row_height, wrapped_lines
from toolkit.io.atomic import write_bytes_atomic
from toolkit.io.excel_read import read_workbook
from toolkit.stats.compute import Catalog, StatsReport, default_catalog, WAN_SUFFIX
from toolkit.stats.templates import plan_template, template_values
from toolkit.stats.evaluation import TARGETS_SHEET, Evaluation, evaluate, parse_targets
from toolkit.stats.sheets import (BELOW_FILL, CASE_MIX_KEYS, EVALUATION_SHEET, FINDINGS_HEADERS, FINDINGS_SHEET,
                                  FIRMS_SHEET, HEADER_FILL, LAWYERS_SHEET, MONTH_KEYS, MONTHS_SHEET, PENDING_FILL,
                                  STATS_HEADERS, STATS_SHEET, BASIS_NOTE, column_header, defined_cells,
                                  evaluation_layout, findings_rows, findings_summary, period_line, stats_table)


# --- standard layout (xlsxwriter, native charts) ---------------------------------------------------------

class _Formats:
    def __init__(self, book):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        cell = {**base, "border": 1}
        self.title = book.add_format({**base, "bold": True, "font_size": 14, "align": "center"})
        self.note = book.add_format({**base, "text_wrap": True, "font_color": "#595959"})
        self.header = book.add_format({**cell, "bold": True, "align": "center", "text_wrap": True,
                                       "bg_color": HEADER_FILL})
        self.text = book.add_format({**cell, "text_wrap": True})
        self.center = book.add_format({**cell, "align": "center", "text_wrap": True})
        self.key = book.add_format({**cell, "font_color": "#7F7F7F", "font_size": 9})
        self.count = book.add_format({**cell, "num_format": "#,##0"})
        self.money = book.add_format({**cell, "num_format": "#,##0.00"})
        self.number = book.add_format({**cell, "num_format": "#,##0.####"})
        self.percent = book.add_format({**cell, "num_format": "0.00"})
        self.bold_count = book.add_format({**cell, "num_format": "#,##0", "bold": True})
        self.bold_money = book.add_format({**cell, "num_format": "#,##0.00", "bold": True})
        self.bold_text = book.add_format({**cell, "bold": True})
        self.below = book.add_format({**cell, "num_format": "#,##0.####", "bg_color": BELOW_FILL})
        self.below_score = book.add_format({**cell, "num_format": "0.00", "bg_color": BELOW_FILL})
        self.pending = book.add_format({**cell, "num_format": "0.00", "bg_color": PENDING_FILL})
        self.pending_text = book.add_format({**cell, "text_wrap": True, "bg_color": PENDING_FILL})
        self.score = book.add_format({**cell, "num_format": "0.00"})


def _num(value):
    return float(value) if isinstance(value, Decimal) else value


def _fit(ws, r: int, items, minimum: float = 0) -> None:
    """Row r high enough for each (text, width in characters) it shows wrapped (LibreOffice and WPS do not grow
    rows by themselves)."""
    lines = max((wrapped_lines(text, width) for text, width in items if text), default=1)
    height = max(row_height(lines, 10), minimum)
    if lines > 1 or minimum:
        ws.set_row(r, height)


def _atomic_xlsx(path: Path, build) -> None:
    """Build a workbook with xlsxwriter in memory, then write it atomically (temp file beside `path`, os.replace)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                        "strings_to_urls": False})
    # a fixed creation time: the same inputs give the same file
    book.set_properties({"title": "法律援助统计", "comments": "由法援财务工具箱生成",
                         "created": datetime.datetime(2024, 1, 1)})
    build(book)
    book.close()
    write_bytes_atomic(path, buffer.getvalue())


def write_standard(path: Path, report: StatsReport, evaluation: Evaluation | None = None,
                   catalog: Catalog | None = None, excluded_rows: int = 0, counted_rows: int | None = None) -> None:
    """The standard output workbook: 统计表, 月度统计, 律师统计, 律所统计, 绩效自评表 (if targets), 校验结果."""
    catalog = catalog or default_catalog()

    def build(book):
        fmt = _Formats(book)
        write_stats_sheet(book, fmt, report, catalog)
        write_months_sheet(book, fmt, report, catalog)
        for sheet, prefix, label in ((LAWYERS_SHEET, "lawyers", "承办律师"), (FIRMS_SHEET, "firms", "律师事务所")):
            write_family_sheet(book, fmt, report, catalog, sheet, prefix, label)
        if evaluation is not None:
            write_evaluation_sheet(book, fmt, evaluation, report.period.year)
        write_findings_sheet(book, fmt, report, excluded_rows, counted_rows)

    _atomic_xlsx(path, build)


def write_stats_sheet(book, fmt: _Formats, report: StatsReport | None, catalog: Catalog, placeholders=False):
    """统计表: one row per key (类别, 项目, 统计键, 单位, 本期, 上年同期, 增减, 增减率%) and two native charts."""
    ws = book.add_worksheet(STATS_SHEET)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 2, 20, None, {"hidden": True})    # 统计键: for people who name cells after keys, not printed
    ws.set_column(3, 3, 6)
    ws.set_column(4, 7, 11)
    period = report.period if report else None
    ws.merge_range(0, 0, 0, 7, f"法律援助工作统计表（{period.label}）" if period else "法律援助工作统计表", fmt.title)
    if period:
        ws.merge_range(1, 0, 1, 7, period_line(report), fmt.note)
    else:
        ws.merge_range(1, 0, 1, 7, "统计期间：{{period}}（案件按指派日期归属）", fmt.note)
    ws.merge_range(2, 0, 2, 7, BASIS_NOTE, fmt.note)
    _fit(ws, 2, [(BASIS_NOTE, 14 + 32 + 6 + 11 * 4)])
    ws.write_row(3, 0, STATS_HEADERS, fmt.header)
    ws.freeze_panes(4, 0)
    rows = stats_table(report, catalog)
    previous = report.previous if report else None
    sections = {}
    for row in rows:
        sections[(row.first, row.last)] = row.section
    for (first, last), section in sections.items():
        if last > first:
            ws.merge_range(first, 0, last, 0, section, fmt.center)
        else:
            ws.write_string(first, 0, section, fmt.center)
    for r, row in enumerate(rows, start=4):
        key = row.key
        num = fmt.money if row.is_money else fmt.count
        ws.write_string(r, 1, row.name, fmt.text)
        _fit(ws, r, [(row.name, 32)])
        ws.write_string(r, 2, key, fmt.key)
        ws.write_string(r, 3, row.unit, fmt.center)
        cur, prev, diff, pct = row.current, row.previous, row.diff, row.pct
        e, f = xl_rowcol_to_cell(r, 4), xl_rowcol_to_cell(r, 5)
        if placeholders:
            ws.write_string(r, 4, "{{" + key + "}}", num)
        elif cur is None:
            ws.write_blank(r, 4, None, num)
            ws.write_comment(r, 4, "未提供咨询登记表，本项无数据。")
        else:
            ws.write_number(r, 4, _num(cur), num)
        if placeholders:
            ws.write_string(r, 5, "{{prev." + key + "}}", num)
        elif prev is None:
            ws.write_blank(r, 5, None, num)
        else:
            ws.write_number(r, 5, _num(prev), num)
        ws.write_formula(r, 6, f'=IF(AND(ISNUMBER({e}),ISNUMBER({f})),{e}-{f},"")', num, "" if diff is None else _num(diff))
        ws.write_formula(r, 7, f'=IF(AND(ISNUMBER({e}),ISNUMBER({f}),N({f})<>0),ROUND(({e}-{f})/{f}*100,2),"")', fmt.percent,
                         "" if pct is None else _num(pct))
    row_of = {row.key: r for r, row in enumerate(rows, start=4)}
    mix = [row_of[k] for k in CASE_MIX_KEYS]
    cats = f"='{STATS_SHEET}'!$B${mix[0] + 1}:$B${mix[-1] + 1}"
    pie = book.add_chart({"type": "pie"})
    pie.add_series({"name": "本期案件构成", "categories": cats,
                    "values": f"='{STATS_SHEET}'!$E${mix[0] + 1}:$E${mix[-1] + 1}",
                    "data_labels": {"percentage": True, "leader_lines": True, "num_format": "0.0%"}})
    pie.set_title({"name": "案件构成（本期）"})
    below = 4 + len(rows) + 1
    ws.insert_chart(below, 0, pie, {"x_offset": 10, "x_scale": 0.95})
    if placeholders or previous is not None:
        # horizontal bars: the long case-type names read across instead of squashing the plot
        col = book.add_chart({"type": "bar"})
        for c, name in ((4, "本期"), (5, "上年同期")):
            letter = "E" if c == 4 else "F"
            col.add_series({"name": name, "categories": cats,
                            "values": f"='{STATS_SHEET}'!${letter}${mix[0] + 1}:${letter}${mix[-1] + 1}",
                            "data_labels": {"value": True, "num_format": "#,##0"}})
        col.set_title({"name": "本期与上年同期案件对比（件）"})
        col.set_x_axis({"num_format": "#,##0"})
        col.set_y_axis({"reverse": True})
        col.set_legend({"position": "bottom"})
        ws.insert_chart(below, 3, col, {"x_offset": 20, "x_scale": 1.05, "y_scale": 1.2})
    ws.fit_to_pages(1, 0)
    return ws


def write_months_sheet(book, fmt: _Formats, report: StatsReport, catalog: Catalog):
    """月度统计: the period's year month by month, quarter and year totals (formulas), trend charts."""
    ws = book.add_worksheet(MONTHS_SHEET)
    keys = [k for k in MONTH_KEYS if k in report.values]
    prev_keys = [k for k in ("cases.total", "help.total", "consultations.total")
                 if report.previous_months and k in report.previous_months[0][1]]
    year = report.period.year
    width = 1 + len(keys) + len(prev_keys)
    ws.merge_range(0, 0, 0, width - 1, f"{year}年法律援助工作月度统计（按指派日期归属月份）", fmt.title)
    headers = ["月份"] + [column_header(catalog.spec(k).name.replace("（含劳动争议仲裁）", "")) for k in keys] \
        + [column_header(f"上年同月·{catalog.spec(k).name}") for k in prev_keys]
    ws.write_row(1, 0, headers, fmt.header)
    _fit(ws, 1, [(h, 12) for h in headers])
    ws.set_column(0, 0, 12)
    ws.set_column(1, width - 1, 12)
    ws.freeze_panes(2, 1)
    first = 2
    for i, (month, values) in enumerate(report.months):
        r = first + i
        ws.write_string(r, 0, f"{month.index}月", fmt.center)
        for c, k in enumerate(keys, start=1):
            spec = catalog.spec(k)
            ws.write_number(r, c, _num(values.get(k, 0)), fmt.money if spec.is_money else fmt.count)
        for c, k in enumerate(prev_keys, start=1 + len(keys)):
            ws.write_number(r, c, _num(report.previous_months[i][1].get(k, 0)), fmt.count)
    last = first + 11
    all_keys = keys + prev_keys

    def totals(r, label, r0, r1):
        ws.write_string(r, 0, label, fmt.bold_text)
        for c, k in enumerate(all_keys, start=1):
            is_money = catalog.spec(k).is_money
            month_values = [report.months[j][1] for j in range(r0 - first, r1 - first + 1)] if c <= len(keys) else \
                [report.previous_months[j][1] for j in range(r0 - first, r1 - first + 1)]
            cached = sum((m.get(k, 0) for m in month_values), Decimal(0) if is_money else 0)
            ws.write_formula(r, c, f"=SUM({xl_rowcol_to_cell(r0, c)}:{xl_rowcol_to_cell(r1, c)})",
                             fmt.bold_money if is_money else fmt.bold_count, _num(cached))

    for q in range(4):
        totals(last + 1 + q, f"第{q + 1}季度", first + 3 * q, first + 3 * q + 2)
    totals(last + 5, "全年合计", first, last)
    ws.merge_range(last + 6, 0, last + 6, width - 1,
                   "季度和全年合计为公式，修改月度数字后自动更新；图表引用本表数据，同样随之更新。", fmt.note)

    def series_range(c):
        letter = xl_rowcol_to_cell(0, c)[:-1]
        return f"='{MONTHS_SHEET}'!${letter}${first + 1}:${letter}${last + 1}"

    cats = f"='{MONTHS_SHEET}'!$A${first + 1}:$A${last + 1}"
    line = book.add_chart({"type": "line"})
    for k in ("cases.total", "help.total", "consultations.total"):
        if k in keys:
            c = 1 + keys.index(k)
            line.add_series({"name": catalog.spec(k).name, "categories": cats, "values": series_range(c),
                             "marker": {"type": "circle"}})
    line.set_title({"name": f"{year}年月度趋势（件、人次）"})
    line.set_y_axis({"num_format": "#,##0"})
    line.set_legend({"position": "bottom"})
    ws.insert_chart(last + 8, 0, line, {"x_scale": 1.3})
    if prev_keys:
        col = book.add_chart({"type": "column"})
        col.add_series({"name": f"{year}年", "categories": cats, "values": series_range(1 + keys.index("cases.total"))})
        col.add_series({"name": f"{year - 1}年", "categories": cats, "values": series_range(1 + len(keys))})
        col.set_title({"name": "各月案件数：本年与上年（件）"})
        col.set_y_axis({"num_format": "#,##0"})
        col.set_legend({"position": "bottom"})
        ws.insert_chart(last + 8, 8, col, {"x_scale": 1.3})
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    return ws


def write_family_sheet(book, fmt: _Formats, report: StatsReport, catalog: Catalog, sheet: str, prefix: str,
                       label: str):
    """律师统计 / 律所统计: one row per lawyer or firm with any figure in the period, and a 合计 row."""
    ws = book.add_worksheet(sheet)
    metrics = list(catalog.metrics)
    extra = ["律师事务所"] if prefix == "lawyers" else []
    headers = [label] + extra + [m.name for m in metrics]
    ws.merge_range(0, 0, 0, len(headers) - 1, f"{report.period.label}{label}办案统计（按指派日期）", fmt.title)
    ws.write_row(1, 0, headers, fmt.header)
    _fit(ws, 1, [(h, 12) for h in headers])
    ws.set_column(0, len(extra), 24 if prefix == "firms" else 12)
    if extra:
        ws.set_column(1, 1, 24)
    ws.set_column(1 + len(extra), len(headers) - 1, 12)
    ws.freeze_panes(2, 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    names = report.family_rows(prefix)
    names.sort(key=lambda n: (-report.values.get(f"{prefix}.{n}.cases", 0), n))
    r = 2
    for name in names:
        ws.write_string(r, 0, mask_text(name), fmt.text)
        if extra:
            ws.write_string(r, 1, mask_text(report.lawyer_firms.get(name, "")), fmt.text)
        for c, m in enumerate(metrics, start=1 + len(extra)):
            ws.write_number(r, c, _num(report.values[f"{prefix}.{name}.{m.key}"]),
                            fmt.money if m.is_money else fmt.count)
        r += 1
    ws.write_string(r, 0, "合计", fmt.bold_text)
    if extra:
        ws.write_blank(r, 1, None, fmt.bold_text)
    for c, m in enumerate(metrics, start=1 + len(extra)):
        cached = sum((report.values[f"{prefix}.{n}.{m.key}"] for n in names), Decimal(0) if m.is_money else 0)
        ref = f"{xl_rowcol_to_cell(2, c)}:{xl_rowcol_to_cell(max(r - 1, 2), c)}"
        ws.write_formula(r, c, f"=SUM({ref})" if names else "=0", fmt.bold_money if m.is_money else fmt.bold_count,
                         _num(cached))
    return ws


def write_evaluation_sheet(book, fmt: _Formats, evaluation: Evaluation, year: int | None, placeholders=False):
    """绩效自评表: budget execution, the indicator table with 实际完成值 and 得分 (live formulas), level totals."""
    ws = book.add_worksheet(EVALUATION_SHEET)
    widths = [10, 16, 26, 8, 11, 8, 11, 8, 9, 18, 30, 34]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.merge_range(0, 0, 0, 11, f"部门整体支出绩效自评表（{year}年度）" if year else "部门整体支出绩效自评表", fmt.title)
    b = evaluation.budget
    note = (f"预算金额单位：{b.unit}。得分规则：预算执行率得分 = min(执行数/预算数,1)×分值；"
            "定量指标得分 = min(实际/目标,1)×分值（≤ 类指标取 目标/实际）；黄色为待自评的定性指标，红色为未达到"
            "年度指标值（请填写偏差原因及改进措施）。")
    ws.merge_range(1, 0, 1, 11, note, fmt.note)
    _fit(ws, 1, [(note, sum(widths))])
    ws.write_row(2, 0, ["项目", "", "年初预算数", "全年预算数（A）", "全年执行数（B）", "", "分值", "执行率(%)",
                        "得分"], fmt.header)
    ws.merge_range(2, 0, 2, 1, "项目", fmt.header)
    ws.merge_range(2, 4, 2, 5, "全年执行数（B）", fmt.header)   # one figure over two columns: no blank column
    ws.set_row(2, 30)
    ws.merge_range(3, 0, 3, 1, "年度预算资金", fmt.text)
    for c, v in ((2, b.initial), (3, b.annual), (4, b.executed)):
        if c == 4:
            ws.merge_range(3, 4, 3, 5, None, fmt.money)
        if v is None:
            ws.write_blank(3, c, None, fmt.money)
        else:
            ws.write_number(3, c, _num(v), fmt.money)
    ws.write_number(3, 6, _num(evaluation.budget_points), fmt.score)
    ws.write_formula(3, 7, '=IF(N(D4)=0,"",ROUND(E4/D4*100,2))', fmt.percent,
                     "" if evaluation.execution_rate is None else _num(evaluation.execution_rate))
    ws.write_formula(3, 8, '=IF(N(D4)=0,"",ROUND(MIN(E4/D4,1)*G4,2))', fmt.score,
                     "" if evaluation.budget_score is None else _num(evaluation.budget_score))
    headers = ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "单位", "实际完成值", "分值", "得分",
               "数据来源", "偏差原因及改进措施", "说明"]
    ws.write_row(5, 0, headers, fmt.header)
    layout = evaluation_layout(evaluation)
    first = layout["first_indicator"]
    spans1: dict[str, list[int]] = {}
    spans2: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(evaluation.indicators):
        r = first + i
        ind = s.indicator
        spans1.setdefault(ind.level1, []).append(r)
        spans2.setdefault((ind.level1, ind.level2), []).append(r)
        ws.write_string(r, 2, ind.level3, fmt.text)
        ws.write_string(r, 3, ind.nature or "定性", fmt.center)
        if ind.target is not None and ind.nature:
            ws.write_number(r, 4, _num(ind.target), fmt.number)
        else:
            ws.write_string(r, 4, ind.target_text, fmt.text)
        ws.write_string(r, 5, ind.unit, fmt.center)
        below = s.below_target
        if placeholders and ind.key:
            spec = default_catalog().spec(ind.key)
            key = ind.key + WAN_SUFFIX if spec is not None and spec.is_money and "万" in ind.unit else ind.key
            ws.write_string(r, 6, "{{" + key + "}}", fmt.number)
        elif s.actual is None:
            ws.write_blank(r, 6, None, fmt.pending)
        else:
            ws.write_number(r, 6, _num(s.actual), fmt.below if below else fmt.number)
        ws.write_number(r, 7, _num(ind.points), fmt.score)
        g, e, h = (xl_rowcol_to_cell(r, c) for c in (6, 4, 7))
        if ind.nature is None:
            ws.write_blank(r, 8, None, fmt.pending)
        else:
            if ind.nature == "≥":
                formula = f'IF(N({e})<=0,{h},ROUND(MIN({g}/{e},1)*{h},2))'
            elif ind.nature == "≤":
                formula = f'IF({g}<={e},{h},ROUND({e}/{g}*{h},2))'
            else:
                formula = f'IF({g}={e},{h},IF(OR({g}<=0,{e}<=0),0,ROUND(MIN({g}/{e},{e}/{g})*{h},2)))'
            formula = f'=IF(ISNUMBER({g}),{formula},"")'
            ws.write_formula(r, 8, formula, fmt.below_score if below else
                             (fmt.pending if s.score is None and not (placeholders and ind.key) else fmt.score),
                             "" if s.score is None else _num(s.score))
        source = default_catalog().spec(ind.key) if ind.key else None
        source_text = f"统计：{source.name}" if source is not None else (ind.key or "")
        ws.write_string(r, 9, source_text, fmt.text)
        if below:
            ws.write_blank(r, 10, None, fmt.pending_text)
        else:
            ws.write_blank(r, 10, None, fmt.text)
        if placeholders and ind.key:
            ws.write_string(r, 11, "实际完成值由统计自动填入，得分随之计算", fmt.text)
        else:
            ws.write_string(r, 11, s.note, fmt.pending_text if s.score is None else fmt.text)
        _fit(ws, r, [(ind.level3, 26), (source_text, 18), (s.note, 34), (ind.level2, 16)])
    for level1, rows in spans1.items():
        _merge_or_write(ws, rows[0], rows[-1], 0, level1, fmt.center)
    for (_, level2), rows in spans2.items():
        _merge_or_write(ws, rows[0], rows[-1], 1, level2, fmt.center)
    # level totals: formulas over contiguous rows, so a qualitative score typed in later is counted
    r = layout["summary_header"]
    ws.write_row(r, 0, ["一级指标", "二级指标", "", "", "", "", "", "分值", "得分"], fmt.header)
    ws.merge_range(r, 1, r, 6, "二级指标", fmt.header)
    r += 1
    totals = evaluation.level_totals()
    for level1, level2, points, score in totals:
        rows = spans1[level1] if level2 is None else spans2[(level1, level2)]
        label_fmt = fmt.bold_text if level2 is None else fmt.text
        ws.write_string(r, 0, level1, label_fmt)
        ws.merge_range(r, 1, r, 6, "小计" if level2 is None else level2, label_fmt)
        a, z = rows[0] + 1, rows[-1] + 1
        ws.write_formula(r, 7, f"=SUM(H{a}:H{z})", fmt.score, _num(points))
        # a subtotal none of whose indicators is scored yet stays blank, not 0.00
        unscored = placeholders or all(evaluation.indicators[i - first].score is None for i in rows)
        ws.write_formula(r, 8, f'=IF(COUNT(I{a}:I{z})=0,"",SUM(I{a}:I{z}))', fmt.score,
                         "" if unscored else _num(score))
        r += 1
    ws.write_string(r, 0, "总分", fmt.bold_text)
    ws.merge_range(r, 1, r, 6, "预算执行率 + 全部指标（待自评指标打分后自动计入）", fmt.bold_text)
    last = first + len(evaluation.indicators)
    ws.write_formula(r, 7, f"=G4+SUM(H{first + 1}:H{last})", fmt.score, _num(evaluation.total_points))
    ws.write_formula(r, 8, f"=N(I4)+SUM(I{first + 1}:I{last})", fmt.score,
                     "" if placeholders else _num(evaluation.total_score))
    ws.freeze_panes(6, 3)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    return ws


def _merge_or_write(ws, r0, r1, c, text, f):
    if r1 > r0:
        ws.merge_range(r0, c, r1, c, text, f)
    else:
        ws.write_string(r0, c, text, f)


def findings_sheet_spec(report: StatsReport):
    """The 校验结果 sheet added to a filled template: the same table as the standard workbook's, formatted."""
    from toolkit.io.xlsx.patch import CellStyle, SheetSpec

    head = CellStyle(bold=True, fill=HEADER_FILL.lstrip("#"), border=True, h_align="center")
    text, number = CellStyle(border=True, wrap=True), CellStyle(border=True, num_format="0")
    rows = findings_rows(report)
    styled = [[(v, head) for v in rows[0]]]
    styled += [[(v, number if c == 3 else text) for c, v in enumerate(row)] for row in rows[1:]]
    return SheetSpec(FINDINGS_SHEET, styled, col_widths={1: 6, 2: 16, 3: 16, 4: 6, 5: 14, 6: 70}, freeze=(1, 0),
                     landscape=True, fit_width=True)


def write_findings_sheet(book, fmt: _Formats, report: StatsReport, excluded_rows: int, counted_rows: int | None):
    """校验结果: where the inputs have problems (no cell values, so no personal data)."""
    ws = book.add_worksheet(FINDINGS_SHEET)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 2, 16)
    ws.set_column(3, 3, 6)
    ws.set_column(4, 4, 14)
    ws.set_column(5, 5, 80)
    summary = findings_summary(report, excluded_rows, counted_rows)
    ws.merge_range(0, 0, 0, 5, summary, fmt.note)
    _fit(ws, 0, [(summary, 138)])
    ws.write_row(1, 0, FINDINGS_HEADERS, fmt.header)
    for r, f in enumerate(report.findings, start=2):
        ws.write_string(r, 0, f.severity_label, fmt.center)
        ws.write_string(r, 1, f.file or "", fmt.text)
        ws.write_string(r, 2, f.sheet or "", fmt.text)
        if f.row:
            ws.write_number(r, 3, f.row, fmt.count)
        else:
            ws.write_blank(r, 3, None, fmt.text)
        ws.write_string(r, 4, f.column or "", fmt.text)
        ws.write_string(r, 5, f.message, fmt.text)
        _fit(ws, r, [(f.message, 80), (f.file or "", 16), (f.sheet or "", 16), (f.column or "", 14)])
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, max(1, len(report.findings) + 1), 5)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    return ws


# --- the user's own template (XlsxPatch keeps everything else as it was) ---------------------------------

def fill_template(template: Path, output: Path, report: StatsReport, catalog: Catalog) -> list[str]:
    """Copy of the user's template with every {{key}} cell and key-named cell filled; returns the unfilled keys."""
    from toolkit.io.xlsx.patch import XlsxPatch

    if template.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError("统计表模板必须是 .xlsx 或 .xlsm 文件（.xls 请先在Excel中另存为 .xlsx）。", file=template.name)
    sheets = read_workbook(template)
    with XlsxPatch(template) as patch:
        plan = plan_template(sheets, defined_cells(patch.defined_names()), template_values(report), template.name,
                             catalog, previous_given=report.previous is not None)
        for sheet, cells in plan.cells.items():
            patch.set_cells(sheet, {(r0 + 1, c0 + 1): v for (r0, c0), v in cells.items()})
        if report.previous is None:     # the emptied 上年同期 cells: no empty series left in the template's charts
            emptied = {(sheet, r0 + 1, c0 + 1) for sheet, cells in plan.cells.items()
                       for (r0, c0), v in cells.items() if v == ""}
            patch.drop_chart_series(lambda sheet, refs: all((sheet, r, c) in emptied for r, c in refs))
        report.findings += plan.findings
        patch.add_sheet(findings_sheet_spec(report))
        patch.save(output)
    return plan.unfilled_keys


# --- shipped templates -----------------------------------------------------------------------------------

def write_stats_template(path: Path, catalog: Catalog | None = None) -> None:
    """workbooks/统计表模板.xlsx: the standard 统计表 with {{key}} placeholders, usable as --template."""
    catalog = catalog or default_catalog()

    def build(book):
        fmt = _Formats(book)
        write_stats_sheet(book, fmt, None, catalog, placeholders=True)
        ws = book.add_worksheet("统计键说明")
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 40)
        ws.write_row(0, 0, ["统计键", "中文名称", "单位"], fmt.header)
        for r, (key, name, unit) in enumerate(catalog.listing(), start=1):
            ws.write_string(r, 0, key, fmt.text)
            ws.write_string(r, 1, name, fmt.text)
            ws.write_string(r, 2, unit, fmt.center)
        r += 2
        ws.merge_range(r, 0, r, 2, "用法：在任何单元格中写两对半角花括号包住的统计键，如｛｛cases.total｝｝（或把单元格命名为统计键），运行 legalaid stats 台账.xlsx "
                       "--template 本模板.xlsx 后填入数字；模板中的其他文字、格式、公式和合并单元格保持不变。", fmt.note)
        ws.set_row(r, 48)

    _atomic_xlsx(path, build)


def write_evaluation_template(path: Path, targets_rows: list[list], budget_rows: list[list]) -> None:
    """workbooks/绩效自评表模板.xlsx: an example 绩效目标 sheet (targets with statistics keys, budget figures) and
    the standard 绩效自评表 layout computed from it, with {{key}} where the statistics go."""
    from toolkit.io.excel_read import RawSheet

    rows = [list(r) for r in targets_rows] + [[]] + [list(r) for r in budget_rows]
    targets = parse_targets(RawSheet(TARGETS_SHEET, rows), path.name)
    evaluation = evaluate(targets, {}, path.name)

    def build(book):
        fmt = _Formats(book)
        write_evaluation_sheet(book, fmt, evaluation, None, placeholders=True)
        ws = book.add_worksheet(TARGETS_SHEET)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, (int, float, Decimal)):
                    ws.write_number(r, c, _num(v), fmt.number)
                else:
                    ws.write_string(r, c, str(v), fmt.header if r == 0 else fmt.text)
        ws.set_column(0, 1, 12)
        ws.set_column(2, 2, 28)
        ws.set_column(3, 7, 10)
        ws.set_column(8, 8, 22)

    _atomic_xlsx(path, build)
