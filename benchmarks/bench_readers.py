"""Benchmark: ways of reading the ledger sheet, each in its own child process (time and peak RSS include the
interpreter and its imports; the figure printed first is the reading alone), against the expat floor.

    python benchmarks/bench_readers.py [--rows 10k,100k] [--repeat 2] [--keep DIR]

Methods: `floor` (unzip + expat, benchmarks/floor.py); `toolkit` (toolkit.io.excel_read.read_workbook, what
subsidy and stats use: every sheet as a grid of Python objects; for .xlsx since 2026-11-30 the streaming reader);
`xlsx_read` (toolkit.io.xlsx.read_book alone, the ledger sheet: only the used cells held, repeated values one object;
since 2026-11-30 evening it also notes the hidden rows); `hidden_scan` (toolkit.io.xlsx.hidden_rows, the separate
inflate-and-scan for hidden rows that `subsidy`/`stats` ran before the read until then);
`calamine` (python-calamine to_python of the ledger sheet, what read_workbook used before); `calamine_iter` (iter_rows, one row at a time, nothing kept); `fastexcel` (load_sheet, all 19
columns) and `fastexcel_used` (the 10 columns statistics use). fastexcel hands data to Python through Arrow
(pyarrow or polars); without either installed only the parse into its Rust-side arrays is measured — the
`+arrow` rows appear when pyarrow is importable.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.floor import REPO, child_env, load_average, parse_sizes, read_floor  # noqa: E402

STATS_COLUMNS = ["指派日期", "案件类型", "特殊群体", "案件质量", "受援人数", "承办人", "律师事务所", "挽回经济损失",
                 "讨薪金额", "补贴金额"]
METHODS = ["floor", "toolkit", "xlsx_read", "hidden_scan", "calamine", "calamine_iter", "fastexcel", "fastexcel_used"]


def read(method: str, path: str, sheet_name: str) -> dict:
    """Read the ledger sheet one way; seconds of the reading alone and what it saw."""
    start = time.perf_counter()
    if method == "floor":
        seen = read_floor(Path(path), sheet_name)["xml_mb"]
    elif method == "toolkit":
        from toolkit.io.excel_read import read_workbook

        seen = sum(len(s.rows) for s in read_workbook(path))
    elif method == "xlsx_read":
        import zipfile

        from toolkit.io.xlsx.read_book import XlsxBook

        with zipfile.ZipFile(path) as zf:
            seen = len(XlsxBook(zf).read_sheet(sheet_name).rows)
    elif method == "hidden_scan":
        from toolkit.io.xlsx.hidden_rows import hidden_rows

        seen = sum(len(h or ()) for h in hidden_rows(path).values())
    elif method.startswith("calamine"):
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(path).get_sheet_by_name(sheet_name)
        if method == "calamine":
            seen = len(sheet.to_python())
        else:
            seen = sum(1 for _ in sheet.iter_rows())
    elif method.startswith("fastexcel"):
        import fastexcel

        columns = STATS_COLUMNS if method.startswith("fastexcel_used") else None
        sheet = fastexcel.read_excel(path).load_sheet(sheet_name, header_row=2, use_columns=columns)
        seen = sheet.height * sheet.width
        if method.endswith("+arrow"):
            seen = sheet.to_arrow().num_rows
    else:
        raise ValueError(method)
    return {"seconds": time.perf_counter() - start, "seen": seen}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="台账读取方式基准（各自一个子进程，含峰值内存）。")
    parser.add_argument("--rows", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="生成的台账保存在此目录（已有则重用）")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(read(*args.child)))
        return 0
    from benchmarks.bench_subsidy import run_measured
    from benchmarks.ledger_gen import LEDGER_SHEET, write_ledger

    import importlib.util

    methods = [m for m in METHODS if not m.startswith("fastexcel") or importlib.util.find_spec("fastexcel")]
    try:
        import pyarrow  # noqa: F401
        if importlib.util.find_spec("fastexcel"):
            methods += ["fastexcel+arrow", "fastexcel_used+arrow"]
    except ImportError:
        pass
    env = child_env()
    print(f"readers: load average {load_average()} at the start")
    with tempfile.TemporaryDirectory(prefix="bench_readers_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for rows in parse_sizes(args.rows):
            ledger = folder / f"台账_{rows}.xlsx"
            if not ledger.exists():
                write_ledger(ledger, rows, 0)
            results: dict[str, list[dict]] = {m: [] for m in methods}
            for _ in range(args.repeat):
                for m in methods:
                    run = run_measured([sys.executable, str(Path(__file__).resolve()), "--child", m, str(ledger), LEDGER_SHEET],
                                       REPO, env)
                    if run["returncode"]:
                        raise SystemExit(run["stderr"][-2000:])
                    child = json.loads(run["stdout"].strip().splitlines()[-1])
                    results[m].append({"process": run["seconds"], "cpu": run["cpu"], "seconds": child["seconds"],
                                       "peak_mb": run["peak_mb"]})
            floor = min(r["seconds"] for r in results["floor"])
            floor_cpu = min(r["cpu"] for r in results["floor"])
            print(f"\n{rows} rows × 19 columns, best of {args.repeat} (reading alone; whole child process: wall, "
                  f"CPU and its ratio to the floor's process; peak RSS)")
            for m, rs in results.items():
                t = min(r["process"] for r in rs)
                alone = min(r["seconds"] for r in rs)
                cpu = min(r["cpu"] for r in rs)
                print(f"  {m:<22} {alone:7.2f} s  = {alone / floor:5.1f}x floor   process {t:6.2f} s, CPU {cpu:6.2f} s "
                      f"= {cpu / floor_cpu:4.1f}x   peak {max(r['peak_mb'] for r in rs):6.0f} MB")
    print(f"load average {load_average()} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
