"""Statistics-form returns (法律援助工作统计月报表): items down the side, 本月 / 本年累计 across.

Pure core. A sheet grid comes in; out comes a `StatForm` — each item matched to the standard item list of
toolkit/data/returns.toml by meaning, its figures by column role, the station and period, and warnings with their
cells. The item structure (一、 ⊃ 1. ⊃ 其中) is read by `toolkit.budget.tables.read_blocks` and checked by
`toolkit.budget.structure_checks.check_structure` — the same reading as `legalaid validate`; this module only lays a form's
item columns out as one label column for it, and adds what statistics need: overlapping 其中 groups (special groups
are counted in each group they belong to) and 本年累计 ≥ 本月. The item list and column roles are in
`toolkit.monthly.stat_vocab`; checks across returns and the consolidated forms in `toolkit.monthly.consolidation`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal

from toolkit.budget.cells import a1, decimals_of, to_decimal
from toolkit.budget.checker import Checker
from toolkit.budget.findings import fmt
from toolkit.budget.labels import parse_label
from toolkit.budget.rules import load_rules
from toolkit.budget.structure_checks import check_structure
from toolkit.budget.tables import read_blocks
from toolkit.base.findings import ERROR, WARNING, Finding
from toolkit.base.sheet import RawSheet, stale_note, uncalculated, without_cells
from toolkit.base.text import clean_text, compact
from toolkit.monthly.rules import find_period, period_patterns
from toolkit.monthly.stat_vocab import (CHECKED_ROLES, CUMULATIVE, CUSTOM, MONTH, SUMMED, StatVocabulary, BRACKETS,
                                       column_role, count_text, header_role, money_texts, stat_vocabulary,
                                       without_units)

_SKIP_HEADERS = {"序号", "行次", "栏次", "编号", "单位", "计量单位", "计量", "备注", "说明", "代码"}
_TOTAL_WORDS = {"合计", "小计", "总计", "计", "总数", "合计数", "小计数", "共计"}
_NUMBERING_HEADERS = {"序号", "编号"}
_CN_NUMERAL = re.compile(r"^[一二三四五六七八九十]+$")


# ---------------------------------------------------------------- results


@dataclass
class StatLine:
    """One item of a form: what it matched, where it is, its figures by role."""

    key: str
    name: str                  # standard name, or the label as written for a non-standard item
    label: str                 # the label as written
    row: int                   # 1-based Excel row
    parent: str | None
    values: dict[str, Decimal] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)

    @property
    def standard(self) -> bool:
        return not self.key.startswith(CUSTOM)


@dataclass
class StatForm:
    """A statistics-form return read from one sheet."""

    file: str
    sheet: str
    station: str
    station_source: str
    period: str | None
    lines: list[StatLine]
    columns: dict[str, str]                       # role -> the column's header as written
    header_rows: tuple[int, int]                  # 1-based
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def line(self, key: str) -> StatLine | None:
        return next((ln for ln in self.lines if ln.key == key), None)


# ---------------------------------------------------------------- layout: one label column for read_blocks


def _text(v) -> str | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    t = clean_text(v)
    return t or None


def _is_number(v) -> bool:
    return to_decimal(v)[0] is not None


@dataclass
class _Layout:
    header_row: int                 # 0-based first header row
    last_header: int                # 0-based last header row
    span: list[int]                 # item label columns, left to right
    roles: dict[int, str]           # column -> role
    numbering: int | None = None    # a 序号 column left of the items holding 一 / 1 / （一） / 其中


def _find_layout(vocab: StatVocabulary, sheet: RawSheet) -> _Layout | None:
    rows = sheet.rows
    n = min(len(rows), 25)
    for r in range(n):
        row = rows[r]
        found = [c for c, v in enumerate(row) if isinstance(v, str) and header_role(vocab, v)]
        if not found:
            continue
        first = min(found)
        if first == 0:
            continue
        # header lines: this row and the rows below it that carry role words and no figures
        last = r
        for r2 in range(r + 1, min(len(rows), r + 4)):
            nxt = rows[r2]
            has_roles = any(isinstance(v, str) and header_role(vocab, v) for v in nxt[first:])
            has_numbers = any(_is_number(v) for v in nxt[first:])
            if has_roles and not has_numbers:
                last = r2
            else:
                break
        width = max(len(x) for x in rows[r:last + 1])
        lines_of = {c: [_spread(sheet, rr, c) for rr in range(r, last + 1)] for c in range(first, width)}
        roles = {c: role for c, ls in lines_of.items() if (role := column_role(vocab, ls))}
        if not any(role in SUMMED for role in roles.values()):
            continue
        data = range(last + 1, len(rows))
        span = []
        numbering = None
        for c in range(first):
            head = compact(clean_text(_spread(sheet, r, c) or ""))
            if head in _NUMBERING_HEADERS and numbering is None:
                numbering = c
            if head in _SKIP_HEADERS:
                continue
            if any(isinstance(rows[d][c] if c < len(rows[d]) else None, str) and _text(rows[d][c]) is not None
                   and not _is_number(rows[d][c]) for d in data):
                span.append(c)
        if span:
            return _Layout(r, last, span, roles, numbering if numbering is not None and numbering < span[0] else None)
    return None


def _spread(sheet: RawSheet, r: int, c: int):
    """The value shown at (r, c): a merged range's value over all its cells."""
    v = sheet.cell(r, c)
    if v is not None:
        return v
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r <= r1 and c0 <= c <= c1:
            return sheet.cell(r0, c0)
    return None


