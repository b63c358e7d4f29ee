"""Scores of a self-evaluation (绩效自评): the 绩效指标完成情况表 (a table whose header has 分值 and 得分, pasted as lines or
read from a Word table as tab-separated cells) and the total score the prose states.

Pure core. A row's 得分 may not exceed its 分值; the 合计 row equals the sum of the rows above it (分值 and 得分); with
no 合计 row the 分值 add up to 100 (the 财预〔2020〕10号 scoring: a warning, since a table may show only part of the
indicators); the total score in the prose ("自评得分93.85分", "综合得分为…分") equals the table's; a prose list of the
一级指标 scores ("其中产出指标得分a分、效益指标b分…") adds up to the total it follows.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from toolkit.base.findings import WARNING
from toolkit.report.figures import ReportFinding, fold_forms, format_decimal, sentence_spans, vocabulary

_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def _cells(line: str) -> list[str]:
    """A row's cells; empty cells at the end are kept (a Word row "合计\t90\t88\t" has a last, empty cell)."""
    return [c.strip() for c in re.split(r"\t|\s*[|｜]\s*", line.strip(" \u3000\r").strip("|｜"))]


def _number(cell: str) -> tuple[Decimal, int] | None:
    cell = cell.strip().removesuffix("分")
    if not _NUMBER.match(cell):
        return None
    try:
        value = Decimal(cell)
    except InvalidOperation:
        return None
    return value, max(0, -value.as_tuple().exponent)


def _shown(value: Decimal, decimals: int) -> str:
    return format_decimal(value, decimals, grouped=False)


def score_tables(text: str) -> list[dict]:
    """Each table with a 分值 and a 得分 column: its rows (offset of the line, cells) and the two columns."""
    words = vocabulary()["scores"]
    lines, offsets, pos = [], [], 0
    for line in text.split("\n"):
        lines.append(line)
        offsets.append(pos)
        pos += len(line) + 1
    tables, i = [], 0
    while i < len(lines):
        cells = _cells(lines[i])
        points = next((c for c, x in enumerate(cells) if x in words["points_headers"]), None)
        got = next((c for c, x in enumerate(cells) if x in words["score_headers"]), None)
        if len(cells) < 3 or points is None or got is None or "\t" not in lines[i] and "|" not in lines[i]:
            i += 1
            continue
        rows, j = [], i + 1
        while j < len(lines) and len(_cells(lines[j])) >= 3 and ("\t" in lines[j] or "|" in lines[j]):
            rows.append((offsets[j], lines[j], _cells(lines[j])))
            j += 1
        tables.append({"header": cells, "points": points, "got": got, "rows": rows, "at": offsets[i]})
        i = j
    return tables


def _cell_at(row: tuple, col: int) -> int:
    """The offset of a cell of a row in the text."""
    offset, line, cells = row[:3]
    pad = row[3] if len(row) > 3 else 0
    col = col - pad if col > pad else 0 if col > 0 and pad else col
    parts = re.split(r"(\t|\s*[|｜]\s*)", line)
    at, n = 0, 0
    for part in parts:
        if n == col * 2:
            return offset + at + (len(part) - len(part.lstrip()))
        at += len(part)
        n += 1
    return offset


def _row_name(table: dict, cells: list[str]) -> str:
    """How a message names a row: its 三级指标 (the most specific name), else its first cell."""
    words = vocabulary()["scores"]["indicator_headers"]
    col = next((c for c, x in enumerate(table["header"]) if any(w in x for w in words)), 0)
    return cells[col] if col < len(cells) and cells[col] else cells[0]


