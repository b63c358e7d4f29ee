"""The monthly-returns job (整理月报 / `legalaid reformat`) as one use case both shells call.

Pure decisions only: decide_return turns one return's sheets into its standardised sheets, the rows it adds to 汇总
and its sums; summary_tables and stat_form_tables decide the 汇总 workbook and 统计月报汇总 from the batch's records;
BatchOutcome says what happened (the JSON report, the log, the CLI's lines, the button's 整理结果 Layout and message).
The folder walk, reading, writing and processes are the shell's: toolkit/io/returns_batch.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from toolkit.base.idcard import mask_id, mask_text
from toolkit.base.layout import Cell, Layout
from toolkit.base.sheet import RawSheet
from toolkit.base.layout import TableSheet
from toolkit.monthly.normalise import (FAILED, OK, STATUS_LABEL, WARNED, ReturnTemplate, failed_result,
                                       finding_message, parse_return, period_label, template_rows)

RETURN_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}
OUTPUT_FOLDER = "整理后月报"
SUMMARY_FILE = "汇总.xlsx"
STATS_FILE = "统计月报汇总.xlsx"
LOG_FILE = "处理日志.json"
META_HEADERS = ["来源文件", "工作表", "源行号", "所属期间"]
RETURNS_LOG_SHEET = "整理结果"
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)




def output_names(relative_paths: list[str]) -> list[str]:
    """A safe, unique .xlsx name for each input: folders joined by '_', no path characters, no clashes."""
    taken: set[str] = set()
    names = []
    for rel in relative_paths:
        parts = rel.replace("\\", "/").split("/")
        stem, _, ext = parts[-1].rpartition(".")
        if not stem:
            stem, ext = parts[-1], ""
        base = "_".join([*parts[:-1], stem])
        base = _UNSAFE.sub("_", base).strip(" .") or "未命名"
        if base.startswith("~"):
            base = "_" + base[1:]
        if _RESERVED.match(base):
            base = "_" + base
        base = base[:100]
        candidates = [base, f"{base}_{ext}" if ext else base]
        n = 2
        name = next((c for c in candidates if c.casefold() not in taken), None)
        while name is None:
            if f"{base}_{n}".casefold() not in taken:
                name = f"{base}_{n}"
            n += 1
        taken.add(name.casefold())
        names.append(name + ".xlsx")
    return names


def period_text(period: str | None) -> str:
    """'2023-03' → '2023年3月', the one way every sheet of 汇总.xlsx writes a period."""
    if not period:
        return ""
    return period_label(period) if re.fullmatch(r"\d{4}-\d{1,2}", period) else period


@dataclass(frozen=True)
class SummaryLayout:
    """The columns of 汇总.xlsx's detail sheet: 序号, source columns, then the template's columns."""

    columns: tuple                 # the template columns shown (without a leading 序号)
    skip: int                      # 1 when the template starts with 序号 (renumbered across the batch instead)
    summed: tuple[int, ...]        # indexes into columns: 受援人数 and the money columns, summed by source and month

    @property
    def headers(self) -> list[str]:
        return ["序号", *META_HEADERS, *[c.header for c in self.columns]]

    @property
    def widths(self) -> list:
        return [6, 28, 10, 7, 10, *[c.width for c in self.columns]]

    @property
    def formats(self) -> list:
        return ["0", "@", "@", "0", "@", *[c.num_format for c in self.columns]]


_LAYOUTS: dict = {}     # id(template) -> (template, its layout): hashing a template costs more than the layout


def summary_layout(template: ReturnTemplate) -> SummaryLayout:
    known = _LAYOUTS.get(id(template))
    if known is not None and known[0] is template:
        return known[1]
    if len(_LAYOUTS) > 64:
        _LAYOUTS.clear()
    layout = _summary_layout(template)
    _LAYOUTS[id(template)] = (template, layout)
    return layout


def _summary_layout(template: ReturnTemplate) -> SummaryLayout:
    skip = 1 if template.columns and template.columns[0].kind == "seq" else 0
    columns = tuple(template.columns[skip:])
    summed = tuple([i for i, c in enumerate(columns) if c.name == "受援人数"]
                   + [i for i, c in enumerate(columns) if c.kind == "money"])
    return SummaryLayout(columns, skip, summed)


# ---------------------------------------------------------------- one return


@dataclass
class ReturnDecision:
    """What one return becomes: its result, the standardised sheets of its output workbook (none when it failed),
    its rows for 汇总's detail sheet (序号 left empty) and its sums per period."""

    result: object                                    # toolkit.monthly.normalise.ReturnResult
    sheets: list[TableSheet] = field(default_factory=list)
    summary: list[list] = field(default_factory=list)
    period_sums: dict = field(default_factory=dict)