def _marker(value) -> str:
    """A 序号 cell as the numbering it stands for: 一 → "一、", 1 → "1.", （一） as is, 其中 → "其中："."""
    t = _text(value)
    if not t:
        return ""
    t = t.rstrip("、.．")
    if _CN_NUMERAL.match(t):
        return t + "、"
    if t.isdigit() and len(t) <= 2:
        return t + "."
    if re.fullmatch(r"[（(][一二三四五六七八九十\d]+[）)]", t):
        return t
    if compact(t).rstrip("：:") == "其中":
        return "其中："
    return ""


def _covered_from_above(sheet: RawSheet, r: int, c: int) -> bool:
    return any(r0 < r <= r1 and c0 <= c <= c1 for r0, c0, r1, c1 in sheet.merged)


def _one_label_column(vocab: StatVocabulary, sheet: RawSheet, lay: _Layout) -> tuple[list[list], list, dict, dict]:
    """A copy of the grid with the item columns written as one indented label column (cells keep their places),
    the rows above the header blanked; a context hint (row -> group item key) for rows without a group line, and
    each row's item text as written (row -> text)."""
    rows = [list(r) for r in sheet.rows]
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r.extend([None] * (width - len(r)))
    for r in range(lay.header_row):
        rows[r] = [None] * width
    c0 = lay.span[0]
    for r in range(lay.header_row, lay.last_header + 1):
        for c in lay.span:
            rows[r][c] = None
        for c in range(c0):
            rows[r][c] = None
    rows[lay.header_row][c0] = "项目"
    merged = [m for m in sheet.merged if m[2] >= lay.header_row and not (m[1] <= lay.span[-1] and m[3] >= c0)]
    hints: dict[int, str] = {}
    written: dict[int, str] = {}
    head_key = None
    parts_seen: set = set()
    group_hint = None
    group = None                        # the current 类别 text
    for r in range(lay.last_header + 1, len(rows)):
        texts = []
        for i, c in enumerate(lay.span):
            t = _text(sheet.cell(r, c))
            if t is None and i == 0 and not _covered_from_above(sheet, r, c):
                t = None
            texts.append(t)
        for c in lay.span:
            rows[r][c] = None
        marker = _marker(sheet.cell(r, lay.numbering)) if lay.numbering is not None else ""
        if marker and len(lay.span) == 1 and isinstance(sheet.cell(r, c0), str):
            label = sheet.cell(r, c0)
            rows[r][c0] = label if parse_label(label).marker or parse_label(label).of_which else marker + label.strip()
            written[r] = str(label).strip()
            continue
        filled = [(i, t) for i, t in enumerate(texts) if t is not None and not _is_number(sheet.cell(r, lay.span[i]))]
        if not filled:
            continue
        written[r] = " ".join(str(sheet.cell(r, lay.span[i])).strip() for i, _ in filled)
        if len(lay.span) == 1:
            rows[r][c0] = sheet.cell(r, c0)
            continue
        if filled[0][0] == 0 and len(filled) > 1 and group is not None and compact(filled[0][1]) == group:
            filled = filled[1:]         # the 类别 written again on every row of its group, not merged
        i0, t0 = filled[0]
        rest = [t for i, t in filled[1:]]
        if i0 == 0:
            group = compact(t0)
        if i0 == 0 and (not rest or compact(rest[-1]) in _TOTAL_WORDS):
            label, level = t0, 0
            head_key = _lookup(vocab, t0, None)
            parts_seen, group_hint = set(), None
        elif i0 == 0 and compact(t0).rstrip("：:") in ("其中",):
            label, level = "其中：" + "".join(rest), 1
        elif i0 == 0 and len(rest) == 1 and _lookup(vocab, rest[0], None) is not None and \
                vocab.by_key[_lookup(vocab, rest[0], None)].parent is None:
            label, level = rest[0], 0                       # the group's first row names the group item itself
            head_key = _lookup(vocab, rest[0], None)
            parts_seen, group_hint = set(), None
        elif i0 == 0:
            label, level = "".join(rest), 1                 # a group without its own line: its rows stand alone
            head_key, parts_seen = None, set()
            group_hint = _lookup(vocab, t0, None)
        else:
            label, level = "".join(t for _, t in filled), i0
        if level and head_key is not None:
            key = _lookup(vocab, label, head_key)
            item = vocab.by_key.get(key) if key else None
            parent = vocab.by_key.get(head_key)
            if item is not None and item.parent == head_key and parent.parts in ("subset", "overlap") \
                    and not compact(label).startswith("其中") and not parts_seen:
                label = "其中：" + label
            if item is not None and item.parent == head_key:
                parts_seen.add(key)
        if group_hint is not None and level:
            hints[r] = group_hint
            level = 0
        rows[r][c0] = "  " * level + label
    return rows, merged, hints, written


