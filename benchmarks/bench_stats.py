"""Benchmark: `legalaid stats` end to end against its I/O floor, measured in the same run.

    python benchmarks/bench_stats.py [--rows 1k,10k,100k] [--repeat 2] [--keep DIR] [--before DIR] [--python PATH]

The floor: unzip + expat parse of the ledger sheet (benchmarks/ledger_gen.py) and a level-1 deflate of every sheet
of the statistics workbook the command writes (small). Also prints `legalaid subsidy` on the same ledgers with
--with-subsidy, for the target "stats 100k no slower than subsidy 100k".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.floor import ledger_job_vs_floor, parse_sizes, sheet_members  # noqa: E402


def command(ledger: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "toolkit", "stats", str(ledger), "--period", "2023", "-o", str(out)]


def written(out: Path) -> list[str]:
    with zipfile.ZipFile(out) as book:
        return list(sheet_members(book))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="统计表填报基准：legalaid stats 对比同一次运行中测得的读写下限。")
    parser.add_argument("--rows", default="1k,10k,100k", help="台账行数列表（默认 1k,10k,100k）")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="把生成的台账和输出保存在此目录（再次运行时重用台账）")
    parser.add_argument("--before", type=Path, metavar="目录", help="另一份代码（如 git worktree add ../旧版本 某提交）"
                        "在同一次运行中交替测量，并逐个比较两者的输出文件成员")
    parser.add_argument("--python", metavar="解释器", help="用另一个 Python 解释器运行 legalaid（如装有 pyarrow 的虚拟环境）")
    parser.add_argument("--with-subsidy", action="store_true", help="在同样的台账上也测 legalaid subsidy")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_stats_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        sizes = parse_sizes(args.rows)
        ledger_job_vs_floor("stats", sizes, args.repeat, command, written, folder, args.seed, python=args.python,
                            before=args.before)
        if args.with_subsidy:
            from benchmarks.bench_subsidy import main as subsidy_main

            subsidy_main(["--floor", args.rows, "--repeat", str(args.repeat), "--seed", str(args.seed),
                          "--keep", str(folder), *(["--python", args.python] if args.python else []),
                          *(["--before", str(args.before)] if args.before else [])])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
