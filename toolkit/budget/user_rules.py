"""User rules: lines like "基本支出 = 人员经费 + 公用经费", "B5 = B6 + B7 + B8" or "C9 = B9 / B4  容差 0.01".

Rules come from a `校验规则` sheet in the workbook (column A the rule, optional 容差 and 工作表 columns) or from a
rules file (one rule per line, # starts a comment). A rule that cannot be parsed or resolved is itself a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from toolkit.base.findings import ERROR, WARNING
from toolkit.budget.cells import a1, col_index, to_decimal
from toolkit.budget.findings import ZERO, BudgetFinding, Operand, fmt, half_unit, operand
from toolkit.budget.labels import normalize, parse_label

@dataclass(frozen=True)
class RuleLine:
    """One user rule as written, with where it was written."""

    text: str
    tolerance: str | None = None
    sheet: str | None = None          # default sheet for unqualified cell references
    source: str = "校验规则"          # the sheet (or rules file) holding the rule
    row: int = 1                      # 1-based row / line number there


class RuleSyntaxError(ValueError):
    pass


_TOL_RE = re.compile(r"(?:[（(]?\s*(?:容差|允许误差|误差)\s*[:：=]?\s*|±\s*)([0-9.]+)\s*[)）]?\s*$")
_CELL_RE = re.compile(r"^(?:(?:'([^']+)'|([^\s!'=+\-*/×÷()<>]+))!)?\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_OPS = "+-*/×÷()"
_CMP = ("<=", ">=", "≤", "≥", "=")


def rules_from_sheet(rows: list[list], sheet_name: str = "校验规则") -> list[RuleLine]:
    """Rule lines of a 校验规则 sheet: column A (or the column headed 规则) the rule, optional 容差 / 工作表."""
    rule_col, tol_col, sheet_col, start = 0, 1, None, 0
    for r, row in enumerate(rows[:3]):
        texts = [normalize(str(v)) if v is not None else "" for v in row]
        if any(t in ("规则", "校验规则", "公式", "规则内容") for t in texts):
            rule_col = next(i for i, t in enumerate(texts) if t in ("规则", "校验规则", "公式", "规则内容"))
            tol_col = next((i for i, t in enumerate(texts) if t in ("容差", "允许误差", "误差")), None)
            sheet_col = next((i for i, t in enumerate(texts) if t in ("工作表", "表名")), None)
            start = r + 1
            break
    out = []
    for r in range(start, len(rows)):
        row = rows[r]
        text = row[rule_col] if rule_col < len(row) else None
        if text is None or not str(text).strip() or str(text).strip().startswith("#"):
            continue
        tol = row[tol_col] if tol_col is not None and tol_col < len(row) else None
        sh = row[sheet_col] if sheet_col is not None and sheet_col < len(row) else None
        out.append(RuleLine(str(text).strip(), None if tol is None else str(tol).strip(),
                            None if sh is None else str(sh).strip(), sheet_name, r + 1))
    return out


def rules_from_text(text: str, source: str) -> list[RuleLine]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(RuleLine(line, None, None, source, n))
    return out


# ---------------------------------------------------------------- parsing


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        two = text[i:i + 2]
        if two in ("<=", ">="):
            tokens.append(("cmp", two))
            i += 2
            continue
        if ch in "=≤≥<>":
            tokens.append(("cmp", ch))
            i += 1
            continue
        if ch in _OPS:
            tokens.append(("op", {"×": "*", "÷": "/"}.get(ch, ch)))
            i += 1
            continue
        j = i
        if ch == "'":
            k = text.find("'", i + 1)
            if k < 0:
                raise RuleSyntaxError("工作表名的引号没有闭合")
            j = k + 1
        while j < len(text) and not text[j].isspace() and text[j] not in _OPS and text[j] not in "=≤≥<>":
            j += 1
        word = text[i:j]
        i = j
        if _CELL_RE.match(word):
            tokens.append(("cell", word))
        elif re.fullmatch(r"\d+(\.\d+)?%?", word):
            tokens.append(("num", word))
        else:
            if tokens and tokens[-1][0] == "label":
                tokens[-1] = ("label", tokens[-1][1] + word)
            else:
                tokens.append(("label", word))
    return tokens


MAX_RULE_TOKENS, MAX_RULE_DEPTH = 400, 40


def parse_rule(text: str):
    """("cmp", lhs, rhs, tolerance text or None); raises RuleSyntaxError with a Chinese reason."""
    tol = None
    m = _TOL_RE.search(text)
    if m:
        tol, text = m.group(1), text[:m.start()]
    tokens = tokenize(text)
    depth = deepest = 0
    for _, t in tokens:
        depth += (t == "(") - (t == ")")
        deepest = max(deepest, depth)
    if len(tokens) > MAX_RULE_TOKENS or deepest > MAX_RULE_DEPTH:   # the parser recurses per term and per bracket
        raise RuleSyntaxError(f"太长或括号层数太多（最多 {MAX_RULE_TOKENS} 个项和符号、{MAX_RULE_DEPTH} 层括号），请拆成几条规则")
    cmps = [k for k, t in enumerate(tokens) if t[0] == "cmp"]
    if not cmps:
        raise RuleSyntaxError("缺少等号“=”")
    if len(cmps) > 1:
        raise RuleSyntaxError("只能有一个等号或比较符")
    k = cmps[0]
    if k == 0 or k == len(tokens) - 1:
        raise RuleSyntaxError("等号两边都要有内容")
    lhs, rest = _parse_expr(tokens[:k], 0)
    if rest != k:
        raise RuleSyntaxError(f"左边“{_show(tokens[rest:k])}”无法理解")
    right = tokens[k + 1:]
    rhs, rest = _parse_expr(right, 0)
    if rest != len(right):
        raise RuleSyntaxError(f"右边“{_show(right[rest:])}”无法理解")
    return tokens[k][1], lhs, rhs, tol


def _show(tokens) -> str:
    return "".join(t for _, t in tokens)


def _parse_operations(tokens, i, ops: tuple, operand):
    """operand (op operand)*, left to right, for one precedence level."""
    node, i = operand(tokens, i)
    while i < len(tokens) and tokens[i] in ops:
        op = tokens[i][1]
        right, i = operand(tokens, i + 1)
        node = ("bin", op, node, right)
    return node, i


def _parse_expr(tokens, i):
    return _parse_operations(tokens, i, (("op", "+"), ("op", "-")), _parse_term)


def _parse_term(tokens, i):
    return _parse_operations(tokens, i, (("op", "*"), ("op", "/")), _parse_atom)


def _parse_atom(tokens, i):
    if i >= len(tokens):
        raise RuleSyntaxError("运算符后面缺少数值、单元格或项目名")
    kind, text = tokens[i]
    if (kind, text) == ("op", "-"):
        node, i = _parse_atom(tokens, i + 1)
        return ("neg", node), i
    if (kind, text) == ("op", "("):
        node, i = _parse_expr(tokens, i + 1)
        if i >= len(tokens) or tokens[i] != ("op", ")"):
            raise RuleSyntaxError("括号没有闭合")
        return node, i + 1
    if kind == "num":
        d = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
        return ("num", d), i + 1
    if kind == "cell":
        m = _CELL_RE.match(text)
        return ("cell", m.group(1) or m.group(2), int(m.group(4)) - 1, col_index(m.group(3))), i + 1
    if kind == "label":
        return ("label", text), i + 1
    raise RuleSyntaxError(f"“{text}”的位置不对")


def _walk(node):
    yield node
    if node[0] == "bin":
        yield from _walk(node[2])
        yield from _walk(node[3])
    elif node[0] == "neg":
        yield from _walk(node[1])


# ---------------------------------------------------------------- evaluation


def _evaluate(node, resolve):
    """(value, tolerance, operands) with tolerance propagated through + − × ÷."""
    kind = node[0]
    if kind == "num":
        return node[1], ZERO, []
    if kind in ("cell", "label"):
        op = resolve(node)
        return op.value, op.tol, [op]
    if kind == "neg":
        v, t, ops = _evaluate(node[1], resolve)
        return -v, t, ops
    _, op, a, b = node
    va, ta, oa = _evaluate(a, resolve)
    vb, tb, ob = _evaluate(b, resolve)
    if op == "+":
        return va + vb, ta + tb, oa + ob
    if op == "-":
        return va - vb, ta + tb, oa + ob
    if op == "*":
        return va * vb, abs(va) * tb + abs(vb) * ta + ta * tb, oa + ob
    if vb == 0:
        raise ZeroDivisionError
    return va / vb, (ta + abs(va / vb) * tb) / abs(vb), oa + ob


class _Unresolved(Exception):
    pass


def check_user_rules(lines: list[RuleLine], sheets, blocks, rules, ck, not_loaded: frozenset = frozenset()):
    """Evaluate user rules; rules about sheets the user left out (`not_loaded`, by --sheet) are skipped."""
    names = [s.name for s in sheets]
    data_sheets = [n for n in names if normalize(n) not in ("校验规则", "校验结果")]
    grids = {s.name: s for s in sheets}
    decimals = {}
    units = {}
    for b in blocks:
        for (r, c), d in b.decimals.items():
            decimals[(b.sheet, r, c)] = d
        for col in b.columns:
            units[(b.sheet, col.col)] = col.unit

    def bad(line: RuleLine, reason: str, severity=ERROR):
        ck.add(BudgetFinding(severity, line.source, f"A{line.row}", "规则写法",
                             f"校验规则第{line.row}行“{line.text}”{reason}。"))

    for line in lines:
        try:
            cmp, lhs, rhs, tol_text = parse_rule(line.text)
            tol_text = line.tolerance or tol_text
            tol_override = None
            if tol_text:
                try:
                    tol_override = Decimal(str(tol_text).strip())
                except InvalidOperation:
                    raise RuleSyntaxError(f"容差“{tol_text}”不是数字")
        except RuleSyntaxError as exc:
            bad(line, f"写法有误：{exc}")
            continue
        nodes = list(_walk(lhs)) + list(_walk(rhs))
        has_cell = any(n[0] == "cell" for n in nodes)
        has_label = any(n[0] == "label" for n in nodes)
        if has_cell and has_label:
            bad(line, "写法有误：不能在同一条规则里混用单元格地址和项目名称")
            continue
        default_sheet = line.sheet or (data_sheets[0] if data_sheets else None)
        if line.sheet and line.sheet not in names:
            bad(line, f"指定的工作表“{line.sheet}”不存在")
            continue
        rule_name = f"自定义规则：{line.text}"

        def compare(resolve, where: str | None = None):
            lv, lt, lops = _evaluate(lhs, resolve)
            rv, rt, rops = _evaluate(rhs, resolve)
            tol = tol_override if tol_override is not None else lt + rt
            diff = lv - rv
            ok = _holds(cmp, diff, tol)
            if not ok and tol_override is None:     # within what rounding explains (四舍五入尾差): not an error
                ops = lops + rops
                wider = ck.tails.allowance(ops, None)
                if wider > tol and _holds(cmp, diff, wider):
                    ok = ck.tails.explains(diff, tol, ops, None, f"校验规则“{line.text}”两边",
                                           whole=f"左边 {fmt(lv)} 与右边 {fmt(rv)}")
            if ok:
                return
            place = (lops or rops)[0]
            relation = {"=": "等于", "<=": "不大于", "≤": "不大于", ">=": "不小于", "≥": "不小于",
                        "<": "小于", ">": "大于"}[cmp]
            msg = (f"不符合规则“{line.text}”{where or ''}：左边 {fmt(lv)} 应{relation}右边 {fmt(rv)}，"
                   f"差额 {fmt(diff)}（容差 {fmt(tol)}）。")
            ck.add(BudgetFinding(ERROR, place.sheet, place.cell, rule_name, msg, rv, lv, diff))

        if has_cell or not has_label:
            refs = {n[1] or default_sheet for n in nodes if n[0] == "cell"}
            if refs & set(not_loaded):
                continue

            def resolve_cell(node):
                sheet = node[1] or default_sheet
                if sheet not in grids:
                    raise _Unresolved(f"引用的工作表“{sheet}”不存在")
                s = grids[sheet]
                r, c = node[2], node[3]
                v = s.rows[r][c] if r < len(s.rows) and c < len(s.rows[r]) else None
                d, _ = to_decimal(v)
                if d is None:
                    raise _Unresolved(f"引用的单元格 {sheet}!{a1(r, c)} 不是数字")
                dec = decimals.get((sheet, r, c))
                fmt_ = s.formats.get((r, c))
                if fmt_ is not None and fmt_.decimals is not None:
                    dec = fmt_.decimals + (2 if fmt_.percent else 0)
                return Operand(sheet, r, c, d, half_unit(dec), units.get((sheet, c)), "")
            try:
                compare(resolve_cell)
            except _Unresolved as exc:
                bad(line, f"无法计算：{exc}", WARNING)
            except ZeroDivisionError:
                bad(line, "无法计算：除数为零", WARNING)
            continue
        # label rules: every table column (and every row whose columns carry the names) where all names are found
        labels = {n[1] for n in nodes if n[0] == "label"}
        contexts = _label_contexts(blocks)
        used = ambiguous = 0
        for where, table in contexts:
            if not all(_key(lb) in table for lb in labels):
                continue
            if any(table[_key(lb)] is _AMBIGUOUS for lb in labels):
                ambiguous += 1
                continue
            used += 1

            def resolve_label(node, table=table):
                b, ln, col, label = table[_key(node[1])]
                return operand(b, ln, col, label=label)
            try:
                compare(resolve_label, where)
            except ZeroDivisionError:
                bad(line, f"无法计算{where}：除数为零", WARNING)
        if not used and ambiguous:
            bad(line, "中的项目名称在表中出现不止一次，无法确定指哪一行，请改用单元格地址", WARNING)
        elif not used and not not_loaded:
            missing = sorted(lb for lb in labels if not any(_key(lb) in t for _, t in contexts))
            reason = (f"中的项目“{'、'.join(missing)}”在工作簿中找不到" if missing
                      else "中的各项目不在同一张表的同一列（或同一行）中，无法计算")
            bad(line, reason, WARNING)


def _holds(cmp: str, diff: Decimal, tol: Decimal) -> bool:
    """left − right = `diff` satisfies the comparison within `tol`."""
    return {"=": abs(diff) <= tol, "<=": diff <= tol, "≤": diff <= tol,
            ">=": diff >= -tol, "≥": diff >= -tol, "<": diff < tol, ">": diff > -tol}[cmp]


def _key(label: str) -> str:
    p = parse_label(label)
    return p.name if not (p.code and not p.name) else p.code


_AMBIGUOUS = object()


def _label_contexts(blocks):
    """[(where, {label key: (block, line, col, label)})]: one per amount column and one per table row."""
    out = []
    for b in blocks:
        for c in b.columns:
            if c.kind != "amount":
                continue
            table = {}
            for ln in b.lines:
                if c.col in ln.values:
                    for k in {ln.name, ln.code} - {None, ""}:
                        table[k] = (b, ln, c.col, ln.name) if k not in table else _AMBIGUOUS
            out.append((f"（“{b.sheet}”{c.title}列）", table))
        for ln in b.lines:
            table = {}
            for c in b.columns:
                if c.col in ln.values:
                    table.setdefault(c.name, (b, ln, c.col, f"{ln.name}·{c.name}"))
            out.append((f"（“{b.sheet}”第{ln.row + 1}行）", table))
    return out
