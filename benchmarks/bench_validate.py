"""Benchmark: `legalaid validate` on a 20,000-line 支出决算表 against the floor of reading the same workbook.

    python benchmarks/bench_validate.py [--lines 20000] [--repeat 3] [--compare OTHER_CHECKOUT] [--keep DIR]

The floor is what any validator must do: read the grid (calamine) and the display formats (openpyxl). The check
itself (reading the structure, sums, identities, shares, cross-table) is what this code adds on top. Timings are
minimums over --repeat rounds, measured in child processes so that each side starts cold the same way.
--compare runs the same measurement with the toolkit of another checkout (e.g. the code before a change), in the
same run, so the two can be compared as a ratio on this noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_book(path: Path, lines: int) -> int:
    """A coded 支出决算表 (类 / 款 / 项, 合计 row, 基本支出 小计 | 人员经费 | 公用经费 column group), in 元."""
    import xlsxwriter

    per_kuan, per_lei = 24, 20
    leis = max(1, lines // (per_lei * (per_kuan + 1) + 1))
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("支出决算表")
    money = wb.add_format({"num_format": "#,##0.00"})
    ws.write_row(0, 0, ["支出决算表"])
    ws.write_row(1, 0, ["编制单位：基准测试单位", None, None, None, None, None, "金额单位：元"])
    ws.write_row(2, 0, ["项目", None, "本年支出合计", "基本支出", None, None, "项目支出"])
    ws.write_row(3, 0, ["科目编码", "科目名称", None, "小计", "人员经费", "公用经费", None])
    ws.merge_range(2, 0, 2, 1, "项目")
    ws.merge_range(2, 3, 2, 5, "基本支出")
    rows = []
    n = 0
    for a in range(leis):
        lei = f"{201 + a}"
        rows.append([lei, f"类{a}", None])
        for b in range(per_lei):
            kuan = f"{lei}{b + 1:02d}"
            rows.append([kuan, f"款{a}-{b}", None])
            for c in range(per_kuan):
                n += 1
                people, public, project = 1000 + n % 977, 300 + n % 131, n % 7 * 100
                rows.append([f"{kuan}{c + 1:02d}", f"项{a}-{b}-{c}", (people, public, project)])
    # parents carry the sums of their children
    sums: dict[str, list[int]] = {}
    for code, _, v in rows:
        if v:
            for k in (code[:3], code[:5]):
                s = sums.setdefault(k, [0, 0, 0])
                for i in range(3):
                    s[i] += v[i]
    total = [sum(sums[r[0]][i] for r in rows if len(r[0]) == 3) for i in range(3)]
    r = 4
    ws.write_row(r, 0, [None, "合计"])
    for c, v in enumerate([sum(total), total[0] + total[1], total[0], total[1], total[2]]):
        ws.write_number(r, 2 + c, v, money)
    for code, name, v in rows:
        r += 1
        v = v or sums[code]
        ws.write_string(r, 0, code)
        ws.write_string(r, 1, name)
        for c, x in enumerate([sum(v), v[0] + v[1], v[0], v[1], v[2]]):
            ws.write_number(r, 2 + c, x, money)
    wb.close()
    return len(rows)


def child(book: str, repo: str) -> dict:
    """One cold measurement in this process: floor (read grid + formats), then the full check."""
    sys.path.insert(0, repo)
    from toolkit.budget.workbook import SheetInput, check_workbook
    from toolkit.io.cell_formats import read_formats
    from toolkit.io.excel_read import read_workbook

    path = Path(book)
    t0 = time.perf_counter()
    raw = read_workbook(path)
    formats = read_formats(path, [s.name for s in raw])
    t1 = time.perf_counter()
    findings = check_workbook([SheetInput(s.name, s.rows, s.merged, formats.get(s.name, {})) for s in raw])
    t2 = time.perf_counter()
    return {"floor": t1 - t0, "check": t2 - t1, "total": t2 - t0, "findings": len(findings)}


def one_run(book: Path, repo: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(book), "--repo", str(repo)],
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(repo)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(book: Path, repos: dict[str, Path], repeat: int) -> tuple[dict, list[float]]:
    """Minimums per side over `repeat` rounds; the sides alternate within a round so that both see the same load.
    Also the per-round ratio of check times (this / compare)."""
    runs: dict[str, list[dict]] = {name: [] for name in repos}
    ratios = []
    for _ in range(repeat):
        got = {name: one_run(book, repo) for name, repo in repos.items()}
        for name, r in got.items():
            runs[name].append(r)
        if len(got) == 2:
            ratios.append(got["this"]["check"] / got["compare"]["check"])
    return ({name: {k: min(r[k] for r in rs) for k in ("floor", "check", "total")} | {"findings": rs[0]["findings"]}
             for name, rs in runs.items()}, ratios)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--compare", help="another checkout whose toolkit is measured the same way")
    ap.add_argument("--keep", help="folder to keep the generated workbook in")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--repo", default=str(REPO), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.repo)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        book = folder / "bench_validate.xlsx"
        n = make_book(book, args.lines)
        print(f"工作簿：{n} 行科目（{book.stat().st_size / 1e6:.1f} MB）")
        repos = {"this": REPO} | ({"compare": Path(args.compare).resolve()} if args.compare else {})
        results, ratios = measure(book, repos, args.repeat)
        for name, r in results.items():
            print(f"{name:8s} 读取（下限）{r['floor']:.2f} s  校验 {r['check']:.2f} s  合计 {r['total']:.2f} s  "
                  f"= 下限的 {r['total'] / r['floor']:.2f} 倍  发现 {r['findings']} 条")
        if args.compare:
            a, b = results["this"], results["compare"]
            print(f"校验部分：本代码 / 对比代码 = {a['check'] / b['check']:.2f}（最小值之比），"
                  f"各轮之比的中位数 {statistics.median(ratios):.2f}；"
                  f"合计（各自按下限归一）：{(a['total'] / a['floor']) / (b['total'] / b['floor']):.2f}")
        if any(r["findings"] for r in results.values()):
            print("注意：一致的基准表不应有发现。")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
