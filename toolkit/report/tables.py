"""Tables inside a report's text: lines pasted from a spreadsheet ("1、工资福利支出  74.69") or a .docx table (turned
into tab-separated lines by the shell) are read and checked by the budget core, as `legalaid validate` reads a sheet
(toolkit.budget.tables.read_blocks, toolkit.budget.structure_checks.check_structure), and their figures are handed to the prose
checks as table values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from toolkit.budget.cells import a1, col_index
from toolkit.budget.checker import Checker
from toolkit.budget.findings import fmt
from toolkit.budget.labels import RATE_WORDS, SHARE_WORDS, UNIT_SCALE, find_unit
from toolkit.budget.rules import load_rules
from toolkit.budget.structure_checks import check_structure
from toolkit.budget.tables import read_blocks
from toolkit.report.figures import ACTUAL, AMOUNT, BUDGET, ReportFinding, TableValue, canonical_label

_CELL_NUMBER = re.compile(r"^[-+]?(?:[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?|\.[0-9]+)%?$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_EMPTY = {"-", "—", "－", "——", "/", "／", ""}
_SPLIT = re.compile(r"\t|\s*[|｜]\s*|\s{2,}|(?<=[\u4e00-\u9fff）)])\s+(?=-?[0-9])")


@dataclass(frozen=True)
class TextTable:
    """A run of table lines in the text: their rows (cells), and where each row starts in the text."""

    name: str
    rows: list[list]
    offsets: list[int]
    lines: list[str]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _SPLIT.split(line.strip().strip("|｜")) if c is not None]


_SUBJECT_CODE = re.compile(r"^[0-9]{3}(?:[0-9]{2}){0,2}$")     # 类/款/项 codes: 204, 20406, 2040610
_SERIAL = re.compile(r"^[0-9]{1,2}$")                            # a 序号 column: 1, 2, 3 …
_TOTAL_WORDS = ("合计", "总计", "小计", "共计")


def _is_data(cells: list[str]) -> bool:
    if len(cells) >= 3 and (_SUBJECT_CODE.match(cells[0]) or _SERIAL.match(cells[0])):
        cells = cells[1:]      # "2040610  法律援助  66.20" (code, name, numbers) or "3  办公费  4.74" (序号)
    return (len(cells) >= 2 and bool(re.search(r"[\u4e00-\u9fff]", cells[0]))
            and all(_CELL_NUMBER.match(c) or c in _EMPTY for c in cells[1:])
            and any(_CELL_NUMBER.match(c) for c in cells[1:]))


def _is_header(cells: list[str]) -> bool:
    named = cells[1:2] if len(cells) >= 3 and cells[0] in ("序号", "编号") else cells[:1]   # 序号 | 项目 | 金额
    return len(cells) >= 2 and any(w in (named[0] or "") for w in ("项目", "科目", "名称", "指标")) \
        and not any(_CELL_NUMBER.match(c or "") for c in cells)


def find_tables(text: str) -> list[TextTable]:
    """Runs of at least three lines of a label followed by numbers (a header line and a title / 单位 line above them
    are taken with them)."""
    lines, offsets, pos = [], [], 0
    for line in text.split("\n"):
        lines.append(line)
        offsets.append(pos)
        pos += len(line) + 1
    tables, i = [], 0
    while i < len(lines):
        if not _is_data(_cells(lines[i])):
            i += 1
            continue
        j = i
        while j < len(lines) and (_is_data(_cells(lines[j])) or not lines[j].strip()):
            j += 1
        data = [k for k in range(i, j) if lines[k].strip()]
        if len(data) >= 3:
            first = i
            head = []
            for k in range(i - 1, max(i - 6, -1), -1):
                if _MD_RULE.match(lines[k]) or not lines[k].strip():   # a Markdown |---|---| line, a blank line
                    continue
                if len(lines[k].strip()) > 60 or len(head) == 3:
                    break
                cells = _cells(lines[k])
                if _is_header(cells) or re.search(r"单位[:：]|表$|表[（(]|决算|预算", lines[k]):
                    head.insert(0, k)
                    first = k
                else:
                    break
            rows = [_cells(lines[k]) if _is_header(_cells(lines[k])) else [lines[k].strip()] for k in head]
            keep = list(head)
            if not any(_is_header(r) for r in rows):
                width = max(len(_cells(lines[k])) for k in data)
                rows.append(["项目"] + ["金额"] * (width - 1))
                keep.append(data[0])                 # a header of our own: it points at the first data line
            keep += data
            rows += [_cells(lines[k]) for k in data]
            title = next((lines[k].strip() for k in head if not _is_header(_cells(lines[k]))
                          and not re.match(r"^\s*(?:金额)?单位[:：]", lines[k])), "")
            tables.append(TextTable(title or f"正文表格（第{first + 1}行起）",
                                    rows, [offsets[k] for k in keep], [lines[k] for k in keep]))
        i = j
    return tables


def check_text_tables(text: str):
    """(findings, table values) for every table in the text: parents and 合计 lines against their parts, by the
    budget core; every amount line as a value the prose must agree with."""
    findings, values = [], []
    rules = load_rules()
    for n, table in enumerate(find_tables(text), 1):
        name = f"表{n}"
        rows = _without_unnamed_rate_columns(_aligned([list(r) for r in table.rows]))
        for block in read_blocks(name, rows):
            ck = Checker(rules)
            check_structure(block, ck)
            flagged = {}
            for bf in ck.result():
                for _, cell in ck.involved():
                    flagged.setdefault(cell, table.offsets[min(int(re.sub(r"[A-Z]", "", bf.cell)) - 1,
                                                               len(table.offsets) - 1)])
                row = int(re.sub(r"[A-Z]", "", bf.cell)) - 1
                col = col_index(re.sub(r"[0-9]", "", bf.cell))
                line = table.lines[row] if row < len(table.lines) else table.lines[-1]
                stated = rows[row][col] if row < len(rows) and col < len(rows[row]) else ""
                expected = fmt(bf.expected) if bf.expected is not None else ""
                message = re.sub(r"（[A-Z]+[0-9]+）", "", bf.message)
                findings.append(ReportFinding("structure", line.strip(), stated, expected,
                                              f"文中表格“{table.name}”：{message}",
                                              table.offsets[min(row, len(table.offsets) - 1)],
                                              ()))
            unit_default = find_unit([" ".join(map(str, r)) for r in rows[:3]])
            for column in [c for c in block.columns if c.kind == "amount"]:
                unit = column.unit or unit_default
                if unit not in UNIT_SCALE:
                    continue
                phase = BUDGET if "预算" in column.title and "决算" not in column.title else ACTUAL
                named = re.search(r"((?:19|20)\d{2})\s*年", column.title)
                for ln in block.lines:
                    if column.col not in ln.values or ln.ratio:
                        continue
                    decimals = block.decimals.get((ln.row, column.col))
                    scale = UNIT_SCALE[unit]
                    half = Decimal(5).scaleb(-(decimals or 0) - 1) * scale
                    values.append(TableValue(canonical_label(ln.name), AMOUNT, ln.values[column.col] * scale, half,
                                             f"文中表格“{table.name}”“{ln.name}”行", phase, decimals,
                                             "万元" if scale == 10000 else "元" if scale == 1 else None,
                                             flagged=flagged.get(a1(ln.row, column.col)),
                                             year=int(named.group(1)) if named else None,
                                             at=table.offsets[min(ln.row, len(table.offsets) - 1)],
                                             cell=str(rows[ln.row][column.col]) if ln.row < len(rows)
                                             and column.col < len(rows[ln.row]) else ""))
    return findings, values


def _aligned(rows: list[list]) -> list[list]:
    """Adapter: rows as a sheet would hold them. An empty cell is empty (None), not a text ""; a 序号 column is left
    out (its numbers are not amounts); a 合计/总计 row written across the merged code (or 序号) cells has fewer cells
    than the header: its figures are moved right, under their columns, so the budget core reads it as the total
    line it is."""
    header = next((r for r in rows if len(r) > 1 and _is_header(r)), None)
    if header is not None and header[0] in ("序号", "编号"):
        out = []
        for r in rows:
            if r is header or len(r) < 2:
                out.append(r[1:] if r is header else r)
            elif _SERIAL.match(r[0]) or not r[0]:
                out.append(r[1:])
            elif any(w in r[0] for w in _TOTAL_WORDS) and not r[1]:
                out.append(r[:1] + r[2:])
            else:
                out.append(r)
        rows, header = out, out[rows.index(header)]
    width = len(header) if header is not None else max(len(r) for r in rows)
    out = []
    for r in rows:
        if 1 < len(r) < width and any(w in r[0] for w in _TOTAL_WORDS):
            r = r[:1] + [None] * (width - len(r)) + r[1:]
        out.append(r if r is header else [c if c != "" else None for c in r])
    return out


def _without_unnamed_rate_columns(rows: list[list]) -> list[list]:
    """Adapter: a column written in percentages ("-12.99%") under a header the budget core does not know as a rate or
    share ("增减幅度") would be summed as amounts; it is left out (its cells blanked) instead."""
    header = next((r for r in rows if len(r) > 1 and _is_header(r)), None)
    if header is None:
        return rows
    for c in range(1, len(header)):
        name = header[c]
        if any(w in name for w in RATE_WORDS + SHARE_WORDS) or name.endswith("率"):
            continue
        cells = [r[c] for r in rows if r is not header and len(r) > c and _CELL_NUMBER.match(r[c] or "")]
        if cells and all(x.endswith("%") or float(x.replace(",", "")) == 0 for x in cells) and any(x.endswith("%") for x in cells):
            for r in rows:
                if r is not header and len(r) > c:
                    r[c] = None
    return rows