# ---------------------------------------------------------------- items


def _lookup(vocab: StatVocabulary, label, parent_key: str | None) -> str | None:
    """The standard item a label means, in the context of its parent item."""
    keys = vocab.index.get(vocab.key_of(label), ())
    if not keys:
        return None
    if parent_key is not None and not parent_key.startswith(CUSTOM):
        under = [k for k in keys if vocab.by_key[k].parent == parent_key]
        if under:
            return under[0]
        top = [k for k in keys if vocab.by_key[k].parent is None]
        return top[0] if top else None
    top = [k for k in keys if vocab.by_key[k].parent is None]
    return (top or list(keys))[0]


_UNIT_SCALES = (("万元", Decimal(10000)), ("千元", Decimal(1000)), ("元", Decimal(1)))


def _label_scale(vocab: StatVocabulary, label: str) -> Decimal | None:
    """The money unit a label declares ("挽回经济损失（万元）" → 10000), or None."""
    inner = "".join(BRACKETS.findall(clean_text(label).translate(vocab.traditional)))
    return next((scale for word, scale in _UNIT_SCALES if word in inner), None)


def _sheet_money_scale(vocab: StatVocabulary, sheet: RawSheet, header_row: int) -> Decimal:
    """The money unit declared above the form ("单位：件、人次、万元"), else 元."""
    for r in range(min(header_row, len(sheet.rows))):
        for v in sheet.rows[r]:
            t = _text(v)
            if t and "单位" in t.translate(vocab.traditional):
                t = t.translate(vocab.traditional)
                found = next((scale for word, scale in _UNIT_SCALES if word in t), None)
                if found is not None:
                    return found
    return Decimal(1)


# ---------------------------------------------------------------- reading one sheet


