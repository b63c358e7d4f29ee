"""Benchmark: what reporting formula cells (RawSheet.formula_zeros, toolkit/io/xlsx/read_formulas.py) costs the
ledger reader, against an older checkout, alternating, CPU seconds of a child process reading the workbook.

    python benchmarks/bench_formula_cells.py --before DIR [--rows 100k] [--repeat 3] [--keep DIR]

Three ledgers of the same cells (benchmarks.ledger_gen): `plain` (no formula: the usual ledger; nothing may change),
`calculated` (序号 a formula =ROW()-3 on every row, its result saved, as Excel saves it: no second pass) and
`cached0` (the same formula saved with 0, as xlsxwriter saves it by default: the one case with a second pass).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.floor import REPO, child_env, compile_toolkit, load_average, parse_sizes  # noqa: E402

_NUMBER_CELL = re.compile(rb'<c r="A([0-9]+)"( s="[0-9]+")?><v>([0-9]+)</v></c>')
READ = "import sys; from toolkit.io.excel_read import read_workbook; read_workbook(sys.argv[1])"


def with_formulas(src: Path, dst: Path, cached: bool) -> Path:
    """The ledger with its 序号 column as formulas, saved with their results (`cached`) or with 0."""
    def cell(m):
        if int(m.group(1)) <= 3:
            return m.group(0)
        value = m.group(3) if cached else b"0"
        return b'<c r="A' + m.group(1) + b'"' + (m.group(2) or b"") + b"><f>ROW()-3</f><v>" + value + b"</v></c>"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _NUMBER_CELL.sub(cell, data)
            zout.writestr(info.filename, data)
    return dst


def run(tree: Path, env: dict, path: Path, report: Path) -> float:
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "child_usage.py"), str(report), sys.executable, "-c",
                    READ, str(path)], check=True, env=env)
    return json.loads(report.read_text())["cpu"]


def main() -> None:
    from benchmarks.ledger_gen import write_ledger

    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--rows", default="100k")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    trees = {"before": args.before.resolve(), "after": REPO}
    envs = {name: child_env(tree) for name, tree in trees.items()}
    for name, tree in trees.items():
        compile_toolkit(envs[name], tree)
    print(f"formula cells: load average {load_average()} at the start")
    for rows in parse_sizes(args.rows):
        plain = folder / f"台账_{rows}.xlsx"
        if not plain.exists():
            write_ledger(plain, rows)
        books = {"plain": plain, "calculated": with_formulas(plain, folder / f"公式_{rows}.xlsx", True),
                 "cached0": with_formulas(plain, folder / f"公式0_{rows}.xlsx", False)}
        for kind, path in books.items():
            cpu: dict[str, list[float]] = {name: [] for name in trees}
            for i in range(args.repeat):
                for name in (list(trees) if i % 2 == 0 else list(trees)[::-1]):
                    cpu[name].append(run(trees[name], envs[name], path, folder / "usage.json"))
            b, a = min(cpu["before"]), min(cpu["after"])
            print(f"  {rows:>7} rows {kind:>10}: CPU before {b:6.2f} s, after {a:6.2f} s ({a / b - 1:+.1%}); "
                  f"runs {' '.join(f'{x:.2f}' for x in cpu['before'])} | {' '.join(f'{x:.2f}' for x in cpu['after'])}")
    print(f"load average {load_average()} at the end")


if __name__ == "__main__":
    main()