def decide_return(sheets: list[RawSheet], rel: str, file_stem: str, template: ReturnTemplate, aliases: dict,
                  items: dict | None = None, show_id: bool = False) -> ReturnDecision:
    """One return's sheets → its normalised tables in the template, its 汇总 rows and sums (pure)."""
    result = parse_return(sheets, rel, aliases, file_stem=file_stem, items=items)
    result.notes[:0] = [f"工作表“{s.name}”：{note}" for s in sheets for note in s.notes]   # what reading changed
    if result.status == FAILED:
        return ReturnDecision(result)
    layout = summary_layout(template)
    out_sheets, summary, period_sums = [], [], {}
    several = len(result.tables) > 1
    id_columns = [k for k, c in enumerate(template.columns) if c.kind == "id" and c.name is not None]
    for table in result.tables:
        rows = template_rows(table, template)
        out_sheets.append(TableSheet(
            f"{template.sheet}-{table.sheet}" if several else template.sheet,
            [c.header for c in template.columns], rows,
            [c.width for c in template.columns], [c.num_format for c in template.columns],
            title=template.render_title(table.period, rel), landscape=template.landscape,
            fit_to_width=template.fit_to_width, paper=template.paper))
        masked = rows if show_id or not id_columns else _masked(rows, id_columns)
        period = table.period or ""
        sums = period_sums.setdefault(period, [0] + [Decimal(0)] * len(layout.summed))
        shown = period_text(period)
        skip, sheet_name = layout.skip, table.sheet
        # one mask_text over the table's texts joined by line breaks (which end an ID as a cell's edge does) says
        # whether any cell would change, instead of a check per cell
        texts = "\n".join([v for row in masked for v in row if v.__class__ is str])
        plain = show_id or mask_text(texts) == texts
        added = len(summary)
        for record, row in zip(table.rows, masked):
            values = row[skip:] if plain else [mask_text(v) if v.__class__ is str and len(v) >= 15 else v
                                               for v in row[skip:]]   # (shorter holds no ID)
            summary.append([None, rel, sheet_name, record["_row"], shown, *values])
        sums[0] += len(summary) - added
        for k, i in enumerate(layout.summed, 1):        # column by column, in row order as before
            total = sums[k]
            for line in summary[added:]:
                v = line[5 + i]
                if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
                    total += v
            sums[k] = total
    out_sheets += _stat_sheets(result, several or len(result.stat_forms) > 1)
    return ReturnDecision(result, out_sheets, summary, period_sums)


def _masked(rows: list[list], id_columns: list[int]) -> list[list]:
    """template_rows(..., mask_ids=True) from the rows already made: the ID columns masked as mask_id does."""
    out = []
    for row in rows:
        row = list(row)
        for k in id_columns:
            if row[k]:
                row[k] = mask_id(row[k])
        out.append(row)
    return out


def _stat_sheets(result, several: bool) -> list[TableSheet]:
    """Each statistics form of a return in the standard item list."""
    if not result.stat_forms:
        return []                  # (a case list: no need to import the statistics-form reader)
    from toolkit.monthly.stat_forms import stat_vocabulary
    from toolkit.monthly.consolidation import form_table

    vocab = stat_vocabulary()
    sheets = []
    for form in result.stat_forms:
        header, rows = form_table(form, vocab)
        title = vocab.title.replace("{单位}", form.station).replace(
            "{期间}", period_label(form.period) if form.period else "期间未知") + f"　来源：{result.file}"
        sheets.append(TableSheet(f"{vocab.sheet}-{form.sheet}" if several else vocab.sheet, header, rows,
                                 [30, 6, 12, 12, 30], ["@", "@", "General", "General", "@"], title=title,
                                 fit_to_width=True))
    return sheets


def return_record(result, out_name: str | None, summary_rows, period_sums=None) -> dict:
    """The record of one return the batch keeps (sent back from a worker process: plain data)."""
    return {"file": result.file, "status": result.status, "rows": result.row_count, "period": result.period,
            "kind": result.kind, "messages": [mask_text(m) for m in result.messages()], "output": out_name,
            "summary_rows": summary_rows, "period_sums": period_sums or {}, "stat_forms": result.stat_forms}


def failed_record(rel: str, reason: str) -> dict:
    return return_record(failed_result(rel, reason), None, [])


# ---------------------------------------------------------------- the batch's consolidated workbooks


