"""Reading budget / final-accounts tables out of plain grids (pure: no file I/O).

A sheet becomes one or more *blocks* (a label column, an optional code column and the amount / share / rate
columns to its right; 收入支出决算总表 has two blocks side by side). Each data row becomes a `Line` whose parent is
inferred from its code (301 ⊃ 30101), its numbering (一、 ⊃ （一） ⊃ 1. ⊃ (1) ⊃ ①) or its indentation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from toolkit.base import layout
# ---------------------------------------------------------------- cells and numbers


def col_letter(col: int) -> str:
    """0-based column index -> Excel letters."""
    return layout.col_letter(col + 1)


def col_index(letters: str) -> int:
    """Excel letters -> 0-based column index."""
    return layout.col_number(letters) - 1


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> "C7"."""
    return f"{col_letter(col)}{row + 1}"


@dataclass(frozen=True)
class CellFormat:
    """What the shell read about a cell's display: decimals shown, percent format, indentation level."""

    decimals: int | None = None   # None = General format (shown as stored)
    percent: bool = False
    indent: int = 0


_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")
_NOISE = Decimal("1e-10")


def to_decimal(value) -> tuple[Decimal | None, bool]:
    """A cell value as (Decimal, is_percent_text); text like "1,234.50" or "12.5%" is accepted."""
    if value is None or isinstance(value, bool):
        return None, False
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, False
        if value.is_integer():
            return Decimal(int(value)), False
        d = Decimal(repr(value))
        if d.as_tuple().exponent < -10:  # binary float noise from formulas, e.g. 0.30000000000000004
            d = d.quantize(_NOISE, rounding=ROUND_HALF_UP).normalize()
        return d, False
    if isinstance(value, str):
        text = value.translate(_FULLWIDTH).strip().replace(",", "").replace(" ", "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1]
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text):
            return None, False
        try:
            d = Decimal(text)
        except InvalidOperation:
            return None, False
        return (d / 100, True) if percent else (d, False)
    return None, False


def decimals_of(d: Decimal) -> int:
    """Decimals as written ("12.30" from a text cell has 2; a number read from Excel carries no trailing zeros)."""
    exp = d.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


# ---------------------------------------------------------------- labels

