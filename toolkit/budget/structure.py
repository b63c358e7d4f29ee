"""The structure of a budget table: each line's parent from its code (301 ⊃ 30101), its numbering (一、 ⊃ （一） ⊃
1. ⊃ (1) ⊃ ①) or its indentation, and the lines each 合计/总计/小计 covers."""

from __future__ import annotations

import tomllib

from toolkit.budget.blocks import Block, Line
from toolkit.budget.labels import normalize
from toolkit.budget.rules import default_rules_text


def infer_structure(block: Block):
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
        rules = tomllib.loads(default_rules_text())
        data, items = rules.get("structure", {}), rules.get("items", {})
        _STRUCTURE = {"beside": {normalize(n) for item in data.get("beside_totals", [])
                                 for n in [item, *items.get(item, {}).get("names", [])]},
                      "parents": tuple(normalize(n) for n in data.get("breakdown_parents", [])),
                      "names": {normalize(n) for n in data.get("breakdown_names", [])},
                      "complete": [frozenset(normalize(n) for n in s) for s in data.get("complete_breakdowns", [])]}
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
    top covers the top-level lines after it, up to an item that stands beside totals (年初结转和结余: [structure]
    beside_totals), which with that total is covered by the next one."""
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
            if open_top is not None and ln.name in structure_vocab()["beside"]:
                pending, open_top = [open_top], None
            if open_top is not None:
                block.totals[open_top].append(i)
            else:
                pending.append(i)
    for i in [k for k, v in block.totals.items() if not v]:
        del block.totals[i]
