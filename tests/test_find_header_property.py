"""find_header (toolkit/base/table.py) against its definition, on thousands of random sheets: the best one-row or
two-row header by the number of canonical columns its cells name (aliases.get(header_key(text))), a two-row
header counting only when it names more than either row alone. The fast paths (data rows looked at without
cleaning their cells, pairs bounded before they are built, answers remembered per text) must not change one
answer."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from toolkit.base.sheet import RawSheet
from toolkit.base.table import HeaderMatch, find_header
from toolkit.base.text import clean_text, header_key
from toolkit.ledger.vocab import default_vocabulary
from toolkit.monthly.normalise import return_aliases


def _definition(sheet: RawSheet, aliases: dict, min_matches: int = 2, scan_rows: int = 30,
                ignore: frozenset = frozenset()) -> HeaderMatch | None:
    n = min(scan_rows, len(sheet.rows))
    if n == 0:
        return None
    prefixes = {key[:i] for key in aliases for i in range(len(key) + 1)}
    width = max(len(r) for r in sheet.rows[: n + 1])
    grid = []
    for r in range(min(n + 1, len(sheet.rows))):
        row = list(sheet.rows[r]) + [None] * (width - len(sheet.rows[r]))
        for r0, c0, r1, c1 in sheet.merged:
            if r0 <= r <= r1:
                for c in range(c0, min(c1, width - 1) + 1):
                    row[c] = sheet.cell(r0, c0)
        grid.append(["" if v is None else clean_text(v) for v in row])

    def name(text):
        return aliases.get(header_key(text))

    def match(labels):
        columns, duplicates = {}, []
        for c, t in enumerate(labels):
            canonical = name(t) if t else None
            if canonical is None or (ignore and t in ignore):
                continue
            if canonical in columns:
                duplicates.append((canonical, c))
            else:
                columns[canonical] = c
        return columns, duplicates

    best = None
    for r in range(n):
        candidates = [((r,), grid[r])]
        if r + 1 < len(grid):
            two = []
            for top, bottom in zip(grid[r], grid[r + 1]):
                if bottom and name(bottom) is not None:
                    two.append(bottom)
                elif top and bottom and header_key(top) in prefixes and name(top + bottom) is not None:
                    two.append(top + bottom)
                else:
                    two.append(top or bottom)
            candidates.append(((r, r + 1), two))
        for rows, labels in candidates:
            columns, duplicates = match(labels)
            score = len(columns)
            if len(rows) == 2 and score <= max(len(match(grid[r])[0]), len(match(grid[r + 1])[0])):
                continue
            if score >= min_matches and (best is None or score > best[0]):
                unknown = [c for c, t in enumerate(labels) if t and t not in ignore and c not in columns.values()
                           and c not in [d[1] for d in duplicates]]
                best = (score, HeaderMatch(rows, columns, {c: t for c, t in enumerate(labels) if t},
                                           unknown, duplicates))
    return best[1] if best else None


_HEADERS = ["案号", "受援人", "案件类型", "承办律师", "律师事务所", "指派日期", "补贴金额", "补贴金额（元）", "挽回损失",
            "序号", "办案补贴", "当事人", "援助案号", " 受援人 ", "案件\n类型", "＊案号", "案号：", "(元)", "（万元）",
            "受理日期", "承办人", "身份证号", "结案日期"]
_UPPER = ["补贴", "案件", "受援", "办理情况", "金额", "承办", "日期", "基本信息"]
_LOWER = ["金额", "类型", "人", "律师", "日期", "号", "事务所"]
_DATA = ["(2023)沅法援字第00012号", "张三", "民事", "律师3", "律所1", "2023年3月5日", "1,800元", "某所2023年3月月报",
         "合计", "小计", "注：本表每月报送", "单位：元", "金额单位：万元", "１５００", "Ａ", "  ", "", "a  b", " x",
         "\u3000民事", "e\u0301", "*", "：", "（", "【注】", "受援人甲", "案件类型说明", "2023-03-05", "-5", "inf", "True",
         "|", "\t", "号", "承", "补"]


def _value(rng: random.Random):
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.3:
        return rng.choice([1800.0, 3, -2, 0.5, True, False, float("inf"), dt.date(2023, 3, 5),
                           dt.datetime(2023, 3, 5, 8, 30), dt.time(9, 0), dt.timedelta(days=1)])
    if roll < 0.75:
        return rng.choice(_DATA)
    return rng.choice(_HEADERS + _UPPER + _LOWER)


def _sheet(rng: random.Random) -> RawSheet:
    width = rng.randrange(1, 10)
    rows = []
    for r in range(rng.randrange(0, 40)):
        kind = rng.random()
        if kind < 0.1:
            row = [rng.choice(_HEADERS) for _ in range(width)]
        elif kind < 0.15:
            row = [rng.choice(_UPPER) if rng.random() < 0.7 else None for _ in range(width)]
        elif kind < 0.2:
            row = [rng.choice(_LOWER + _HEADERS) for _ in range(width)]
        else:
            row = [_value(rng) for _ in range(width if rng.random() < 0.9 else rng.randrange(0, 12))]
        rows.append(row)
    merged = []
    for _ in range(rng.randrange(0, 4)):
        if rows:
            r0, c0 = rng.randrange(len(rows)), rng.randrange(width)
            merged.append((r0, c0, min(r0 + rng.randrange(2), len(rows) - 1), c0 + rng.randrange(3)))
    return RawSheet("s", rows, merged)


def _alias_tables():
    returns = return_aliases()
    ledger = default_vocabulary().column_aliases
    digits = dict(returns)
    digits[header_key("1月金额")] = "补贴金额"   # a key beginning with a digit: numbers are no longer plain data
    digits[header_key("True")] = "异地办案"
    return [returns, ledger, digits]


@pytest.mark.parametrize("table", range(3))
def test_find_header_answers_as_its_definition(table):
    aliases = _alias_tables()[table]
    rng = random.Random(4032 + table)
    params = [dict(), dict(min_matches=1), dict(min_matches=3), dict(scan_rows=5), dict(min_matches=0),
              dict(ignore=frozenset({"案号", "补贴金额"})), dict(min_matches=2, scan_rows=1)]
    checked = found = 0
    for _ in range(400):
        sheet = _sheet(rng)
        for kw in params:
            expected = _definition(sheet, aliases, **kw)
            assert find_header(sheet, aliases, **kw) == expected, (sheet.rows, sheet.merged, kw)
            checked += 1
            found += expected is not None
    assert found > checked // 10