_SPACES = re.compile(r"[\s\u3000\xa0]+")
_CN_NUM = "一二三四五六七八九十"
MARKERS = [  # (kind, pattern); kinds are compared by identity, depth comes from order of appearance
    ("cn", re.compile(rf"^[{_CN_NUM}]+[、.．]")),
    ("paren_cn", re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    ("num_dun", re.compile(r"^\d{1,2}[、]")),
    ("num_dot", re.compile(r"^\d{1,2}[.．](?!\d)")),
    ("paren_num", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("circled", re.compile(r"^[①-⑳]")),
]
_OF_WHICH = re.compile(r"^其中[:：]?")
_CODE_PREFIX = re.compile(r"^\[?(\d{3}(?:\d{2}){0,2})\]?(?=[^\d.．、])")
CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
TOTAL_NAMES = {"合计", "总计", "小计", "共计", "总合计"}


def normalize(text: str) -> str:
    """Compare-form of a label: no spaces, half-width brackets made full-width, no trailing colon or unit."""
    t = _SPACES.sub("", str(text)).replace("(", "（").replace(")", "）").replace(":", "：")
    t = re.sub(r"[（\[【]?(单位[：]?)?(万元|元|千元|%|％)[）\]】]?$", "", t) if len(t) > 3 else t
    return t.rstrip("：")


@dataclass
class LabelParts:
    name: str            # normalized name without numbering, code or 其中
    marker: str | None
    code: str | None
    of_which: bool
    indent: int          # leading spaces (2 half-width or 1 full-width = 1 level)


def parse_label(raw: str) -> LabelParts:
    text = str(raw)
    lead = len(text) - len(text.lstrip(" \u3000\xa0\t"))
    lead_text = text[:lead]
    indent = (lead_text.count(" ") + lead_text.count("\xa0")) // 2 + lead_text.count("\u3000") + lead_text.count("\t")
    t = _SPACES.sub("", text)
    of_which = False
    m = _OF_WHICH.match(t)
    if m:
        of_which, t = True, t[m.end():]
    code = None
    m = _CODE_PREFIX.match(t)
    if m:
        code, t = m.group(1), t[m.end():]
    marker = None
    for kind, pat in MARKERS:
        m = pat.match(t)
        if m:
            marker, t = kind, t[m.end():]
            break
    if not of_which:
        m = _OF_WHICH.match(t)
        if m:
            of_which, t = True, t[m.end():]
    return LabelParts(normalize(t), marker, code, of_which, indent)


RATIO_SUFFIX = re.compile(r"(占比|比重|比例|百分比|[^税]率)$")
RATIO_NAMED = re.compile(r"^(.+?)占(.+?)的?(比重|比例|百分比)$")


def is_ratio_name(name: str) -> bool:
    return bool(RATIO_SUFFIX.search(name) or RATIO_NAMED.search(name))


def share_parts(name: str) -> tuple[str, str | None] | None:
    """("基本支出", "支出合计") for "基本支出占支出合计比重", ("人员经费", None) for "人员经费占比"."""
    m = RATIO_NAMED.search(name)
    if m:
        return m.group(1), m.group(2)
    m = RATIO_SUFFIX.search(name)
    if m and not m.group(1).endswith("率"):
        return name[:m.start()].removesuffix("占"), None
    return None


def is_total_name(name: str) -> bool:
    return name in TOTAL_NAMES or name.endswith(("合计", "总计")) and len(name) <= 8


# ---------------------------------------------------------------- blocks

LABEL_HEADERS = {"项目", "项目名称", "科目名称", "科目", "名称", "支出项目", "收入项目", "功能分类科目名称",
                 "经济分类科目名称", "类别", "内容", "指标", "费用项目", "科目名称及编码"}
CODE_HEADERS = ("编码", "代码")
SKIP_HEADERS = {"行次", "栏次", "序号", "编号", "备注", "说明"}
SHARE_WORDS = ("占比", "比重", "比例", "构成", "占")
RATE_WORDS = ("执行率", "完成率", "增长率", "增幅", "增减率", "幅度", "变动率", "增长百分比")
_UNIT_RE = re.compile(r"单位[:：\s]*(万元|千元|元)|[（(](万元|千元|元)[）)]")
UNIT_SCALE = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000)}


_TRADITIONAL_UNIT = str.maketrans("單萬", "单万")
DASHES = {"-", "—", "－", "--", "——", "/", "－－"}


def _is_dash(value) -> bool:
    return isinstance(value, str) and _SPACES.sub("", value) in DASHES


def find_unit(texts) -> str | None:
    for t in texts:
        if isinstance(t, str):
            m = _UNIT_RE.search(_SPACES.sub("", t).translate(_TRADITIONAL_UNIT))
            if m:
                return m.group(1) or m.group(2)
    return None


@dataclass
class Column:
    col: int
    header: tuple[str, ...]       # header parts top -> bottom, normalized
    kind: str                     # "amount" | "share" | "rate"
    unit: str | None
    percent_units: bool = False   # shares / rates written as 12.5 meaning 12.5 %

    @property
    def name(self) -> str:
        return self.header[-1] if self.header else col_letter(self.col)

    @property
    def title(self) -> str:
        return "·".join(self.header) if self.header else col_letter(self.col)


@dataclass
class Line:
    row: int
    raw: str
    name: str
    code: str | None
    marker: str | None
    indent: int
    of_which: bool
    total: bool
    values: dict[int, Decimal] = field(default_factory=dict)
    parent: int | None = None      # index in Block.lines
    uncertain: bool = False        # attached to its parent by position only (no numbering, code or indent)
    partial: bool = False          # a 其中 part: parts may sum to less than the parent
    ratio: bool = False            # a share or rate written as a line ("基本支出占比", "预算执行率"): not summed
    maybe_part_of: int | None = None   # unnumbered line right after a 其中 part: maybe one more part of this line
    at: dict[int, int] = field(default_factory=dict)   # block column -> sheet column, for continued column triples
    breakdown: bool = False        # a by-source line under 结转和结余, attached by the [structure] vocabulary

    def cell_col(self, col: int) -> int:
        """The sheet column holding this line's figure of block column `col`."""
        return self.at.get(col, col)


