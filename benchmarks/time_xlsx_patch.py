"""Timing (not a test): add 5 columns to a 100,000-row x 14-column ledger with XlsxPatch.

Usage: python benchmarks/time_xlsx_patch.py [rows] [workdir]
The source workbook is built once with xlsxwriter (cached in workdir) and is not part of the timing.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import python_calamine
import xlsxwriter

from toolkit.io.xlsx.patch import CellStyle, Formula, XlsxPatch


def build(path: Path, rows: int) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("台账")
    money = wb.add_format({"num_format": "#,##0.00"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["案号", "受援人", "案件类型", "阶段", "承办人", "立案日期", "结案日期", "补贴标准",
                        "补贴金额", "交通费", "其他", "合计", "备注", "乡镇"])
    d0 = dt.date(2024, 1, 1)
    for r in range(1, rows + 1):
        ws.write_row(r, 0, [f"（2024）法援{r:06d}号", f"受援人{r % 997}", ("民事", "刑事", "行政")[r % 3],
                            "一审", f"律师{r % 53}"])
        ws.write_datetime(r, 5, d0 + dt.timedelta(days=r % 300), date)
        ws.write_datetime(r, 6, d0 + dt.timedelta(days=r % 300 + 30), date)
        ws.write_number(r, 7, 1500, money)
        ws.write_number(r, 8, 1500 + r % 7 * 100, money)
        ws.write_number(r, 9, r % 5 * 20, money)
        ws.write_number(r, 10, 0, money)
        ws.write_number(r, 11, 1500 + r % 7 * 100 + r % 5 * 20, money)
        ws.write_string(r, 12, "")
        ws.write_string(r, 13, f"乡镇{r % 17}")
    wb.close()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.gettempdir())
    src = work / f"ledger_{rows}.xlsx"
    if not src.exists():
        t = time.perf_counter()
        build(src, rows)
        print(f"built source in {time.perf_counter() - t:.1f} s ({src.stat().st_size / 1e6:.1f} MB)")
    c0, t0 = time.process_time(), time.perf_counter()
    data = python_calamine.CalamineWorkbook.from_path(str(src)).get_sheet_by_name("台账").to_python()
    c1, t1 = time.process_time(), time.perf_counter()
    p = XlsxPatch(src)
    head = CellStyle(bold=True, fill="FFF2CC")
    cells = {(1, 15 + i): name for i, name in enumerate(["核定金额", "差额", "核对结果", "核对日期", "公式"])}
    p.set_cells("台账", cells, style=head)
    money = CellStyle(num_format="#,##0.00")
    cells = {}
    today = dt.date(2026, 11, 27)
    for r, row in enumerate(data[1:], start=2):
        amount = Decimal(str(row[8]))
        cells[(r, 15)] = (amount, money)
        cells[(r, 16)] = (amount - Decimal(str(row[7])), money)
        cells[(r, 17)] = "一致" if r % 11 else "不一致"
        cells[(r, 18)] = today
        cells[(r, 19)] = Formula(f"=I{r}-H{r}")
    p.set_cells("台账", cells)
    c2, t2 = time.process_time(), time.perf_counter()
    out = work / f"ledger_{rows}_patched.xlsx"
    p.save(out)
    c3, t3 = time.process_time(), time.perf_counter()
    print(f"rows={rows} wall (cpu) seconds: calamine read {t1 - t0:.2f} ({c1 - c0:.2f}), "
          f"set_cells {t2 - t1:.2f} ({c2 - c1:.2f}), save {t3 - t2:.2f} ({c3 - c2:.2f}), "
          f"read+patch {t3 - t0:.2f} ({c3 - c0:.2f}); output {out.stat().st_size / 1e6:.1f} MB; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
