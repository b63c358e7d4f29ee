"""Reading budget / final-accounts tables out of plain grids (pure: no file I/O).

A sheet becomes one or more *blocks* (a label column, an optional code column and the amount / share / rate
columns to its right; 收入支出决算总表 has two blocks side by side). Each data row becomes a `Line`; its parent and
the lines each total covers are inferred by `toolkit.budget.structure`. Labels and headers: `toolkit.budget.labels`;
cell values and formats: `toolkit.budget.cells`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from toolkit.budget.blocks import Block, Column, Line
from toolkit.budget.cells import CellFormat, decimals_of, to_decimal
from toolkit.budget.labels import (_TRADITIONAL_UNIT as _TRADITIONAL, CODE_HEADERS, CODE_RE, DASHES, RATE_WORDS, SHARE_WORDS, SKIP_HEADERS, SPACES, UNIT_RE,
                                   UNIT_SCALE, cell_text, find_unit, is_dash, is_label_header, is_ratio_name,
                                   is_total_name, normalize, parse_label)
from toolkit.budget.rules import rounding_spec
from toolkit.budget.structure import infer_structure


def _merged_value_grid(rows, merged, r0, r1, width):
    """Header texts of rows r0..r1 with merged ranges spread over all their cells."""
    grid = [[cell_text(rows[r][c]) if c < len(rows[r]) else None for c in range(width)] for r in range(r0, r1 + 1)]
    for (mr0, mc0, mr1, mc1) in merged:
        if mr1 < r0 or mr0 > r1:
            continue
        v = cell_text(rows[mr0][mc0]) if mr0 < len(rows) and mc0 < len(rows[mr0]) else None
        for r in range(max(mr0, r0), min(mr1, r1) + 1):
            for c in range(mc0, min(mc1, width - 1) + 1):
                grid[r - r0][c] = v
    return grid


def _is_group_row(row) -> bool:
    """A row of two or more upper headers over the column header (not a title, 表号 or unit line)."""
    texts = [t for t in (cell_text(v) for v in row) if t]
    return len(texts) >= 2 and not any(UNIT_RE.search(SPACES.sub("", t)) or t.startswith(("编制单位", "填报单位"))
                                       or re.search(r"\d", t) for t in texts)


def unit_selector(rows, upto: int) -> str | None:
    """A unit chosen in a label / value pair above the table: "金额单位" | "万元" (the 决算校验模板's selector)."""
    for r in range(min(upto, len(rows))):
        row = rows[r]
        for c in range(len(row) - 1):
            label, value = cell_text(row[c]), cell_text(row[c + 1])
            if label and value and normalize(label) in ("金额单位", "单位", "计量单位") and value in UNIT_SCALE:
                return value
    return None


def _next_table(rows, header_row: int, after: int) -> int | None:
    """First row of a second table stacked below the first (its title / 表号 / unit lines, then a header row with
    one of the first table's label headings), or None."""
    heads = {normalize(t) for r in range(header_row, after + 1) for t in (cell_text(v) for v in rows[r])
             if t and is_label_header(t)}
    for r in range(after + 1, len(rows)):
        texts = [cell_text(v) for v in rows[r] if cell_text(v)]
        if len(texts) < 2 or not any(is_label_header(t) and normalize(t) in heads for t in texts):
            continue
        if any(to_decimal(v)[0] is not None for v in rows[r]):
            continue
        start = r
        while start - 1 > after and any(cell_text(v) for v in rows[start - 1]) and \
                not any(to_decimal(v)[0] is not None for v in rows[start - 1]):
            start -= 1
        if start - 1 > after and any(cell_text(v) for v in rows[start - 1]):
            return None     # no title, blank row or header block above: a repeated header inside one table
        return start
    return None


def read_blocks(name: str, rows: list[list], merged=(), formats: dict | None = None,
                unit: str | None = None, start: int = 0) -> list[Block]:
    """All budget-table blocks of one sheet grid (`formats`: (row, col) -> CellFormat from the shell; `unit`: the
    amount unit declared outside the grid, e.g. the template's 金额单位 selector, used when the sheet names none)."""
    formats = formats or {}
    width = max((len(r) for r in rows), default=0)
    top = start
    limit = stacked_title(rows, start + 1)     # the title of a next table stacked below, after a blank row
    end = limit if limit is not None else len(rows)
    header_row = None
    for r in range(start, min(end, start + 20)):   # a header row: a label header and one more heading
        texts = [cell_text(v) for v in rows[r] if cell_text(v)]
        if len(texts) >= 2 and any(is_label_header(t) for t in texts):
            header_row = r
            break
    if header_row is None:
        blocks = _read_horizontal(name, rows, list(merged), formats, width, unit, start, end)
        return blocks + (read_blocks(name, rows, merged, formats, unit, start=limit) if limit is not None else [])
    # header region: down to the last row before data starts (a row with a number under a non-label column)
    label_cols = [c for c, v in enumerate(rows[header_row]) if is_label_header(cell_text(v))]
    h1 = header_row
    marks_rows: set[int] = set()
    for r in range(header_row + 1, min(len(rows), header_row + 4)):
        row = rows[r]
        label_texts = [cell_text(row[c]) if c < len(row) else None for c in label_cols]
        if any(t and normalize(t) in ("栏次", "行次") for t in label_texts) or is_column_marks(row) or \
                any(normalize(t) == "栏次" for t in (cell_text(v) for v in row) if t):    # 栏次 under the code column
            h1 = r
            marks_rows.add(r)
            continue
        numbers = any(to_decimal(v)[0] is not None for c, v in enumerate(row) if c not in label_cols)
        texts = [cell_text(v) for v in row if cell_text(v)]
        header_like = len(texts) >= 2 or any(is_label_header(t) or any(w in t for w in CODE_HEADERS)
                                             for t in texts)
        if numbers or (any(label_texts) and not header_like):
            break
        h1 = r
    # a title row above may hold a merged super-header; the sheet title and unit are above the header
    above = [cell_text(v) for r in range(start, header_row) for v in rows[r]]
    title = table_title(above, name)
    sheet_unit = find_unit(above) or find_unit(cell_text(v) for r in range(header_row, h1 + 1) for v in rows[r]
                                               if cell_text(v) and "单位" in cell_text(v)) \
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
    if limit is not None and (below is None or limit < below):
        below = limit
    data_rows = range(h1 + 1, below if below is not None else len(rows))
    # label columns: by the last header line (科目编码 | 科目名称 under a merged 项目), one per merged header cell
    by_last = [c for c in range(width) if headers[c] and is_label_header(headers[c][-1])
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
                       or is_dash(rows[r][c] if c < len(rows[r]) else None) for r in data_rows) \
                    and not blank_part_of_group(headers, c, range(start, end), lambda d: any(
                        to_decimal(rows[r][d] if d < len(rows[r]) else None)[0] for r in data_rows)):
                continue
            hdr = headers[c]
            joined = "".join(hdr)
            last = hdr[-1]
            raw_hdr = " ".join(t for t in (grid[r][c] for r in range(len(grid)) if h0 + r not in marks_rows) if t)
            if any(w in last for w in RATE_WORDS) or (last.endswith("率") and len(last) <= 6):
                kind = "rate"
            elif any(w in last for w in SHARE_WORDS) or last in ("%", "％"):
                kind = "share"
            elif _PERCENT_HEAD.search(raw_hdr):
                kind = "rate"       # 决算数为年初预算数的% : a ratio of two columns, never summed
            else:
                kind = "amount"
            unit = find_unit([joined.replace("（", "(").replace("）", ")")]) if kind == "amount" else None
            percent_units = kind != "amount" and ("%" in raw_hdr or "％" in raw_hdr)
            columns.append(Column(c, hdr, kind, unit or sheet_unit, percent_units))
        if not columns:
            pending.append(lc)
            continue
        block = Block(name, lc, code_col, columns, [], sheet_unit, title, (header_row, h1))
        block.code_cols = own_codes
        block.side_labels, pending = pending, []
        block.label_header = headers[lc]
        block.unit_cell = unit_cell(rows, top, header_row)
        _read_lines(block, rows, data_rows, formats)
        if block.lines:
            blocks.append(block)
    blocks = _merge_continuations(blocks, rows, formats)
    for block in blocks:
        infer_structure(block)
    if below is not None:
        blocks += read_blocks(name, rows, merged, formats, unit, start=below)
    return blocks


_TOTAL_HEADS = ("小计", "合计", "总计")
_PERCENT_HEAD = re.compile(r"[%％]\s*[）)]?\s*$")


def blank_part_of_group(headers, c: int, cols, has_figures) -> bool:
    """A column left blank (zero) under an upper header whose 小计 / 合计 column counts it and holds figures
    (公务用车购置及运行费: 小计 | 公务用车购置费 (blank) | 公务用车运行费): kept as an amount column so the 小计 is
    still checked. `has_figures(col)`: whether a column holds a non-zero figure."""
    hdr = headers[c]
    if len(hdr) < 2 or hdr[-1] in _TOTAL_HEADS:
        return False
    return any(d != c and len(headers[d]) == len(hdr) and headers[d][:-1] == hdr[:-1] and headers[d][-1] in _TOTAL_HEADS
               and has_figures(d) for d in cols)


_MARK = re.compile(r"[A-Z甲乙丙丁戊]")


def is_column_marks(row) -> bool:
    """A 栏次 row written without the word: letters (A, B / 甲, 乙) over the label columns, then 1, 2, 3 …"""
    texts = [cell_text(v) for v in row if cell_text(v)]
    marks = [t for t in texts if _MARK.fullmatch(t)]
    nums = [t for t in texts if not _MARK.fullmatch(t) and normalize(t) not in ("栏次", "行次")]
    return bool(marks) and len(nums) >= 2 and nums == [str(i + 1) for i in range(len(nums))]


def _is_column_numbers(row) -> bool:
    """A 栏次 row: 1, 2, 3 … in consecutive cells."""
    nums = [v for v in row if v is not None and cell_text(v)]
    return len(nums) >= 2 and all(cell_text(v) == str(i + 1) for i, v in enumerate(nums))


_UNIT_PART = re.compile(r"[（(【\[]?(?:金额|计量)?单位[:：\s]*(?:万元|千元|元)[）)】\]]?")


def table_title(texts, default: str) -> str:
    """The table's title among the texts above its header: the first that is more than a unit line, 编制单位 line or
    表号 — a title with the unit in it (…支出决算表（单位：万元）) is taken without the unit."""
    for t in texts:
        if not t:
            continue
        core = _UNIT_PART.sub("", SPACES.sub("", t.translate(_TRADITIONAL)))
        if len(core) >= 4 and not core.startswith(("编制单位", "填报单位", "单位名称")) and \
                not re.fullmatch(r"(公开|财决|预算|附)?[表]?[0-9０-９一二三四五六七八九十\-—]+[表号]?", core):
            return core if core != SPACES.sub("", t) else t
    return default


def unit_cell(rows, r0: int, r1: int) -> tuple[int, int] | None:
    """(row, col) of the first cell naming the amount unit (单位：万元) in rows r0..r1-1, the lines above a table."""
    for r in range(r0, min(r1, len(rows))):
        for c, v in enumerate(rows[r]):
            t = cell_text(v)
            if t and find_unit([t]):
                return r, c
    return None


def stacked_title(rows, after: int) -> int | None:
    """The first row from `after` on that is the title of another table stacked below: a single text ending in 表
    (…决算表, …预算表, …情况表) right after a blank row, not a 注 or a "本表无数据" line."""
    for r in range(max(after, 1), len(rows)):
        text, n = None, 0
        for v in rows[r]:           # one non-empty text cell (data rows stop at their second cell)
            if v is not None and v != "":
                n += 1
                if n > 1:
                    break
                text = v
        if n != 1 or not isinstance(text, str) or not cell_text(text) or any(cell_text(v) for v in rows[r - 1]):
            continue
        t = normalize(text)
        t = re.sub(r"（[^（）]*）$", "", t)
        if len(t) >= 5 and t.endswith("表") and not t.startswith("注") and not any(w in t for w in ("无数据", "空表")):
            return r
    return None


def _read_horizontal(name: str, rows, merged, formats, width, default_unit=None, start: int = 0,
                     end: int | None = None) -> list[Block]:
    """A table without a label column: headers across (预算数 | 决算数 over 合计, 因公出国（境）费, 公务用车购置及运行费
    (小计, 购置费, 运行费), 公务接待费) and one or a few rows of figures (the 2023 公开07 三公 table). One block per
    upper group; each row of figures is a line named by its group."""
    def numeric(row):
        vals = [to_decimal(v)[0] for v in row]
        texts = [v for v, d in zip(row, vals) if d is None and cell_text(v) and cell_text(v) not in DASHES]
        return sum(d is not None for d in vals) >= 3 and not texts and not _is_column_numbers(row)
    end = len(rows) if end is None else end
    first = next((r for r in range(start, min(end, start + 30)) if numeric(rows[r])), None)
    if first is None:
        return []
    h1 = first - 1
    while h1 >= start and _is_column_numbers(rows[h1]):
        h1 -= 1
    h0 = h1
    while h0 - 1 >= start and h1 - h0 < 3 and _is_group_row(rows[h0 - 1]):
        h0 -= 1
    if h1 < start or not _is_group_row(rows[h1]) and h0 == h1:
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
    above = [cell_text(v) for r in range(start, h0) for v in rows[r]]
    title = table_title(above, name)
    unit = find_unit(above) or unit_selector(rows[start:], h0 - start) or default_unit
    data = []
    for r in range(first, end):
        if numeric(rows[r]):
            data.append(r)
        elif any(cell_text(v) for v in rows[r]):
            break
    groups: dict[str, list[int]] = {}
    used = [c for c in range(width) if headers[c] and (
        any(c < len(rows[r]) and to_decimal(rows[r][c])[0] is not None for r in data)
        or blank_part_of_group(headers, c, range(width), lambda d: any(
            d < len(rows[r]) and to_decimal(rows[r][d])[0] for r in data)))]
    # upper groups (预算数 | 决算数) unless the 合计 column has none: 合计 | 因公出国（境）费 | 公务用车购置及运行费 (小计 |
    # 购置费 | 运行费) | 公务接待费 is one table whose 公务用车 columns are an item split in two, not a group of their own
    flat = any(len(headers[c]) == 1 and headers[c][0] in _TOTAL_HEADS for c in used)
    for c in used:
        groups.setdefault(headers[c][0] if len(headers[c]) > 1 and not flat else "", []).append(c)
    blocks = []
    for group, cols in groups.items():
        # a rate group (增减率 over 合计 | 因公出国（境）费 …) holds rates in every column: never summed
        columns = [Column(c, headers[c], "rate" if any(w in h for h in headers[c] for w in RATE_WORDS) else "amount",
                          unit) for c in cols]
        block = Block(name, cols[0], None, columns, [], unit, title, (h0, h1), horizontal=True)
        block.unit_cell = unit_cell(rows, start, h0)
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
                    block.decimals[k] = general_decimals(most, column)
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
                            general_decimals(decimals_of(d), prev.column(pc)))
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
            if d is None and column.kind == "amount" and is_dash(v):
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
                block.decimals[k] = general_decimals(most, column)


def general_decimals(most: int, column: Column) -> int | None:
    """Decimals shown by General-format figures carrying at most `most` decimals: whole numbers are exact in 元 but
    rounded to the unit in the units of [rounding] integers_rounded_in (千元 / 万元 tables are rounded from 元)."""
    if most > 0:
        return most
    return 0 if column.kind == "amount" and column.unit in rounding_spec().get("integers_rounded_in", []) else None


_SPACED_CODE = re.compile(r"\d{3}(?:[\s\u3000\xa0]+\d{2}){1,2}")


def _code_part(value, sub: bool) -> str:
    """One piece of a code split into 类 | 款 | 项 columns (款 and 项 have two digits: 6 -> "06"); a whole code
    written with spaces in one column ("204 06 01") is read without them."""
    t = cell_text(value) or ""
    if _SPACED_CODE.fullmatch(t):
        t = SPACES.sub("", t)
    return t.zfill(2) if sub and t.isdigit() and len(t) < 2 else t