def read_stat_form(sheet: RawSheet, file: str, vocab: StatVocabulary | None = None, file_stem: str = "",
                   min_items: int = 2) -> StatForm | None:
    """The statistics form on a sheet, or None when the sheet is not one (fewer than `min_items` known items)."""
    vocab = vocab or stat_vocabulary()
    stale = uncalculated(sheet)                      # formulas never calculated (a 总数 saved as 0): not filled
    if stale:
        sheet = without_cells(sheet, stale)
    sheet, explicit = money_texts(vocab, sheet)      # before without_units: "35,000元" keeps its unit
    sheet, with_units = without_units(vocab, sheet)
    lay = _find_layout(vocab, sheet)
    if lay is None:
        return None
    sheet, unread, in_words = _figures_in_words(vocab, sheet, lay)
    reading = _Reading(explicit, unread)
    grid, merged, hints, written = _one_label_column(vocab, sheet, lay)
    blocks = [b for b in read_blocks(sheet.name, grid, merged, {}) if any(c.col in lay.roles for c in b.columns)]
    if not blocks:
        return None
    findings: list[Finding] = []
    notes: list[str] = [f"{with_units} 个数字带有单位（如“12件”），已按数字读取。"] if with_units else []
    if stale:
        notes.append(stale_note(stale))
    if in_words:
        notes.append(f"{in_words} 个数字用汉字书写（如“十二”），已按数字读取。")
    lines_out: list[StatLine] = []
    columns: dict[str, str] = {}
    known = 0
    pending = []
    for block in blocks:
        cols = [c for c in block.columns if lay.roles.get(c.col) in CHECKED_ROLES]
        by_role = {}
        for c in cols:
            by_role.setdefault(lay.roles[c.col], c)
        if not any(r in by_role for r in SUMMED):
            continue
        block = dataclasses.replace(block, columns=cols)
        keys: list[str | None] = []
        for i, ln in enumerate(block.lines):
            parent_key = keys[ln.parent] if ln.parent is not None else hints.get(ln.row)
            key = _lookup(vocab, ln.raw, parent_key)
            keys.append(key)
        known += sum(1 for k in keys if k)
        pending.append((block, keys, by_role))
    if known < min_items:
        return None
    for block, keys, by_role in pending:
        for role, c in by_role.items():
            columns.setdefault(role, "·".join(c.header))
        lines_out += _check_block(vocab, sheet, file, block, keys, by_role, findings, notes, written,
                                  _sheet_money_scale(vocab, sheet, lay.header_row), reading)
    if reading.converted:
        notes.append(f"{reading.converted} 个金额写明了单位（如“3.5万元”），按所写单位换算为元（不再按表头或“单位”行换算）。")
    _check_duplicates(lines_out, sheet, file, findings)
    station, station_source = find_station(vocab, sheet, lay.header_row, file_stem)
    return StatForm(file, sheet.name, station, station_source, None, lines_out, columns,
                    (lay.header_row + 1, lay.last_header + 1), findings, notes)