@dataclass
class Block:
    sheet: str
    label_col: int
    code_col: int | None
    columns: list[Column]
    lines: list[Line]
    unit: str | None
    title: str
    header_rows: tuple[int, int]
    decimals: dict[tuple[int, int], int | None] = field(default_factory=dict)   # (row, col) -> shown decimals
    percent_cells: set = field(default_factory=set)
    coded: bool = False
    code_cols: list[int] = field(default_factory=list)
    side_labels: list[int] = field(default_factory=list)    # label columns on the left without figures (单位名称)
    totals: dict[int, list[int]] = field(default_factory=dict)   # total line index -> covered line indexes
    horizontal: bool = False      # no label column: figures in one row under grouped headers (横向三公表)
    label_header: tuple = ()      # the label column's header (项目（按功能分类） …)

    def column(self, col: int) -> Column:
        index = self.__dict__.get("_column_index")
        if index is None or len(index) != len(self.columns):
            index = self.__dict__["_column_index"] = {c.col: c for c in self.columns}
        return index[col]


def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _merged_value_grid(rows, merged, r0, r1, width):
    """Header texts of rows r0..r1 with merged ranges spread over all their cells."""
    grid = [[_text(rows[r][c]) if c < len(rows[r]) else None for c in range(width)] for r in range(r0, r1 + 1)]
    for (mr0, mc0, mr1, mc1) in merged:
        if mr1 < r0 or mr0 > r1:
            continue
        v = _text(rows[mr0][mc0]) if mr0 < len(rows) and mc0 < len(rows[mr0]) else None
        for r in range(max(mr0, r0), min(mr1, r1) + 1):
            for c in range(mc0, min(mc1, width - 1) + 1):
                grid[r - r0][c] = v
    return grid


_QUALIFIER = re.compile(r"（[^（）]*）$")


def _is_label_header(text: str | None) -> bool:
    """项目, 科目名称 … also with a qualifier: "项目（按功能分类）", "项目（按支出性质和经济分类）"."""
    if not text:
        return False
    t = normalize(text)
    t = _QUALIFIER.sub("", t) or t
    return t in LABEL_HEADERS or (t.endswith(("科目名称", "项目名称", "科目", "项目", "名称", "指标"))
                                  and len(t) <= 10 and not any(w in t for w in CODE_HEADERS))


def _is_group_row(row) -> bool:
    """A row of two or more upper headers over the column header (not a title, 表号 or unit line)."""
    texts = [t for t in (_text(v) for v in row) if t]
    return len(texts) >= 2 and not any(_UNIT_RE.search(_SPACES.sub("", t)) or t.startswith(("编制单位", "填报单位"))
                                       or re.search(r"\d", t) for t in texts)


def unit_selector(rows, upto: int) -> str | None:
    """A unit chosen in a label / value pair above the table: "金额单位" | "万元" (the 决算校验模板's selector)."""
    for r in range(min(upto, len(rows))):
        row = rows[r]
        for c in range(len(row) - 1):
            label, value = _text(row[c]), _text(row[c + 1])
            if label and value and normalize(label) in ("金额单位", "单位", "计量单位") and value in UNIT_SCALE:
                return value
    return None


def _next_table(rows, header_row: int, after: int) -> int | None:
    """First row of a second table stacked below the first (its title / 表号 / unit lines, then a header row with
    one of the first table's label headings), or None."""
    heads = {normalize(t) for r in range(header_row, after + 1) for t in (_text(v) for v in rows[r])
             if t and _is_label_header(t)}
    for r in range(after + 1, len(rows)):
        texts = [_text(v) for v in rows[r] if _text(v)]
        if len(texts) < 2 or not any(_is_label_header(t) and normalize(t) in heads for t in texts):
            continue
        if any(to_decimal(v)[0] is not None for v in rows[r]):
            continue
        start = r
        while start - 1 > after and any(_text(v) for v in rows[start - 1]) and \
                not any(to_decimal(v)[0] is not None for v in rows[start - 1]):
            start -= 1
        if start - 1 > after and any(_text(v) for v in rows[start - 1]):
            return None     # no title, blank row or header block above: a repeated header inside one table
        return start
    return None


