"""Property tests: random consistent hierarchies give no findings; one perturbed cell is found with its difference."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.budget.workbook import check_workbook, SheetInput
from toolkit.budget.cells import CellFormat, a1

CN = "一二三四五六七八九十"
MARKERS = [lambda i: f"{CN[i]}、", lambda i: f"（{CN[i]}）", lambda i: f"{i + 1}."]


@st.composite
def trees(draw, depth=0):
    """A list of nodes; a node is a list of children (leaves are empty lists)."""
    n = draw(st.integers(1, 4))
    if depth == 2:
        return [[] for _ in range(n)]
    return [draw(trees(depth=depth + 1)) if draw(st.booleans()) else [] for _ in range(n)]


@st.composite
def tables(draw):
    return {
        "tree": draw(trees()),
        "style": draw(st.sampled_from(["numbered", "coded", "indented"])),
        "ncols": draw(st.integers(1, 3)),
        "total_column": draw(st.booleans()),
        "total_on_top": draw(st.booleans()),
        "decimals": draw(st.sampled_from([2, 4])),
        "unit": draw(st.sampled_from(["元", "万元"])),
        "share": draw(st.sampled_from([None, "parent", "total"])),
        "seed": draw(st.lists(st.integers(10_000, 90_000_000), min_size=200, max_size=200)),
    }


def build(spec, rounded: bool):
    """Grid + formats of one table; leaves carry 2 extra decimals and are rounded for display if `rounded`."""
    d = spec["decimals"]
    extra = 2 if rounded else 0
    q = Decimal(1).scaleb(-d)
    seeds = iter(spec["seed"])
    ncols = spec["ncols"]
    lines = []   # (label, indent, code, values, parent index)

    def add(nodes, level, parent, code_prefix):
        for i, kids in enumerate(nodes):
            idx = len(lines)
            code = f"{code_prefix}{i + 1:02d}" if code_prefix else f"3{i + 1:02d}"
            if spec["style"] == "numbered":
                label = MARKERS[level](i) + f"项目{idx}"
            elif spec["style"] == "coded":
                label = f"项目{idx}"
            else:
                label = "\u3000" * level + f"项目{idx}"
            lines.append([label, code, None, parent])
            if kids:
                add(kids, level + 1, idx, code)
                lines[idx][2] = [sum((lines[j][2][c] for j in range(len(lines)) if lines[j][3] == idx), Decimal(0))
                                 for c in range(ncols)]
            else:
                lines[idx][2] = [Decimal(next(seeds)).scaleb(-(d + extra)) for _ in range(ncols)]
    add(spec["tree"], 0, None, "")
    total = [sum((ln[2][c] for ln in lines if ln[3] is None), Decimal(0)) for c in range(ncols)]
    body = [["合计", None, total, None]]
    body = body + lines if spec["total_on_top"] else lines + body
    with_total_col = spec["total_column"] and ncols >= 2
    header = ["科目编码"] * (spec["style"] == "coded") + ["项目"] + ["合计"] * with_total_col + \
        [f"决算数{c + 1}" if ncols > 1 else "决算数" for c in range(ncols)] + ["占比"] * bool(spec["share"])
    grand = total[-1]

    def share_of(ln):       # of the last amount column: against the parent line or the table total
        parent = ln[3]
        base = grand if parent is None or spec["share"] == "total" else lines[parent][2][-1]
        return ln[2][-1] / base if base else None
    rows = [[f"测试表（单位：{spec['unit']}）"], header]
    formats = {}
    grid_row = {id(ln): 2 + i for i, ln in enumerate(body)}
    total_row = grid_row[id(body[0] if spec["total_on_top"] else body[-1])]
    up = {}       # grid row -> grid row of its parent (the 合计 line for top-level lines)
    for ln in lines:
        up[grid_row[id(ln)]] = total_row if ln[3] is None else grid_row[id(lines[ln[3]])]
    for label, code, values, _ in body:
        shown = [v.quantize(q, rounding=ROUND_HALF_UP) for v in values]
        row_total = [sum(values, Decimal(0)).quantize(q, rounding=ROUND_HALF_UP)] if with_total_col else []
        row = ([code if label != "合计" else None] if spec["style"] == "coded" else []) + [label] + \
            [float(v) for v in row_total + shown]
        r = len(rows)
        for c in range(len(row) - len(shown) - len(row_total), len(row)):
            formats[(r, c)] = CellFormat(decimals=d)
        if spec["share"]:
            share = Decimal(1) if label == "合计" else share_of(next(ln for ln in lines if ln[0] == label))
            if share is not None:
                row.append(float(share.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)))
                formats[(r, len(row) - 1)] = CellFormat(decimals=2, percent=True)
        rows.append(row)
    return rows, formats, up


def cells_of(rows):
    """The amount cells (not the share column)."""
    share_col = len(rows[1]) - 1 if rows[1][-1] == "占比" else None
    return [(r, c) for r in range(2, len(rows)) for c in range(len(rows[r]))
            if isinstance(rows[r][c], float) and c != share_col]


FAST = settings(max_examples=int(__import__("os").environ.get("BUDGET_EXAMPLES", 60)), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(tables())
def test_consistent_rounded_tables_give_no_findings(spec):
    rows, formats, _ = build(spec, rounded=True)
    findings = check_workbook([SheetInput("表", rows, [], formats)])
    assert findings == [], [f.message for f in findings]


@FAST
@given(tables(), st.data())
def test_one_perturbed_cell_is_found_with_its_difference(spec, data):
    rows, formats, up = build(spec, rounded=False)
    assert check_workbook([SheetInput("表", rows, [], formats)]) == []
    r, c = data.draw(st.sampled_from(cells_of(rows)))
    delta = data.draw(st.integers(1, 5000)) * Decimal(1).scaleb(-spec["decimals"]) + 1
    rows[r][c] = float(Decimal(repr(rows[r][c])) + delta)
    findings = check_workbook([SheetInput("表", rows, [], formats)])
    assert findings, "perturbation not found"
    # a 合计 on top of unnumbered rows of one level: which rows are its parts is a guess, so a warning
    flat_top = spec["total_on_top"] and spec["style"] == "indented" and all(not kids for kids in spec["tree"]) \
        and len(spec["tree"]) >= 3
    errors = [f for f in findings if f.rule != "占比" and (f.severity == "error" or flat_top and "结构不明确" in f.rule)]
    assert errors and all(abs(f.difference) == delta for f in errors), [f.message for f in findings]
    # a share computed from the changed figure may be off as well: it is reported at that row's share cell
    assert all(f.cell[0] == "ABCDEFG"[len(rows[1]) - 1] for f in findings if f.rule == "占比")
    places = {f.cell for f in errors}
    related = related_cells(rows, r, c, spec, up)
    assert places <= related, (a1(r, c), places, [f.message for f in findings])


def related_cells(rows, r, c, spec, up):
    """The perturbed cell, its parent line's cell (or the 合计 line's) in the same column, its row's 合计 cell."""
    out = {a1(r, c)}
    if r in up:
        out.add(a1(up[r], c))
    label_col = 1 if spec["style"] == "coded" else 0
    if rows[1][label_col + 1] == "合计":
        out.add(a1(r, label_col + 1))      # the row's 合计 column
        if r in up:
            out.add(a1(up[r], label_col + 1))
    return out


