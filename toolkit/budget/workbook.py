"""Checking a budget / final-accounts workbook: the list of checks, run in order by one loop into one collector.

Pure core: sheets come in as grids (plus display formats read by the shell), findings come out. Tables are read by
`toolkit.budget.tables`; each check lives in its own module (`structure_checks`, `identity_checks`, `share_checks`,
`cross_table`, `user_rules`) and adds findings to the `Checker` (`toolkit.budget.checker`), which leaves out the
findings that are only consequences of another one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from toolkit.base.findings import ERROR
from toolkit.budget.blocks import Block
from toolkit.budget.cells import CellFormat
from toolkit.budget.checker import Checker
from toolkit.budget.cross_table import check_cross_table
from toolkit.budget.findings import BudgetFinding
from toolkit.budget.identity_checks import check_balance, check_identities
from toolkit.budget.labels import cell_text, is_label_header, normalize
from toolkit.budget.rules import RuleSet, load_rules
from toolkit.budget.share_checks import check_change_rate_lines, check_change_rates, check_share_lines, check_shares
from toolkit.budget.structure_checks import check_structure, register_sums
from toolkit.budget.tables import read_blocks
from toolkit.budget.unit_checks import check_unit_plausibility
from toolkit.budget.user_rules import check_user_rules

RULES_SHEET = "校验规则"
RESULT_SHEET = "校验结果"


@dataclass
class SheetInput:
    """One sheet as the shell hands it over."""

    name: str
    rows: list[list]
    merged: list = field(default_factory=list)
    formats: dict[tuple[int, int], CellFormat] = field(default_factory=dict)
    unit: str | None = None       # amount unit declared outside the grid (the template's LA_AmountUnit)
    formula_zeros: frozenset = frozenset()   # formulas saved with 0 or no result (RawSheet.formula_zeros), 0-based
    formula_results: bool = False            # some formula of the sheet holds another result (RawSheet)


def read_tables(sheets: list[SheetInput]) -> list[Block]:
    blocks = []
    for s in sheets:
        if normalize(s.name) in (RULES_SHEET, RESULT_SHEET):
            continue
        blocks.extend(read_blocks(s.name, s.rows, s.merged, s.formats, s.unit))
    return blocks


def unchecked_sheets(sheets: list[SheetInput], blocks: list[Block] | None = None) -> list[dict]:
    """Sheets in which no table could be checked, each with the reason: [{"sheet", "reason"}]."""
    blocks = read_tables(sheets) if blocks is None else blocks
    with_tables = {b.sheet for b in blocks}
    out = []
    for s in sheets:
        if s.name in with_tables or normalize(s.name) in (RULES_SHEET, RESULT_SHEET):
            continue
        texts = [t for row in s.rows for t in (cell_text(v) for v in row) if t]
        if not texts:
            reason = "工作表是空的"
        elif any(is_label_header(t) for row in s.rows[:20] for t in (cell_text(v) for v in row) if t):
            reason = "找到了表头，但表中没有金额数字（空表）"
            if any("空表" in t for t in texts):
                reason += "，表注也说明本表为空表"
        else:
            reason = "未找到表头：需要“项目”“科目名称”等列，或带“合计/小计”的横向表头"
        out.append({"sheet": s.name, "reason": reason})
    return out


# ---------------------------------------------------------------- the checks, in order


@dataclass(frozen=True)
class Workbook:
    """What every check sees: the sheets, the tables read from them, the rule set and the user's own rules."""

    sheets: list[SheetInput]
    blocks: list[Block]
    rules: RuleSet
    user_rules: list = field(default_factory=list)
    not_loaded: frozenset = frozenset()


@dataclass(frozen=True)
class Check:
    """One named check of a workbook: `run(book, ck)` adds what it finds to the collector."""

    name: str
    run: Callable[[Workbook, Checker], None]


def _structure(book: Workbook, ck: Checker):
    blocks = book.blocks
    for b in blocks:        # every table's sums first: how far a figure may carry rounding depends on the ones below
        register_sums(b, ck)
    for i, b in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        cont = nxt if nxt is not None and nxt.sheet == b.sheet and not nxt.totals and b.totals else None
        check_structure(b, ck, cont)


def _shares_and_rates(book: Workbook, ck: Checker):
    for b in book.blocks:
        check_shares(b, ck)
        check_share_lines(b, ck)
        check_change_rates(b, book.rules, ck)
        check_change_rate_lines(b, book.rules, ck)


def _user_rules(book: Workbook, ck: Checker):
    if book.user_rules:
        check_user_rules(book.user_rules, book.sheets, book.blocks, book.rules, ck, book.not_loaded)


# The order matters: a later check looks at what earlier ones found (cross-table findings go to the cell that also
# breaks a sum; a share explained by a reported cell is a consequence).
CHECKS: tuple[Check, ...] = (
    Check("上下级、合计行与合计列", _structure),
    Check("恒等式", lambda book, ck: check_identities(book.blocks, book.rules, ck)),
    Check("收支两方总计", lambda book, ck: check_balance(book.blocks, book.rules, ck)),
    Check("占比、执行率与增减幅度", _shares_and_rates),
    Check("跨表一致", lambda book, ck: check_cross_table(book.blocks, book.rules, ck)),
    Check("整表单位（无旁证）", lambda book, ck: check_unit_plausibility(book.blocks, book.rules, ck)),
    Check("自定义规则", _user_rules),
)


def check_workbook(sheets: list[SheetInput], user_rules=None, rules: RuleSet | None = None,
                   not_loaded: frozenset = frozenset()) -> list[BudgetFinding]:
    """All findings for a workbook: every check of `CHECKS` in turn, collected by one `Checker`.

    `not_loaded`: names of the workbook's sheets left out on purpose (user rules about them are skipped)."""
    rules = rules or load_rules()
    ck = Checker(rules)
    ck.tails.note_sheets(sheets)
    book = Workbook(sheets, read_tables(sheets), rules, user_rules or [], frozenset(not_loaded))
    for check in CHECKS:
        check.run(book, ck)
    return sorted(ck.result(), key=lambda f: (f.severity != ERROR, _sheet_order(sheets, f.sheet),
                                              _cell_key(f.cell)))


def _sheet_order(sheets, name):
    names = [s.name for s in sheets]
    return names.index(name) if name in names else len(names)


def _cell_key(cell: str):
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits or 0), len(letters), letters)