def read_blocks(name: str, rows: list[list], merged=(), formats: dict | None = None,
                unit: str | None = None, start: int = 0) -> list[Block]:
    """All budget-table blocks of one sheet grid (`formats`: (row, col) -> CellFormat from the shell; `unit`: the
    amount unit declared outside the grid, e.g. the template's 金额单位 selector, used when the sheet names none)."""
    formats = formats or {}
    width = max((len(r) for r in rows), default=0)
    header_row = None
    for r in range(start, min(len(rows), start + 20)):   # a header row: a label header and one more heading
        texts = [_text(v) for v in rows[r] if _text(v)]
        if len(texts) >= 2 and any(_is_label_header(t) for t in texts):
            header_row = r
            break
    if header_row is None:
        return _read_horizontal(name, rows, list(merged), formats, width, unit) if start == 0 else []
    # header region: down to the last row before data starts (a row with a number under a non-label column)
    label_cols = [c for c, v in enumerate(rows[header_row]) if _is_label_header(_text(v))]
    h1 = header_row
    marks_rows: set[int] = set()
    for r in range(header_row + 1, min(len(rows), header_row + 4)):
        row = rows[r]
        label_texts = [_text(row[c]) if c < len(row) else None for c in label_cols]
        if any(t and normalize(t) in ("栏次", "行次") for t in label_texts) or is_column_marks(row):
            h1 = r
            marks_rows.add(r)
            continue
        numbers = any(to_decimal(v)[0] is not None for c, v in enumerate(row) if c not in label_cols)
        texts = [_text(v) for v in row if _text(v)]
        header_like = len(texts) >= 2 or any(_is_label_header(t) or any(w in t for w in CODE_HEADERS)
                                             for t in texts)
        if numbers or (any(label_texts) and not header_like):
            break
        h1 = r
    # a title row above may hold a merged super-header; the sheet title and unit are above the header
    above = [_text(v) for r in range(start, header_row) for v in rows[r]]
    title = next((t for t in above if t and not _UNIT_RE.search(t)), name)
    sheet_unit = find_unit(above) or find_unit(_text(v) for r in range(header_row, h1 + 1) for v in rows[r]
                                               if _text(v) and "单位" in _text(v)) \
        or unit_selector(rows, header_row) or unit
    h0 = header_row     # a group row above (收入 | 支出, 人员经费 | 公用经费, 预算数 | 决算数)
    while h0 > start and header_row - h0 < 2 and _is_group_row(rows[h0 - 1]):
        h0 -= 1
    grid = _merged_value_grid(rows, list(merged), h0, h1, width)
    headers = []
    for c in range(width):
        parts = []
        for r in range(len(grid)):
            t = grid[r][c]
            if h0 + r in marks_rows:
                continue
            if t and normalize(t) != "栏次" and (not parts or parts[-1] != normalize(t)):
                if not re.fullmatch(r"\d+", t):
                    parts.append(normalize(t))
        headers.append(tuple(parts))
    below = _next_table(rows, header_row, h1)
    data_rows = range(h1 + 1, below if below is not None else len(rows))
    # label columns: by the last header line (科目编码 | 科目名称 under a merged 项目), one per merged header cell
    by_last = [c for c in range(width) if headers[c] and _is_label_header(headers[c][-1])
               and not any(w in headers[c][-1] for w in CODE_HEADERS)]
    by_last = [c for c in by_last if not (c - 1 in by_last and headers[c] == headers[c - 1])]
    if by_last:
        label_cols = by_last
    # blocks: each label column, with a code column just before it
    # code columns: 科目编码, or 类 | 款 | 项 under a merged 科目编码
    code_cols = {c for c in range(width) if headers[c] and (any(w in headers[c][-1] for w in CODE_HEADERS) or
                 headers[c][-1] in ("类", "款", "项") and any(w in "".join(headers[c]) for w in CODE_HEADERS))}
    starts = []
    for lc in label_cols:
        start = lc
        while start - 1 in code_cols:
            start -= 1
        starts.append((start, lc))
    blocks = []
    pending: list[int] = []
    for i, (start, lc) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else width
        own_codes = [c for c in range(start, end) if c in code_cols]
        code_col = own_codes[0] if own_codes else None
        columns = []
        for c in range(start, end):
            if c == lc or c in own_codes or not headers[c] or headers[c][-1] in SKIP_HEADERS:
                continue
            if not any(to_decimal(rows[r][c] if c < len(rows[r]) else None)[0] is not None
                       or _is_dash(rows[r][c] if c < len(rows[r]) else None) for r in data_rows):
                continue
            hdr = headers[c]
            joined = "".join(hdr)
            last = hdr[-1]
            if any(w in last for w in RATE_WORDS) or (last.endswith("率") and len(last) <= 6):
                kind = "rate"
            elif any(w in last for w in SHARE_WORDS) or last in ("%", "％"):
                kind = "share"
            else:
                kind = "amount"
            unit = find_unit([joined.replace("（", "(").replace("）", ")")]) if kind == "amount" else None
            raw_hdr = " ".join(t for t in (grid[r][c] for r in range(len(grid))) if t)
            percent_units = kind != "amount" and ("%" in raw_hdr or "％" in raw_hdr)
            columns.append(Column(c, hdr, kind, unit or sheet_unit, percent_units))
        if not columns:
            pending.append(lc)
            continue
        block = Block(name, lc, code_col, columns, [], sheet_unit, title, (header_row, h1))
        block.code_cols = own_codes
        block.side_labels, pending = pending, []
        block.label_header = headers[lc]
        _read_lines(block, rows, data_rows, formats)
        if block.lines:
            blocks.append(block)
    blocks = _merge_continuations(blocks, rows, formats)
    for block in blocks:
        _infer_structure(block)
    if below is not None:
        blocks += read_blocks(name, rows, merged, formats, unit, start=below)
    return blocks