def summary_tables(records: list[dict], template: ReturnTemplate) -> list[TableSheet]:
    """汇总.xlsx: the detail rows of every return, sums by source and by month, the log."""
    layout = summary_layout(template)
    detail = TableSheet("汇总", layout.headers, (row for rec in records for row in rec["summary_rows"]),
                        layout.widths, layout.formats, autofilter=True, landscape=True, fit_to_width=True)
    sum_headers = [layout.columns[i].header for i in layout.summed]
    sum_formats = ["0" if layout.columns[i].kind == "count" else "#,##0.00" for i in layout.summed]
    zero = [0] + [Decimal(0)] * len(layout.summed)

    def add(a, b):
        return [x + y for x, y in zip(a, b)]

    by_source, by_month, month_files, grand = [], {}, {}, zero
    for rec in records:
        file_sums = zero
        for period, sums in sorted(rec["period_sums"].items()):
            file_sums = add(file_sums, sums)
            key = period or "未知"
            by_month[key] = add(by_month.get(key, zero), sums)
            month_files.setdefault(key, set()).add(rec["file"])
        grand = add(grand, file_sums)
        by_source.append([rec["file"], STATUS_LABEL[rec["status"]], period_text(rec["period"]), rec["rows"],
                          *file_sums[1:]])
    by_source.append(["合计", "", "", grand[0], *grand[1:]])
    month_rows = [[period_label(m) if m != "未知" else "未知", len(month_files[m]), sums[0], *sums[1:]]
                  for m, sums in sorted(by_month.items())]
    month_rows.append(["合计", len({f for files in month_files.values() for f in files}), grand[0], *grand[1:]])
    source = TableSheet("按来源汇总", ["来源文件", "状态", "所属期间", "行数", *sum_headers], by_source,
                        [30, 8, 12, 8, *[14] * len(sum_headers)], ["@", "@", "@", "#,##0", *sum_formats],
                        wrap_columns=(0,), landscape=True, fit_to_width=True)
    month = TableSheet("按月份汇总", ["所属期间", "文件数", "行数", *sum_headers], month_rows,
                       [12, 8, 8, *[14] * len(sum_headers)], ["@", "#,##0", "#,##0", *sum_formats],
                       fit_to_width=True)
    log = TableSheet("处理日志", ["来源文件", "状态", "行数", "所属期间", "输出文件", "说明"],
                     [[r["file"], STATUS_LABEL[r["status"]], r["rows"], period_text(r["period"]), r["output"] or "",
                       "\n".join(r["messages"])] for r in records],
                     [24, 8, 7, 11, 24, 64], ["@", "@", "#,##0", "@", "@", "@"], wrap_columns=(0, 4, 5),
                     landscape=True, fit_to_width=True)
    return [detail, source, month, log]


def stat_form_tables(records: list[dict]) -> tuple[list[TableSheet], int]:
    """Statistics forms across the batch: 本年累计 against last month's return (warnings added to the records), then
    the sheets of 统计月报汇总.xlsx (consolidated form per month, stations × items, checks, log) and the number of
    forms (no sheets when there is none)."""
    forms, owner = [], []
    for i, rec in enumerate(records):
        for form in rec.get("stat_forms") or []:
            forms.append(form)
            owner.append(i)
    if not forms:
        return [], 0
    from toolkit.monthly.stat_forms import stat_vocabulary
    from toolkit.monthly.consolidation import consolidate, matrix_table, running_total_findings, summary_table

    vocab = stat_vocabulary()
    added, replaced = running_total_findings(forms, vocab)
    for k, finding in replaced:
        forms[k].findings.remove(finding)
        records[owner[k]]["messages"].remove(mask_text(finding_message(finding)))
    for k, finding in added:
        forms[k].findings.append(finding)
        rec = records[owner[k]]
        rec["messages"].append(mask_text(finding_message(finding)))
        if rec["status"] == OK:
            rec["status"] = WARNED
    summaries = consolidate(forms, vocab)
    sheets = []
    for ps in summaries:
        header, rows = summary_table(ps)
        label = period_label(ps.period) if ps.period else "期间未知"
        title = vocab.consolidated_title.replace("{期间}", label).replace("{单位数}", str(len(ps.forms)))
        name = "汇总表" if len(summaries) == 1 else f"汇总表{label}"
        sheets.append(TableSheet(name, header, rows, [34, 6, 12, 12, 10, 70],
                                 ["@", "@", "General", "General", "@", "@"], title=title, fit_to_width=True,
                                 landscape=True, wrap_columns=(5,)))
    for role, name in (("本月", "分单位本月"), ("本年累计", "分单位本年累计")):
        header, rows = matrix_table(summaries, role)
        sheets.append(TableSheet(name, header, rows, [12, 18, 28, 12, *[10] * (len(header) - 4)],
                                 ["@", "@", "@", "@", *["General"] * (len(header) - 4)], landscape=True,
                                 fit_to_width=True))
    checks = [[f.file, f.sheet, f.column if f.column else (f"第{f.row}行" if f.row else ""), form.station,
               period_label(form.period) if form.period else "", f.message]
              for form in forms for f in form.findings]
    sheets.append(TableSheet("检查结果", ["来源文件", "工作表", "单元格", "单位", "所属期间", "说明"], checks,
                             [30, 12, 8, 18, 12, 90], ["@"] * 6, wrap_columns=(5,), autofilter=True))
    with_forms = sorted({i for i in owner})
    sheets.append(TableSheet("处理日志", ["来源文件", "类型", "单位", "所属期间", "状态", "说明"],
                             [[records[i]["file"], records[i]["kind"],
                               "、".join(dict.fromkeys(f.station for f in records[i]["stat_forms"])),
                               records[i]["period"] or "", STATUS_LABEL[records[i]["status"]],
                               "\n".join(records[i]["messages"])] for i in with_forms],
                             [30, 10, 18, 12, 8, 90], ["@"] * 6, wrap_columns=(5,)))
    return sheets, len(forms)