def _check_block(vocab, sheet, file, block, keys, by_role, findings, notes, written, money_scale,
                 reading: "_Reading") -> list[StatLine]:
    lines = block.lines
    # money unit of each line: its own label's, else its nearest ancestor's, else the form's
    scales = []
    for i, ln in enumerate(lines):
        own = _label_scale(vocab, ln.raw)
        inherited = next((scales[p] for p in _ancestors(lines, i)), None)
        scales.append(own if own is not None else inherited if inherited is not None else money_scale)

    def shown(ln) -> str:
        return written.get(ln.row) or _shown(ln.raw)

    def warn(row, cell, message, value=None):
        findings.append(Finding(WARNING, message, sheet.name, row, cell, value, file))

    _apply_reading(vocab, sheet, file, block, keys, by_role, scales, reading, findings, shown)

    parents = [next((keys[p] for p in _ancestors(lines, i) if keys[p]), None) for i in range(len(lines))]
    # overlapping 其中 groups (special groups): each part at most its total, never added up
    overlap: list[tuple[int, int]] = []
    for j, ln in enumerate(lines):
        owner = ln.parent if ln.parent is not None else ln.maybe_part_of
        if owner is None and ln.maybe_part_of is not None:
            owner = ln.maybe_part_of
        if owner is None or keys[owner] is None:
            continue
        if vocab.by_key[keys[owner]].parts == "overlap":
            overlap.append((j, owner))
            ln.parent, ln.partial, ln.uncertain, ln.maybe_part_of = None, False, False, None
    for ln in lines:
        if ln.maybe_part_of is not None and any(ln.maybe_part_of == o for _, o in overlap):
            ln.maybe_part_of = None
    ck = Checker(load_rules())
    check_structure(block, ck)
    for f in ck.result():
        row = int("".join(ch for ch in f.cell if ch.isdigit()) or 0) or None
        warn(row, f.cell, f.message, None if f.actual is None else fmt(f.actual))
    for j, owner in overlap:
        for role, c in by_role.items():
            part, whole = lines[j].values.get(c.col), lines[owner].values.get(c.col)
            if part is not None and whole is not None and part > whole:
                cell = a1(lines[j].row, c.col)
                warn(lines[j].row + 1, cell,
                     f"“{shown(lines[j])}”{role}为 {fmt(part)}，大于“{shown(lines[owner])}”的 {fmt(whole)}"
                     f"（{a1(lines[owner].row, c.col)}）：其中项不应超过总数。", fmt(part))
    out = []
    skipped = []
    for i, ln in enumerate(lines):
        key = keys[i]
        values = {role: ln.values[c.col] for role, c in by_role.items() if c.col in ln.values}
        label = shown(ln)
        if key is None and not values:
            skipped.append(ln.row + 1)
            continue
        parent = parents[i]
        if key is None:
            name = parse_label(clean_text(ln.raw)).name
            key = CUSTOM + (f"{parent}/" if parent else "") + vocab.key_of(ln.raw)
            warn(ln.row + 1, a1(ln.row, block.label_col),
                 f"项目“{label}”不是标准统计项目，已在汇总中单列；如果它就是某个标准项目的另一种叫法，"
                 f"请在“项目对照”中补充（两列：表中项目、标准项目）。", label)
        else:
            name = vocab.by_key[key].name
        scale = scales[i] if (not key.startswith(CUSTOM) and vocab.by_key[key].unit == "元") else 1
        line = StatLine(key, name, label, ln.row + 1, parent,
                        {r: reading.explicit.get((ln.row, by_role[r].col), v * scale) for r, v in values.items()},
                        {role: a1(ln.row, c.col) for role, c in by_role.items() if c.col in ln.values})
        if MONTH in line.values and CUMULATIVE in line.values and line.values[CUMULATIVE] < line.values[MONTH]:
            warn(line.row, line.cells[CUMULATIVE],
                 f"“{label}”本年累计 {fmt(values[CUMULATIVE])} 小于本月 {fmt(values[MONTH])}"
                 f"（{line.cells[MONTH]}）：本年累计应包括本月。", fmt(values[CUMULATIVE]))
        out.append(line)
    if skipped:
        notes.append(f"“{sheet.name}”第{'、'.join(map(str, skipped))}行没有数字、也不是统计项目，作为说明跳过。")
    return out


@dataclass
class _Reading:
    """How the figures' texts were read: money with its own unit ({(row, col): 元}), texts that are no figure."""

    explicit: dict
    unread: dict
    converted: int = 0


def _figures_in_words(vocab: StatVocabulary, sheet: RawSheet, lay: _Layout) -> tuple[RawSheet, dict, int]:
    """The figure columns' texts below the header read as numbers where they are ("十二", "一百二十人次"); the
    others ({(row, col): text}) are reported where they stand on an item's line (never read as 0)."""
    unread, rows, words = {}, None, 0
    for r in range(lay.last_header + 1, len(sheet.rows)):
        for c in lay.roles:
            v = sheet.cell(r, c)
            if not isinstance(v, str) or not clean_text(v) or _is_number(v):
                continue
            try:
                number = count_text(vocab, v)
            except ValueError:
                unread[(r, c)] = clean_text(v)
                continue
            if rows is None:
                rows = [list(x) for x in sheet.rows]
            rows[r][c] = None if number is None else str(number)
            words += number is not None
    return (dataclasses.replace(sheet, rows=rows) if rows is not None else sheet), unread, words