_MARK = re.compile(r"[A-Z甲乙丙丁戊]")


def is_column_marks(row) -> bool:
    """A 栏次 row written without the word: letters (A, B / 甲, 乙) over the label columns, then 1, 2, 3 …"""
    texts = [_text(v) for v in row if _text(v)]
    marks = [t for t in texts if _MARK.fullmatch(t)]
    nums = [t for t in texts if not _MARK.fullmatch(t) and normalize(t) not in ("栏次", "行次")]
    return bool(marks) and len(nums) >= 2 and nums == [str(i + 1) for i in range(len(nums))]


def _is_column_numbers(row) -> bool:
    """A 栏次 row: 1, 2, 3 … in consecutive cells."""
    nums = [v for v in row if v is not None and _text(v)]
    return len(nums) >= 2 and all(_text(v) == str(i + 1) for i, v in enumerate(nums))


def _read_horizontal(name: str, rows, merged, formats, width, default_unit=None) -> list[Block]:
    """A table without a label column: headers across (预算数 | 决算数 over 合计, 因公出国（境）费, 公务用车购置及运行费
    (小计, 购置费, 运行费), 公务接待费) and one or a few rows of figures (the 2023 公开07 三公 table). One block per
    upper group; each row of figures is a line named by its group."""
    def numeric(row):
        vals = [to_decimal(v)[0] for v in row]
        texts = [v for v, d in zip(row, vals) if d is None and _text(v) and _text(v) not in DASHES]
        return sum(d is not None for d in vals) >= 3 and not texts and not _is_column_numbers(row)
    first = next((r for r in range(min(len(rows), 30)) if numeric(rows[r])), None)
    if first is None:
        return []
    h1 = first - 1
    while h1 >= 0 and _is_column_numbers(rows[h1]):
        h1 -= 1
    h0 = h1
    while h0 - 1 >= 0 and h1 - h0 < 3 and _is_group_row(rows[h0 - 1]):
        h0 -= 1
    if h1 < 0 or not _is_group_row(rows[h1]) and h0 == h1:
        return []
    grid = _merged_value_grid(rows, merged, h0, h1, width)
    headers = []
    for c in range(width):
        parts = []
        for r in range(len(grid)):
            t = grid[r][c]
            if t and (not parts or parts[-1] != normalize(t)):
                parts.append(normalize(t))
        headers.append(tuple(parts))
    if not any(h and h[-1] in ("合计", "小计", "总计") for h in headers):
        return []
    above = [_text(v) for r in range(h0) for v in rows[r]]
    title = next((t for t in above if t and not _UNIT_RE.search(t)), name)
    unit = find_unit(above) or unit_selector(rows, h0) or default_unit
    data = []
    for r in range(first, len(rows)):
        if numeric(rows[r]):
            data.append(r)
        elif any(_text(v) for v in rows[r]):
            break
    groups: dict[str, list[int]] = {}
    for c in range(width):
        if headers[c] and any(c < len(rows[r]) and to_decimal(rows[r][c])[0] is not None for r in data):
            groups.setdefault(headers[c][0] if len(headers[c]) > 1 else "", []).append(c)
    blocks = []
    for group, cols in groups.items():
        # a rate group (增减率 over 合计 | 因公出国（境）费 …) holds rates in every column: never summed
        columns = [Column(c, headers[c], "rate" if any(w in h for h in headers[c] for w in RATE_WORDS) else "amount",
                          unit) for c in cols]
        block = Block(name, cols[0], None, columns, [], unit, title, (h0, h1), horizontal=True)
        for r in data:
            ln = Line(r, group or title, group or title, None, None, 0, False, False)
            for c in cols:
                d, pct = to_decimal(rows[r][c] if c < len(rows[r]) else None)
                if d is None:
                    continue
                ln.values[c] = d
                fmt = formats.get((r, c), CellFormat())
                block.decimals[(r, c)] = fmt.decimals if fmt.decimals is not None else None
            block.lines.append(ln)
        for column in columns:     # General format: the column's own decimals
            general = [(ln.row, column.col) for ln in block.lines
                       if column.col in ln.values and block.decimals.get((ln.row, column.col)) is None]
            if general:
                most = max(decimals_of(block.lines[[x.row for x in block.lines].index(r)].values[c])
                           for r, c in general)
                for k in general:
                    block.decimals[k] = most if most > 0 else None
        blocks.append(block)
    return blocks