WORDS = ["项目", "科目名称", "科目编码", "合计", "总计", "一、人员经费", "（一）工资", "1.奖金", "(1)加班", "①x", "其中：专项",
         "其中：", "基本支出", "人员经费", "公用经费", "执行率", "占比", "全年预算数", "全年执行数", "301", "30101",
         "2040601", "单位：万元", "（元）", "栏次", "类", "款", "注：说明", "  缩进", "基本支出占比", "年末结转和结余"]
CELLS = st.one_of(st.none(), st.sampled_from(WORDS), st.integers(-10**6, 10**6), st.floats(-1e6, 1e6),
                  st.sampled_from(["1,234.5", "12.5%", "－３", "-", float("nan"), float("inf")]))
RULES = ["B3 = B4 + B5", "基本支出 = 人员经费 + 公用经费", "C9 = B9 / B4", "x = = y", "(B3", "B3 = 0 / 0",
         "'不存在'!A1 = 1", "执行率 >= 0.5 容差 0.1"]


@settings(max_examples=int(__import__("os").environ.get("BUDGET_EXAMPLES", 60)), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(st.lists(CELLS, max_size=7), max_size=12), min_size=1, max_size=3),
       st.lists(st.sampled_from(RULES), max_size=3))
def test_any_grid_gives_findings_not_exceptions(grids, rules):
    from toolkit.budget.user_rules import rules_from_text
    header = [["单位：万元"], ["项目", "全年预算数", "全年执行数", "执行率", "占比", "合计", "基本支出"]]
    sheets = [SheetInput(f"表{i}", header + g) for i, g in enumerate(grids)]
    for f in check_workbook(sheets, rules_from_text("\n".join(rules), "规则.txt")):
        assert f.severity in ("error", "warning") and f.message and f.cell[0].isalpha()