def _funds_row(table: dict, row: tuple) -> list[ReportFinding]:
    """A 项目资金 row ("年度资金总额 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分"): 执行率 = 全年执行数 ÷
    全年预算数 (within the rounding of the cells), 得分 = 分值 × 执行率 (at most 分值)."""
    words = vocabulary()["scores"]
    header, cells = table["header"], row[2]

    def col(names, starts=False) -> int | None:
        return next((c for c, x in enumerate(header) for n in names if (x.startswith(n) if starts else x == n)), None)

    b, a, r = col(words["budget_headers"]), col(words["actual_headers"]), col(words["rate_headers"], True)
    if None in (b, a, r) or max(b, a, r, table["got"], table["points"]) >= len(cells):
        return []
    budget, actual = _number(cells[b].replace(",", "")), _number(cells[a].replace(",", ""))
    rate = _number(cells[r].rstrip("%")) if cells[r].endswith("%") else None
    if not (budget and actual and rate) or budget[0] <= 0:
        return []
    half = Decimal(5).scaleb(-max(budget[1], actual[1]) - 1)
    low = (actual[0] - half) / (budget[0] + half) * 100
    high = (actual[0] + half) / (budget[0] - half) * 100
    rate_half = Decimal(5).scaleb(-rate[1] - 1)
    if rate[0] + rate_half < low or rate[0] - rate_half > high:
        expected = _shown(actual[0] / budget[0] * 100, rate[1]) + "%"
        return [ReportFinding("rate", row[1].strip(), cells[r], expected,
                              f"项目资金表“{cells[0]}”一行执行率写作{cells[r]}，而全年执行数{cells[a]}÷全年预算数{cells[b]}"
                              f"＝{expected}。", _cell_at(row, r), ())]
    points, got = _number(cells[table["points"]]), _number(cells[table["got"]])
    if not (points and got):
        return []
    expected = points[0] * min(rate[0], Decimal(100)) / 100
    if abs(expected - got[0]) > Decimal(5).scaleb(-got[1] - 1) + points[0] * rate_half / 100:
        shown = _shown(expected, max(got[1], 2))
        return [ReportFinding("structure", row[1].strip(), cells[table["got"]], shown,
                              f"项目资金表“{cells[0]}”一行得分写作{cells[table['got']]}，按分值{cells[table['points']]}×"
                              f"执行率{cells[r]}应为{shown}。", _cell_at(row, table["got"]), ())]
    return []


def check_score_tables(text: str) -> tuple[list[ReportFinding], list[Decimal]]:
    """Findings on every 分值/得分 table of the text, and each table's total score (for the prose)."""
    words = vocabulary()["scores"]
    folded = fold_forms(text)
    findings, totals = [], []
    for table in score_tables(folded):
        pc, gc = table["points"], table["got"]
        body, total = [], None
        for row in table["rows"]:
            cells = row[2]
            if any(w in cells[0] for w in words["total_rows"]):
                pad = len(table["header"]) - len(cells)    # "合计" written across merged cells: the rest moves right
                total = (row[0], row[1], cells[:1] + [""] * pad + cells[1:], pad) if pad > 0 else row
                break
            body.append(row)
        sums = {}
        for col, name in ((pc, "分值"), (gc, "得分")):
            values = [_number(r[2][col]) for r in body if col < len(r[2])]
            values = [v for v in values if v is not None]
            if values:
                sums[col] = (sum((v for v, _ in values), Decimal(0)), max(d for _, d in values))
        indicators = any(w in c for c in table["header"] for w in words["indicator_headers"])
        for row in body if not indicators else ():
            findings += _funds_row(table, row)
        over = []     # rows whose 得分 exceeds their 分值
        for r in body:
            p = _number(r[2][pc]) if pc < len(r[2]) else None
            g = _number(r[2][gc]) if gc < len(r[2]) else None
            if p and g and g[0] > p[0]:
                over.append(r)
        if total is not None:
            for col, name in ((pc, "分值"), (gc, "得分")):
                stated = _number(total[2][col]) if col < len(total[2]) else None
                if stated is None or col not in sums:
                    continue
                listed, decimals = sums[col]
                places = max(decimals, stated[1])    # whole scores are exact; decimals may each be rounded
                if abs(listed - stated[0]) <= (Decimal(5).scaleb(-places - 1) * len(body) if places else 0):
                    continue
                expected = _shown(listed, places)
                culprit = [r for r in over if col == pc and r[2][gc] and
                           _number(r[2][pc])[0] + stated[0] - listed >= _number(r[2][gc])[0]]
                if len(culprit) == 1:   # a 分值 below its 得分 that the 合计 says is short: that 分值 is the slip
                    r = culprit[0]
                    right = _shown(_number(r[2][pc])[0] + stated[0] - listed, places)
                    over.remove(r)
                    findings.append(ReportFinding(
                        "structure", r[1].strip(), r[2][pc], right,
                        f"绩效指标表“{_row_name(table, r[2])}”一行分值写作{r[2][pc]}，低于其得分{r[2][gc]}；各项分值之和为{expected}，"
                        f"与合计{total[2][col]}不符，该项分值疑应为{right}。", _cell_at(r, pc), ()))
                    continue
                hint = "；满分应为100分，请核对各项分值" if col == pc and stated[0] == 100 else f"，请核对各项{name}或合计行"
                findings.append(ReportFinding(
                    "structure", total[1].strip(), total[2][col], expected,
                    f"绩效指标表合计行的{name}写作{total[2][col]}，而各项{name}之和为{expected}{hint}。",
                    _cell_at(total, col), ()))
            got = _number(total[2][gc]) if gc < len(total[2]) else None
            full = _number(total[2][pc]) if pc < len(total[2]) else None
            if got is not None and full is not None and full[0] == 100:   # a table of part of the score: not the total
                totals.append(got[0])
        elif pc in sums and sums[pc][0] != 100 and len(body) >= 3 and indicators:
            listed = _shown(*sums[pc])
            findings.append(ReportFinding(
                "structure", table["rows"][-1][1].strip() if table["rows"] else "", listed, "100",
                f"绩效指标表没有合计行，各项分值之和为{listed}分，而自评满分通常为100分（按财预〔2020〕10号的计分办法"
                f"推测；若表中只列了部分指标，可不理会）。", table["at"], severity=WARNING))
        elif gc in sums and len(body) >= 3 and indicators and pc in sums and sums[pc][0] == 100:
            totals.append(sums[gc][0])
        for r in over:
            findings.append(ReportFinding(
                "structure", r[1].strip(), r[2][gc], r[2][pc],
                f"绩效指标表“{_row_name(table, r[2])}”一行得分{r[2][gc]}超过该项分值{r[2][pc]}，得分不应高于分值。", _cell_at(r, gc), ()))
    return findings, totals