def _merge_continuations(blocks: list[Block], rows, formats) -> list[Block]:
    """Column triples that continue the list on their left (科目编码 | 科目名称 | 决算数 twice under one 公用经费
    header, 公开06) become one block; a bottom total written across the merged cells takes its figure from the
    continuation's amount column."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        titles = [c.title for c in b.columns]
        if (prev is None or titles != [c.title for c in prev.columns] or len(set(titles)) != len(titles)
                or b.label_header[-1:] != prev.label_header[-1:]
                or any(ln.total and ln.values for ln in b.lines) or not any(ln.total for ln in prev.lines)):
            out.append(b)
            continue
        colmap = {c.col: p.col for c, p in zip(b.columns, prev.columns)}
        own_rows = {ln.row for ln in b.lines}
        for ln in b.lines:
            ln.values = {colmap[c]: v for c, v in ln.values.items()}
            ln.at = {colmap[c]: c for c in colmap if colmap[c] in ln.values}
        for ln in prev.lines:       # "公用经费合计" across the merged cells, figure in the last triple
            if ln.row in own_rows:
                continue
            row = rows[ln.row]
            for c, pc in colmap.items():
                if pc in ln.values or c >= len(row):
                    continue
                d, _ = to_decimal(row[c])
                if d is not None:
                    ln.values[pc] = d
                    ln.at[pc] = c
                    if (ln.row, c) not in b.decimals:
                        fmt = formats.get((ln.row, c), CellFormat())
                        b.decimals[(ln.row, c)] = fmt.decimals if fmt.decimals is not None else (
                            decimals_of(d) or None)
        k = next((i for i, ln in enumerate(prev.lines) if ln.total), len(prev.lines))
        prev.lines[k:k] = b.lines
        prev.decimals.update(b.decimals)
        prev.percent_cells |= b.percent_cells
    return out


def _tree_code(pieces: list[str], last_code: str | None) -> str:
    """类 | 款 | 项 written as a tree (each row shows only its own part: 204 / 06 / 01): the missing upper parts
    are those of the line above ("" when they cannot be completed)."""
    first = next((i for i, p in enumerate(pieces) if p), None)
    if not first or not last_code or not all(len(p) == 2 and p.isdigit() for p in pieces[first:] if p):
        return ""
    keep = 3 + 2 * (first - 1)
    return last_code[:keep] + "".join(pieces[first:]) if len(last_code) >= keep else ""


def _read_lines(block: Block, rows, data_rows, formats):
    last_code = None
    for r in data_rows:
        row = rows[r]
        raw = row[block.label_col] if block.label_col < len(row) else None
        if raw is None:     # "合计" written across the merged code columns
            raw = next((v for c in block.code_cols if c < len(row) and isinstance(v := row[c], str)
                        and not CODE_RE.match(v.strip())), None)
        if raw is None:     # "合计" in a label column on the left (单位名称 | 项目名称 | 合计 …)
            raw = next((v for c in block.side_labels if c < len(row) and isinstance(v := row[c], str)
                        and is_total_name(normalize(v))), None)
        if raw is None or isinstance(raw, (int, float)) and not isinstance(raw, bool):
            continue
        raw = str(raw)
        if not raw.strip() or raw.strip().startswith(("注", "说明", "备注", "填表人", "单位负责人")):
            continue
        parts = parse_label(raw)
        fmt_indent = formats.get((r, block.label_col), CellFormat()).indent
        code = parts.code
        if block.code_cols:
            pieces = [_code_part(row[c], c in block.code_cols[1:]) if c < len(row) else "" for c in block.code_cols]
            ct = "".join(pieces)
            if ct and not CODE_RE.match(ct):
                ct = _tree_code(pieces, last_code)
            if ct and CODE_RE.match(ct):
                code = ct
        last_code = code or last_code
        line = Line(r, raw, parts.name, code, parts.marker, parts.indent + fmt_indent, parts.of_which,
                    is_total_name(parts.name) and not parts.marker and not code)
        line.ratio = is_ratio_name(parts.name) or raw.rstrip().endswith(("%", "％", "(%)", "（%）"))
        for column in block.columns:
            v = row[column.col] if column.col < len(row) else None
            d, pct_text = to_decimal(v)
            if d is None and column.kind == "amount" and _is_dash(v):
                d = Decimal(0)      # "-" written for a zero amount (never for a share or rate: there it is n/a)
            if d is None:
                continue
            fmt = formats.get((r, column.col), CellFormat())
            line.values[column.col] = d
            if fmt.percent or pct_text:
                block.percent_cells.add((r, column.col))
            if fmt.decimals is not None:
                block.decimals[(r, column.col)] = fmt.decimals + (2 if fmt.percent else 0)
            elif pct_text:
                block.decimals[(r, column.col)] = decimals_of(d)
        block.lines.append(line)
    # General-format cells: a column shows as many decimals as its values carry (integers: exact)
    for column in block.columns:
        cells = [(ln.row, column.col) for ln in block.lines if column.col in ln.values and not ln.ratio]
        general = [k for k in cells if k not in block.decimals]
        for ln in block.lines:      # a share line in an amount column shows its own decimals
            if ln.ratio and column.col in ln.values and (ln.row, column.col) not in block.decimals:
                block.decimals[(ln.row, column.col)] = decimals_of(ln.values[column.col])
        if general:
            by_row = {ln.row: ln for ln in block.lines}
            most = max(decimals_of(by_row[r].values[c]) for r, c in general)
            for k in general:
                block.decimals[k] = most if most > 0 else None


def _code_part(value, sub: bool) -> str:
    """One piece of a code split into 类 | 款 | 项 columns (款 and 项 have two digits: 6 -> "06")."""
    t = _text(value) or ""
    return t.zfill(2) if sub and t.isdigit() and len(t) < 2 else t


# ---------------------------------------------------------------- structure


def _infer_structure(block: Block):
    lines = block.lines
    body = [ln for ln in lines if not ln.total]
    block.coded = bool(body) and sum(1 for ln in body if ln.code) * 2 >= len(body)
    if block.coded:
        seen: dict[str, int] = {}           # code -> first line with it, among the lines above
        for i, ln in enumerate(lines):
            if ln.total or ln.ratio or not ln.code:
                continue
            ln.parent = next((seen[ln.code[:n]] for n in range(len(ln.code) - 1, 2, -1) if ln.code[:n] in seen),
                             None)
            seen.setdefault(ln.code, i)
    else:
        _infer_by_numbering(lines)
    _resolve_totals(block)


_STRUCTURE: dict | None = None


def structure_vocab() -> dict:
    """The [structure] section of toolkit/data/budget_rules.toml (breakdown lines under 结转和结余 …)."""
    global _STRUCTURE
    if _STRUCTURE is None:
        import tomllib
        from importlib import resources
        text = resources.files("toolkit").joinpath("data/budget_rules.toml").read_text(encoding="utf-8")
        data = tomllib.loads(text).get("structure", {})
        _STRUCTURE = {"parents": tuple(normalize(n) for n in data.get("breakdown_parents", [])),
                      "names": {normalize(n) for n in data.get("breakdown_names", [])}}
    return _STRUCTURE


def _infer_by_numbering(lines: list[Line]):
    stack: list[int] = []     # indexes of open ancestors
    last = None               # last non-total line
    vocab = structure_vocab()
    owner = None              # a 结转和结余 line whose breakdown rows may follow
    for i, ln in enumerate(lines):
        if ln.total:
            stack, last, owner = [], i, None        # a "其中" right below a total is a part of that total
            continue
        if ln.ratio:
            continue
        if owner is not None and ln.marker is None and not ln.code and ln.name in vocab["names"]:
            ln.parent, ln.partial, ln.breakdown = owner, True, True   # 一般公共预算财政拨款 under 年初…结转和结余
            continue
        owner = i if any(p in ln.name for p in vocab["parents"]) and not ln.of_which else None
        prev = lines[i - 1] if i else None
        if prev is not None and ln.marker is None and not ln.of_which and ln.indent == prev.indent:
            if prev.partial and prev.marker is None:
                ln.maybe_part_of = prev.parent
            elif prev.maybe_part_of is not None:
                ln.maybe_part_of = prev.maybe_part_of
        if ln.of_which and last is not None:
            # "其中：" opens a group of parts of the line just above
            while stack and stack[-1] != last:
                stack.pop()
            if not stack:
                stack = [last]
            ln.parent, ln.partial = last, True
            stack.append(i)
            last = i
            continue
        parent = None
        while stack:
            top = lines[stack[-1]]
            if top.total:
                stack.pop()
                continue
            if top.partial:
                owner = lines[top.parent]
                if (ln.marker is not None and ln.marker == top.marker) or \
                        (ln.marker is None and top.marker is None and ln.indent > owner.indent):
                    ln.partial, ln.maybe_part_of = True, None     # the next part of the same 其中 group
                    stack.pop()
                    break
                stack.pop()
                continue
            rel = _relation(ln, top, [lines[k] for k in stack])
            if rel == "child":
                break
            stack.pop()
            if rel == "sibling":
                break
        parent = stack[-1] if stack else None
        ln.parent = parent
        if parent is not None and not ln.partial and ln.marker is None and ln.indent == lines[parent].indent:
            ln.uncertain = True
        stack.append(i)
        last = i


def _relation(ln: Line, top: Line, stack: list[Line]) -> str:
    """How `ln` relates to the open line `top`: "child", "sibling" (same level) or "above" (pop further)."""
    if ln.indent > top.indent:
        return "child"
    if ln.indent < top.indent:
        return "above"
    if ln.marker is None:
        return "child" if top.marker is not None else "sibling"
    if ln.marker == top.marker:
        return "sibling"
    if any(s.marker == ln.marker and s.indent == ln.indent for s in stack):
        return "above"
    return "child"


def _resolve_totals(block: Block):
    """Which lines each 合计/总计/小计 line covers: a 小计 the top-level lines since the last total; a 合计/总计 below
    its lines covers them, the 小计s and the total before it (总计 = 收入合计 + 年初结转和结余); a total written on
    top covers the top-level lines after it."""
    lines = block.lines
    top = [i for i, ln in enumerate(lines)
           if ln.parent is None and not ln.total and not ln.ratio and (ln.code or not block.coded)]
    pending: list[int] = []       # top-level lines (and earlier totals) since the last total
    subtotals: list[int] = []     # 小计 lines since the last 合计
    open_top: int | None = None   # a total written above the lines it covers
    for i, ln in enumerate(lines):
        if ln.total:
            if open_top is not None:
                open_top = None
            if pending or subtotals:
                if "小计" in ln.name:
                    block.totals[i] = pending
                    subtotals.append(i)
                    pending = []
                else:
                    block.totals[i] = subtotals + pending
                    pending, subtotals = [i], []
            else:
                block.totals[i] = []
                open_top = i
        elif i in top:
            if open_top is not None:
                block.totals[open_top].append(i)
            else:
                pending.append(i)
    for i in [k for k, v in block.totals.items() if not v]:
        del block.totals[i]