# ---------------------------------------------------------------- what the batch did


@dataclass
class BatchOutcome:
    """The batch's records (one per file, in folder order) and the number of statistics forms consolidated."""

    records: list[dict]
    stat_forms: int
    out_dir: str

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.records if r["status"] == s) for s in (OK, WARNED, FAILED)}

    @property
    def exit_code(self) -> int:
        counts = self.counts
        if counts[OK] + counts[WARNED] == 0:
            return 2
        return 0 if counts[OK] == len(self.records) else 1

    def report(self) -> dict:
        """The --json document."""
        counts = self.counts
        return {"files": len(self.records), "ok": counts[OK], "warnings": counts[WARNED], "failed": counts[FAILED],
                "rows": sum(r["rows"] for r in self.records), "stat_forms": self.stat_forms,
                "files_detail": [{k: r[k] for k in ("file", "status", "kind", "rows", "period", "messages")}
                                 for r in self.records]}

    def log(self) -> dict:
        """处理日志.json: the report with each file's output name."""
        return {**self.report(), "output_folder": OUTPUT_FOLDER, "summary": SUMMARY_FILE,
                "stat_summary": STATS_FILE if self.stat_forms else None,
                "files_detail": [{k: r[k] for k in ("file", "status", "kind", "rows", "period", "messages", "output")}
                                 for r in self.records]}

    def console_lines(self) -> list[str]:
        """What `legalaid reformat` prints: the files needing attention, then one summary line."""
        lines = []
        for r in self.records:
            if r["status"] != OK:
                lines.append(f"[{STATUS_LABEL[r['status']]}] {r['file']}")
                for m in r["messages"]:
                    if m.startswith(("警告", "错误")) or r["status"] == FAILED:
                        lines.append(f"    {m}")
        counts, n = self.counts, self.stat_forms
        stats = f"统计报表{n}份（汇总在{STATS_FILE}）；" if n else ""
        lines.append(f"共{len(self.records)}个文件：正常{counts[OK]}个，有警告{counts[WARNED]}个，失败{counts[FAILED]}个；"
                     f"{stats}案件清单汇总数据{sum(r['rows'] for r in self.records)}行。结果在“{self.out_dir}”："
                     f"{OUTPUT_FOLDER}/、{SUMMARY_FILE}、{STATS_FILE + '、' if n else ''}{LOG_FILE}。")
        return lines

    def layout(self) -> Layout:
        """The button's 整理结果 sheet: one row per file."""
        layout = Layout(RETURNS_LOG_SHEET, widths={1: 40, 2: 10, 3: 8, 4: 14, 5: 90})
        layout.add(*(Cell(h, "header") for h in ("文件", "结果", "行数", "期间", "说明")))
        for r in self.records:
            tag = {FAILED: "error", WARNED: "warning"}.get(r["status"], "text")
            layout.add(Cell(r["file"]), Cell(STATUS_LABEL.get(r["status"], r["status"]), tag),
                       Cell(r["rows"], "count"), Cell(r.get("period")), Cell(" ".join(r["messages"])))
        return layout

    def message(self) -> str:
        """What the 整理月报 button says."""
        counts, n = self.counts, self.stat_forms
        stats = f"统计报表 {n} 份，已逐项汇总到 {STATS_FILE}；" if n else ""
        return (f"月报整理完成：共 {len(self.records)} 个文件，正常 {counts[OK]} 个，有警告 {counts[WARNED]} 个，"
                f"失败 {counts[FAILED]} 个；{stats}案件清单汇总数据 {sum(r['rows'] for r in self.records)} 行。"
                f"结果在“{self.out_dir}”，逐个文件的情况见“{RETURNS_LOG_SHEET}”工作表。原文件未作任何改动。")
