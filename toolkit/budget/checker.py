"""The `Checker`: the one collector of a workbook's findings. Checks add findings with the operands they were
computed from; the sum check and unit slips (a figure typed in 元 where 万元 is meant) live here, and `result()`
leaves out the findings that are only consequences of another one."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from toolkit.base.findings import ERROR, WARNING
from toolkit.budget.findings import ZERO, BudgetFinding, Operand, fmt
from toolkit.budget.labels import UNIT_SCALE
from toolkit.budget.rounding import Tails
from toolkit.budget.rules import RuleSet


class Checker:
    """Collects findings; one instance per workbook check."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.findings: list[BudgetFinding] = []
        self._seen: set = set()
        self._operands: dict[int, tuple[str, list[tuple[str, str, int]]]] = {}   # id(finding) -> (kind, operands)
        self._values: dict[tuple[str, str], Operand] = {}
        self._tol: dict[int, Decimal] = {}
        self._ok: set[tuple[str, int, int]] = set()     # (sheet, row, col) of cells of sums that add up
        self._refit: dict[int, object] = {}         # id(ratio finding) -> fits(corrected values) -> bool
        self.tails = Tails(rules.rounding)          # differences rounding explains (四舍五入尾差), and the sums

    def _same_error(self, g: BudgetFinding, sign: int, f: BudgetFinding) -> bool:
        """g is off by what f's cell is off (through sign), within both rounding tolerances."""
        if g.difference is None or f.difference is None:
            return False
        return abs(g.difference + sign * f.difference) <= self._tol.get(id(g), ZERO) + self._tol.get(id(f), ZERO)

    def add(self, f: BudgetFinding, operands: list[Operand] | None = None, signs: list[int] | None = None,
            kind: str = "linear", tol: Decimal = ZERO, refit=None):
        """Record a finding. `refit` (ratios): a function of {(sheet, cell): corrected value} telling whether the
        ratio fits once reported operands take their expected values (then it is only a consequence)."""
        if refit is not None:
            self._refit[id(f)] = refit
        key = (f.sheet, f.cell, f.expected, f.actual)
        if key in self._seen:
            if f.severity == ERROR:     # a certain check confirms what a guessed structure only suspected
                for i, g in enumerate(self.findings):
                    if (g.sheet, g.cell, g.expected, g.actual) == key and g.severity == WARNING:
                        self.findings[i] = f
                        self._operands[id(f)] = self._operands.pop(id(g), ("other", []))
                        self._tol[id(f)] = self._tol.pop(id(g), tol)
            return
        self._seen.add(key)
        self.findings.append(f)
        ops = operands or []
        self._operands[id(f)] = (kind, [(o.sheet, o.cell, (signs[i] if signs else 1)) for i, o in enumerate(ops)])
        self._values.update({(o.sheet, o.cell): o for o in ops})
        self._tol[id(f)] = tol

    def broken_sums_with(self, op: Operand) -> list[tuple[BudgetFinding, int]]:
        """Reported sums (linear findings) that have `op` among their parts, each with the part's sign."""
        out = []
        for f in self.findings:
            kind, ops = self._operands.get(id(f), ("other", []))
            if kind == "linear" and f.difference is not None:
                out += [(f, sign) for s, c, sign in ops if (s, c) == (op.sheet, op.cell)]
        return out

    def relocate(self, g: BudgetFinding, op: Operand, expected: Decimal, why: str):
        """Report `op` instead of the sum `g` it breaks: a second relation (`why`) points at the same cell."""
        f = BudgetFinding(ERROR, op.sheet, op.cell, "交叉定位",
                          f"{op.ref()}很可能有误，应为 {fmt(expected)}，实为 {fmt(op.value)}：它使 {g.cell} 不平"
                          f"（{g.rule}，差额 {fmt(g.difference)}），{why}——两处交叉于此单元格。",
                          expected, op.value, op.value - expected)
        self.findings = [x for x in self.findings if x is not g]
        self.add(f, [], kind="other", tol=self._tol.get(id(g), ZERO))

    def involved(self) -> set[tuple[str, str]]:
        """Cells that are the place or an operand of a sum that does not add up (so far)."""
        cells = set()
        for f in self.findings:
            kind, ops = self._operands.get(id(f), ("other", []))
            if kind == "linear" and ops:
                cells.add((f.sheet, f.cell))
                cells.update((s, c) for s, c, _ in ops)
        return cells

    def result(self) -> list[BudgetFinding]:
        """Findings with the consequences of another finding left out: a total that is off only because one of
        its parts is itself reported (by the same amount), or a ratio computed from a reported cell."""
        self._locate_crossings()
        at: dict[tuple[str, str], list[BudgetFinding]] = {}
        for f in self.findings:
            at.setdefault((f.sheet, f.cell), []).append(f)
        explained: dict[int, set[int]] = {}
        for g in self.findings:
            kind, ops = self._operands.get(id(g), ("other", []))
            for sheet, cell, sign in ops:
                for f in at.get((sheet, cell), []):
                    if f is g or f.difference is None:
                        continue
                    if kind == "ratio" and id(g) in self._refit:
                        corrected = {(x.sheet, x.cell): x.expected for x in self.findings
                                     if x.expected is not None and x is not g and x.rule != "占比"}
                        if self._refit[id(g)](corrected):
                            explained.setdefault(id(g), set()).add(id(f))
                    elif kind == "ratio" or self._same_error(g, sign, f):
                        explained.setdefault(id(g), set()).add(id(f))
        drop = {gid for gid, fs in explained.items() if any(gid not in explained.get(fid, set()) for fid in fs)}
        out = self._one_per_cell([self._confirmed(f, explained, drop) for f in self.findings if id(f) not in drop])
        tail = self.tails.finding()
        return out + ([tail] if tail is not None else [])

    def _one_per_cell(self, findings: list[BudgetFinding]) -> list[BudgetFinding]:
        """Two sums that both fail at the same cell by the same amount (its column's parent and its row's 合计 列)
        are one slip: reported once, naming every relation, as the cell to correct."""
        out: list[BudgetFinding] = []
        joined: dict[int, list[BudgetFinding]] = {}     # index in out -> the findings it stands for
        for f in findings:
            twin = next((i for i, g in enumerate(out) if (g.sheet, g.cell) == (f.sheet, f.cell)
                         and g.severity == f.severity and self._same_amount(g, f)), None)
            if twin is None:
                out.append(f)
                joined[len(out) - 1] = [f]
            else:
                joined[twin].append(f)
        for i, fs in joined.items():
            if len(fs) > 1:
                marks = "①②③④⑤⑥⑦⑧⑨"
                text = " ".join(f"{marks[k]}{g.message}" for k, g in enumerate(fs[:9]))
                out[i] = replace(fs[0], rule="；".join(dict.fromkeys(g.rule for g in fs)),
                                 message=f"{len(fs)}处校验都指向此单元格、差额相同，很可能就是此格有误：{text}")
        return out

    def _same_amount(self, g: BudgetFinding, f: BudgetFinding) -> bool:
        if g.difference is None or f.difference is None or "单位检查" in g.rule or "单位检查" in f.rule:
            return False
        return abs(g.difference - f.difference) <= self._tol.get(id(g), ZERO) + self._tol.get(id(f), ZERO)

    def _confirmed(self, f: BudgetFinding, explained: dict[int, set[int]], drop: set[int]) -> BudgetFinding:
        """A warning (a sum over a guessed structure) that also explains a certain sum off by the same amount is
        confirmed by it: the cell sits where both relations cross, so it is reported as an error."""
        if f.severity != WARNING:
            return f
        for g in self.findings:
            if (id(g) in drop and g.severity == ERROR and id(f) in explained.get(id(g), set())
                    and self._operands.get(id(g), ("other", []))[0] == "linear"):
                return replace(f, severity=ERROR, message=f"{f.message}另一处恒等式（{g.cell}，{g.rule}）也差同样的数额，"
                                                         f"两处交叉于此单元格，故确认为错误。")
        return f

    def _locate_crossings(self):
        """A cell that is a part of two or more sums all off by the same amount (its row and its column), and is
        not reported itself, is the likely culprit: report it once instead of those sums."""
        reported: dict[tuple[str, str], list[BudgetFinding]] = {}
        for f in self.findings:
            reported.setdefault((f.sheet, f.cell), []).append(f)
        votes: dict[tuple[str, str], dict[Decimal, list[BudgetFinding]]] = {}
        for g in self.findings:
            kind, ops = self._operands.get(id(g), ("other", []))
            if kind != "linear" or g.difference is None:
                continue
            if any(f is not g and self._same_error(g, sign, f)
                   for sheet, cell, sign in ops for f in reported.get((sheet, cell), [])):
                continue    # already explained by a reported part
            for sheet, cell, sign in ops:
                if (sheet, cell) not in reported and sheet == g.sheet:
                    votes.setdefault((sheet, cell), []).append((-sign * g.difference, g))
        consumed: set[int] = set()
        # a cell that is part of a sum that adds up is unlikely to be the wrong one: try the others first
        def in_ok_sum(key):
            op = self._values[key]
            return (op.sheet, op.row, op.col) in self._ok
        for key, cast in sorted(votes.items(), key=lambda kv: in_ok_sum(kv[0])):
            for excess, g0 in cast:
                gs = [g for e, g in cast if abs(e - excess) <= self._tol.get(id(g), ZERO) + self._tol.get(id(g0), ZERO)]
                if len(gs) < 2 or any(id(g) in consumed for g in gs):
                    continue
                op = self._values[key]
                consumed.update(id(g) for g in gs)
                places = "、".join(g.cell for g in gs)
                expected = op.value - excess
                f = BudgetFinding(ERROR, op.sheet, op.cell, "交叉定位",
                                  f"{op.ref()}同时使 {places} 共{len(gs)}处合计不平，差额都是 {fmt(excess)}："
                                  f"该单元格很可能有误，应为 {fmt(expected)}，实为 {fmt(op.value)}。",
                                  expected, op.value, excess)
                self.findings.append(f)
                self._operands[id(f)] = ("other", [])
                self._tol[id(f)] = max(self._tol.get(id(g), ZERO) for g in gs)
        self.findings = [f for f in self.findings if id(f) not in consumed]

    def check_linear(self, result: Operand, plus: list[Operand], minus: list[Operand], rule: str, what: str,
                     severity: str = ERROR, tol_override: Decimal | None = None, note: str = "",
                     compare: bool = False) -> bool:
        """result = Σ plus − Σ minus within tolerance; otherwise a finding (or a unit-slip finding). True if ok."""
        unit = result.unit
        expected, tol = ZERO, result.tol
        for sign, ops in ((1, plus), (-1, minus)):
            for op in ops:
                v, t = op.scaled_to(unit)
                expected += sign * v
                tol += t
        if not compare and not minus:
            self.tails.add_sum(result, plus)
        if tol_override is not None:
            tol = tol_override
        diff = result.value - expected
        if abs(diff) <= tol or tol_override is None and self.tails.explains(
                diff, tol, [result, *plus, *minus], unit, "两表中的同一项目" if compare else rule, compare):
            self._ok.add((result.sheet, result.row, result.col))
            self._ok.update((op.sheet, op.row, op.col) for op in plus + minus)
            return True
        if self._unit_slip(result, plus, minus, expected, tol, rule, what):
            return False
        if compare:     # two figures that should be equal: neither is the "expected" one by itself
            msg = (f"{what}不一致：{result.ref()}为 {fmt(result.value)}，{plus[0].ref(result.sheet)}为 {fmt(expected)}，"
                   f"相差 {fmt(diff)}（容差 {fmt(tol)}）。{note}")
        else:
            msg = (f"{what}不符：{result.ref()}应为 {_formula(plus, minus, result.sheet)} = {fmt(expected)}，"
                   f"实为 {fmt(result.value)}，差额 {fmt(diff)}（容差 {fmt(tol)}）。{note}")
        self.add(BudgetFinding(severity, result.sheet, result.cell, rule, msg.strip(), expected, result.value, diff),
                 plus + minus, [1] * len(plus) + [-1] * len(minus), tol=tol)
        return False

    def _unit_slip(self, result, plus, minus, expected, tol, rule, what) -> bool:
        """A mismatch explained by one figure typed in the other unit (×10000 or ÷10000). Candidates are the result
        and each operand; the declared unit decides between them: in a 元 table the odd figure is the one written
        in 万元 (too small), in a 万元 table the one written in 元 (too large)."""
        k = self.rules.unit_factor
        rel = self.rules.unit_slip_relative
        cands = []      # (operand, what it should be in its own unit, text, whole or None)
        if abs(expected) > tol * 2 and (expected > 0) == (result.value > 0):
            for factor, text in ((k, "写成了元（应为万元）"), (1 / k, "写成了万元（应为元）")):
                target = expected * factor
                if abs(result.value - target) <= tol * factor + abs(target) * rel:
                    cands.append((result, expected, text, None, plus + minus))
        for sign, ops in ((1, plus), (-1, minus)):
            for op in ops:
                v, _ = op.scaled_to(result.unit)
                if v == 0:
                    continue
                should = (result.value - (expected - sign * v)) * sign      # what this operand would have to be
                if abs(should) <= tol * 2 or (should > 0) != (v > 0):
                    continue
                for factor, text in ((k, "写成了元（应为万元）"), (1 / k, "写成了万元（应为元）")):
                    if abs(v - should * factor) <= tol * factor + abs(v) * rel:
                        own = should if op.unit == result.unit or not op.unit or not result.unit else \
                            should * UNIT_SCALE[result.unit] / UNIT_SCALE[op.unit]
                        cands.append((op, own, text, result, []))
        if not cands:
            return False

        def plausible(c):
            op, _, text, _, _ = c
            if op.unit == "元":
                return "应为元" in text
            if op.unit == "万元":
                return "应为万元" in text
            return True
        op, own, text, whole, operands = next((c for c in cands if plausible(c)), cands[0])
        self._slip_finding(op, own, rule, what, text, whole=whole, operands=operands)
        return True

    def _slip_finding(self, op: Operand, expected: Decimal, rule, what, text, whole: Operand | None = None,
                      operands=None):
        if any((f.sheet, f.cell) == (op.sheet, op.cell) and f.rule.startswith("单位检查") for f in self.findings):
            return      # the same cell already named by another sum (its row's and its column's differ by rounding)
        around = f"，使 {whole.ref()} 不平" if whole else ""
        declared = f"本表金额单位为{op.unit}，" if op.unit else ""
        msg = (f"疑似单位错误：元/万元。{declared}{op.ref()}为 {fmt(op.value)}，约为{what}所需数值 {fmt(expected)} 的"
               f" {'10000' if '应为万元' in text else '1/10000'} 倍，可能{text}{around}。")
        self.add(BudgetFinding(ERROR, op.sheet, op.cell, f"单位检查（{rule}）", msg, expected, op.value,
                               op.value - expected), operands or [], kind="other")


def _formula(plus: list[Operand], minus: list[Operand], home: str | None = None) -> str:
    if len(plus) + len(minus) > 6:
        text = f"{plus[0].ref(home)}等{len(plus)}项之和"
        return text + (f"减去{len(minus)}项" if minus else "")
    text = " + ".join(op.ref(home) for op in plus)
    return text + "".join(f" − {op.ref(home)}" for op in minus)