def _apply_reading(vocab, sheet, file, block, keys, by_role, scales, reading: _Reading, findings, shown) -> None:
    """Money written with its unit becomes the line's own unit (exactly: 35,000元 on a 万元 line is 3.5); a money
    text on a count line, and a text that is no figure on an item's line, are errors at their cells."""
    roles = {c.col: role for role, c in by_role.items()}
    for i, ln in enumerate(block.lines):
        key = keys[i]
        money = key is not None and not key.startswith(CUSTOM) and vocab.by_key[key].unit == "元"
        for col in list(ln.values):
            amount = reading.explicit.get((ln.row, col))
            if amount is None or col not in roles:
                continue
            if money or key is None or key.startswith(CUSTOM):
                ln.values[col] = amount / scales[i] if money else amount
                block.decimals[(ln.row, col)] = decimals_of(ln.values[col]) or None
                reading.converted += 1
                continue
            del ln.values[col]
            unit = vocab.by_key[key].unit
            findings.append(Finding(ERROR, f"“{shown(ln)}”{roles[col]}写的是金额“{sheet.cell(ln.row, col)}”，但该项目"
                                    f"以{unit}计：未读取，请改为{unit}数。", sheet.name, ln.row + 1,
                                    a1(ln.row, col), str(sheet.cell(ln.row, col)), file))
        if key is None and not ln.values:
            continue                                  # a note below the form, not an item
        for col, role in roles.items():
            text = reading.unread.get((ln.row, col))
            if text is not None:
                findings.append(Finding(ERROR, f"“{shown(ln)}”{role}“{text}”不是可识别的数字（应为数字，如 12、1,500元、"
                                        "3.5万元）：未读取（不按 0 计），请改正后重新整理。", sheet.name, ln.row + 1,
                                        a1(ln.row, col), text, file))


def _ancestors(lines, i):
    p = lines[i].parent
    while p is not None:
        yield p
        p = lines[p].parent


def _check_duplicates(lines: list[StatLine], sheet: RawSheet, file: str, findings: list[Finding]) -> None:
    seen: dict[str, StatLine] = {}
    for ln in list(lines):
        first = seen.get(ln.key)
        if first is None:
            seen[ln.key] = ln
            continue
        lines.remove(ln)
        findings.append(Finding(WARNING, f"第{ln.row}行“{ln.label}”与第{first.row}行“{first.label}”是同一统计项目"
                                f"（{_plain(ln.name)}），只使用了第{first.row}行。", sheet.name, ln.row, None, None, file))


def _shown(raw) -> str:
    return clean_text(raw)


def _plain(name: str) -> str:
    return parse_label(name).name


# ---------------------------------------------------------------- station


def find_station(vocab: StatVocabulary, sheet: RawSheet, header_row: int, file_stem: str) -> tuple[str, str]:
    """(station name, where it came from): a 填报单位 cell, the title, the file name."""
    labels = tuple(compact(x) for x in vocab.station_labels)
    texts = []
    for r in range(min(header_row, len(sheet.rows))):
        row = sheet.rows[r]
        for c, v in enumerate(row):
            t = _text(v)
            if not t or isinstance(v, (int, float)):
                continue
            key = compact(t.translate(vocab.traditional))
            if key.startswith(labels):
                label = next(x for x in labels if key.startswith(x))
                after = t.split("：", 1)[1] if "：" in t else t.split(":", 1)[1] if ":" in t else ""
                after = re.split(r"\s{2,}|\s(?=\S*[:：])", after.strip())[0] if after.strip() else ""
                if not after:
                    after = next((_text(x) for x in row[c + 1:] if _text(x)), "") or ""
                name = _clean_station(vocab, after)
                if name and compact(name) != label:
                    return name, "填报单位"
            texts.append(t)
    for t in texts:
        if find_period(t) is None and not any(w in t for w in vocab.title_words[:12]):
            continue
        name = _station_from_title(vocab, t)
        if name:
            return name, "标题"
    name = _station_from_title(vocab, file_stem) if file_stem else ""
    return (name, "文件名") if name else (file_stem or sheet.name, "文件名")


def _clean_station(vocab: StatVocabulary, text: str) -> str:
    t = clean_text(text)
    for w in vocab.station_noise:
        t = t.replace(clean_text(w), "")
    return t.strip(" ：:，,")


def _station_from_title(vocab: StatVocabulary, text: str) -> str:
    t = clean_text(text).translate(vocab.traditional)
    for pattern in period_patterns():
        t = pattern.sub(" ", t)
    t = re.sub(r"(?:19|20)\d{2}\s*年(?:度)?", " ", t)
    for w in vocab.title_words:
        t = t.replace(w, " ")
    t = re.sub(r"[（(][^）)]*[）)]", " ", t)
    parts = [p for p in re.split(r"[\s_\-—·,，]+", t) if p]
    return _clean_station(vocab, parts[0]) if parts else ""


def station_key(vocab: StatVocabulary, station: str) -> str:
    return compact(clean_text(station).translate(vocab.traditional))