def check_score_prose(text: str, totals: list[Decimal]) -> list[ReportFinding]:
    """"自评得分93.85分": the total score the prose states equals the table's (when the text has one table of scores);
    "其中产出指标得分a分、效益指标…b分…" adds up to the total stated just before it."""
    words = vocabulary()["scores"]
    folded = fold_forms(text)
    total_re = re.compile(rf"(?:{'|'.join(map(re.escape, words['total_words']))})(?:为|是|达到|达)?"
                          r"\s*(?P<num>[0-9]+(?:\.[0-9]+)?)\s*分(?![钟别之])")
    part_re = re.compile(rf"(?P<name>{'|'.join(map(re.escape, words['first_level']))})(?:得分)?(?:为|是)?"
                         r"\s*(?P<num>[0-9]+(?:\.[0-9]+)?)\s*分(?![钟别之])")
    findings = []
    for offset, sentence in sentence_spans(folded):
        for m in total_re.finditer(sentence):
            if re.search(r"(满分|总分值|分值)", sentence[max(0, m.start() - 2):m.start()]):
                continue
            value = Decimal(m.group("num"))
            at = offset + m.start("num")
            stated = m.group("num") + "分"
            decimals = max(0, -value.as_tuple().exponent)
            if len(set(totals)) == 1 and abs(totals[0] - value) > Decimal(5).scaleb(-decimals - 1):
                expected = str(totals[0])       # as the table writes it
                findings.append(ReportFinding(
                    "table", sentence, stated, expected + "分",
                    f"文中自评得分为{stated}，而绩效指标表合计得分为{expected}分，两者不一致。", at, ()))
                continue
            rest = sentence[m.end():]
            parts = list(part_re.finditer(rest)) if re.match(r"[，,。；;（(]?\s*其中", rest) else []
            if len(parts) >= 2:
                listed = sum((Decimal(p.group("num")) for p in parts), Decimal(0))
                places = max([decimals] + [max(0, -Decimal(p.group("num")).as_tuple().exponent) for p in parts])
                if abs(listed - value) > Decimal(5).scaleb(-places - 1) * len(parts):
                    expected = _shown(listed, places)
                    findings.append(ReportFinding(
                        "breakdown", sentence, stated, expected + "分",
                        f"自评得分写作{stated}，其中所列"
                        f"{'、'.join(p.group('name') + p.group('num') + '分' for p in parts)}之和为{expected}分。", at, ()))
    return findings
