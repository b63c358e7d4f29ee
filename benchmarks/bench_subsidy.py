"""Benchmark: `legalaid subsidy` end to end against a naive pandas + openpyxl script, on one big ledger.

    python benchmarks/bench_subsidy.py [--rows 100000] [--repeat 1] [--keep DIR]
    python benchmarks/bench_subsidy.py --floor 1k,10k,100k [--repeat 2]     # against the I/O floor (floor.py)
    python benchmarks/bench_subsidy.py --floor 10k,100k --before ../旧版本  # also an older checkout, alternating
    python benchmarks/bench_subsidy.py --floor 100k --python .venv-arrow/bin/python   # the job in another venv

Both sides run as child processes (interpreter start and imports included) so that wall time and peak RSS
are measured the same way: peak RSS from os.wait4 (Linux/macOS), else by polling with psutil.
Targets: the toolkit ≥ 10× faster than the baseline, ≤ 500 MB peak.
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
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_SPEEDUP = 10
TARGET_PEAK_MB = 500
FUND = "46万"
FUND_YUAN = Decimal(460000)

# The naive script's hard-coded table: Hunan minimums plus this centre's own items (its 补贴标准 sheet).
HUNAN_MINIMUM = {("刑事", "侦查"): 800, ("刑事", "审查起诉"): 800, ("刑事", "审判"): 1500, ("刑事", "死刑复核"): 1500,
                 ("民事", ""): 1500, ("行政", ""): 1500, ("仲裁", ""): 1500, ("劳动争议仲裁", ""): 1500,
                 ("认罪认罚法律帮助", ""): 300, ("非诉讼", ""): 500, ("国家赔偿", ""): 1500}
EXCELLENT_FACTOR = Decimal("1.2")
OUT_OF_AREA = 300
EXTRA_PERSON = 200


# --- the naive baseline (runs in a child process) ---------------------------------------------------------
def run_baseline(ledger: Path, out: Path) -> dict:
    """What a finance officer's first script would do: read with openpyxl, loop over rows, write with openpyxl."""
    import pandas as pd

    t0 = time.perf_counter()
    df = pd.read_excel(ledger, sheet_name="案件台账", header=2, engine="openpyxl")
    t1 = time.perf_counter()
    amounts, counted = [], 0
    for case_type, stage, quality, away, persons in zip(df["案件类型"], df["诉讼阶段"], df["案件质量"], df["异地办案"],
                                                        df["受援人数"]):
        case_type = str(case_type).strip()
        stages = str(stage).split("、") if isinstance(stage, str) and stage.strip() else [""]
        rates = [HUNAN_MINIMUM.get((case_type, s)) for s in stages]
        if any(r is None for r in rates):
            amounts.append(None)
            continue
        amount = Decimal(sum(rates))
        if quality == "优秀":
            amount *= EXCELLENT_FACTOR
        if away == "是":
            amount += OUT_OF_AREA
        if isinstance(persons, (int, float)) and persons == persons and persons > 1:
            amount += EXTRA_PERSON * (int(persons) - 1)
        amounts.append(amount)
        counted += 1
    total = sum((a for a in amounts if a is not None), Decimal(0))
    df["测算补贴"] = [float(a) if a is not None else None for a in amounts]
    totals = pd.DataFrame({"项目": ["件数", "测算补贴合计", "专项经费", "缺口", "保障率(%)"],
                           "数值": [counted, float(total), float(FUND_YUAN), float(total - FUND_YUAN),
                                    float(round(FUND_YUAN / total * 100, 2)) if total else None]})
    t2 = time.perf_counter()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name="案件台账", index=False)
        totals.to_excel(writer, sheet_name="补贴汇总", index=False)
    t3 = time.perf_counter()
    return {"read": t1 - t0, "compute": t2 - t1, "write": t3 - t2, "cases": counted, "total": str(total)}


# --- measuring a child process ----------------------------------------------------------------------------
def run_measured(cmd: list[str], cwd: Path, env: dict) -> dict:
    """Run cmd; wall seconds, CPU seconds (user + system; None without wait4), peak RSS in MB, exit code, stdout
    and stderr. With wait4 the command runs under `child_usage.py`, so its peak is its own (see there)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        if hasattr(os, "wait4"):
            with tempfile.TemporaryDirectory() as folder:
                report = Path(folder) / "usage.json"
                proc = subprocess.run([sys.executable, str(Path(__file__).with_name("child_usage.py")), str(report),
                                       *cmd], cwd=cwd, env=env, stdout=out, stderr=err)
                usage = json.loads(report.read_text(encoding="utf-8"))
            seconds, cpu, peak, returncode = usage["seconds"], usage["cpu"], usage["peak_mb"], usage["returncode"]
        else:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
            peak, cpu = _poll_peak_rss(proc), None
            seconds, returncode = time.perf_counter() - start, proc.returncode
        out.seek(0)
        err.seek(0)
        return {"seconds": seconds, "cpu": cpu, "peak_mb": peak, "returncode": returncode,
                "stdout": out.read().decode("utf-8", "replace"), "stderr": err.read().decode("utf-8", "replace")}


def _poll_peak_rss(proc: subprocess.Popen, interval: float = 0.02) -> float:
    import psutil

    peak = 0
    try:
        handle = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                rss = handle.memory_info().rss + sum(c.memory_info().rss for c in handle.children(recursive=True))
            except psutil.Error:
                break
            peak = max(peak, rss)
            time.sleep(interval)
    finally:
        proc.wait()
    return peak / (1024 * 1024)


def _summary(runs: list[dict]) -> dict:
    times = [r["seconds"] for r in runs]
    return {"best": min(times), "median": statistics.median(times), "peak_mb": max(r["peak_mb"] for r in runs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="办案补贴测算基准：legalaid subsidy 对比 pandas+openpyxl 朴素脚本。")
    parser.add_argument("--rows", type=int, default=100_000, help="台账行数（默认 100000）")
    parser.add_argument("--repeat", type=int, default=1, help="每一方运行次数（取最好成绩）")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="把生成的台账和两份输出保存在此目录")
    parser.add_argument("--skip-toolkit", action="store_true", help="只运行朴素脚本")
    parser.add_argument("--floor", metavar="行数列表", help="只测工具箱，与同一次运行中测得的 I/O 下限比较，"
                        "如 --floor 1k,10k,100k（不运行朴素脚本）")
    parser.add_argument("--before", type=Path, metavar="目录", help="与 --floor 同用：另一份代码（如 git worktree "
                        "add ../旧版本 某提交）在同一次运行中交替测量，并逐个比较两者的输出文件成员")
    parser.add_argument("--python", metavar="解释器", help="与 --floor 同用：用另一个 Python 解释器运行 legalaid（如装有 "
                        "pyarrow 的虚拟环境的 bin/python），测量与已安装的包有关的内存")
    parser.add_argument("--baseline", nargs=2, type=Path, metavar=("LEDGER", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.baseline:  # child mode
        print(json.dumps(run_baseline(*args.baseline), ensure_ascii=False))
        return 0

    from benchmarks.ledger_gen import write_ledger

    if args.floor:
        return floor_main(args)

    with tempfile.TemporaryDirectory(prefix="bench_subsidy_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        ledger = folder / f"台账_{args.rows}.xlsx"
        start = time.perf_counter()
        write_ledger(ledger, args.rows, args.seed)
        print(f"生成台账 {args.rows} 行：{time.perf_counter() - start:.1f} 秒，{ledger.stat().st_size / 1e6:.1f} MB")

        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        # Both sides start from compiled bytecode, as an installed package does (pip compiles at install; the
        # libraries the baseline uses are installed). Where PYTHONDONTWRITEBYTECODE is set and the checkout has
        # no __pycache__, every toolkit run would otherwise compile ~11,000 lines again (~0.3 s).
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "toolkit")], check=True, env=env)
        toolkit_out, baseline_out = folder / "补贴_工具箱.xlsx", folder / "补贴_朴素脚本.xlsx"
        toolkit_cmd = [sys.executable, "-m", "toolkit", "subsidy", str(ledger), "--level", "最低", "--fund", FUND,
                       "-o", str(toolkit_out)]
        baseline_cmd = [sys.executable, str(Path(__file__).resolve()), "--baseline", str(ledger), str(baseline_out)]

        toolkit_runs, baseline_runs = [], []
        for i in range(args.repeat):
            if not args.skip_toolkit:
                toolkit_out.unlink(missing_ok=True)
                run = run_measured(toolkit_cmd, REPO, env)
                toolkit_runs.append(run)
                print(f"[{i + 1}] 工具箱   {run['seconds']:7.2f} 秒  峰值内存 {run['peak_mb']:6.0f} MB  "
                      f"退出码 {run['returncode']}")
                # exit code 1 = findings reported, still a result; no output file = it failed
                if run["returncode"] not in (0, 1) or not toolkit_out.exists():
                    print("工具箱运行失败：\n" + run["stderr"][-2000:])
                    args.skip_toolkit = True
                    toolkit_runs.clear()
            run = run_measured(baseline_cmd, REPO, env)
            if run["returncode"] != 0:
                print("朴素脚本运行失败：\n" + run["stderr"][-2000:])
                return 2
            run["detail"] = json.loads(run["stdout"].strip().splitlines()[-1])
            baseline_runs.append(run)
            d = run["detail"]
            print(f"[{i + 1}] 朴素脚本 {run['seconds']:7.2f} 秒  峰值内存 {run['peak_mb']:6.0f} MB  "
                  f"（读 {d['read']:.1f} / 算 {d['compute']:.1f} / 写 {d['write']:.1f} 秒）")

        base = _summary(baseline_runs)
        detail = baseline_runs[-1]["detail"]
        print(f"\n台账 {args.rows} 行，每方运行 {args.repeat} 次（取最好成绩）")
        print(f"朴素脚本 (pandas+openpyxl)：{base['best']:.2f} 秒，峰值内存 {base['peak_mb']:.0f} MB；"
              f"测算 {detail['cases']} 件，合计 {Decimal(detail['total']):,.2f} 元")
        if toolkit_runs:
            tk = _summary(toolkit_runs)
            ratio = base["best"] / tk["best"]
            print(f"工具箱 legalaid subsidy：   {tk['best']:.2f} 秒，峰值内存 {tk['peak_mb']:.0f} MB")
            print(f"快 {ratio:.1f} 倍（目标 ≥ {TARGET_SPEEDUP} 倍：{'达到' if ratio >= TARGET_SPEEDUP else '未达到'}）；"
                  f"峰值内存目标 ≤ {TARGET_PEAK_MB} MB：{'达到' if tk['peak_mb'] <= TARGET_PEAK_MB else '未达到'}")
            print("工具箱输出（最后一次）：\n" + toolkit_runs[-1]["stdout"].strip()[-1500:])
        else:
            print("工具箱：未运行或运行失败")
    return 0


def floor_main(args) -> int:
    """`legalaid subsidy` against its floor: unzip + expat parse of the ledger sheet + level-1 deflate of the
    sheets it writes (the ledger sheet with its five columns and 补贴汇总)."""
    import zipfile

    from benchmarks.floor import ledger_job_vs_floor, parse_sizes, sheet_members
    from benchmarks.ledger_gen import LEDGER_SHEET, STANDARD_SHEET

    def command(ledger, out):
        return [sys.executable, "-m", "toolkit", "subsidy", str(ledger), "--level", "最低", "--fund", FUND,
                "-o", str(out)]

    def written(out):
        with zipfile.ZipFile(out) as book:
            return [s for s in sheet_members(book) if s != STANDARD_SHEET]

    with tempfile.TemporaryDirectory(prefix="bench_subsidy_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        ledger_job_vs_floor("subsidy", parse_sizes(args.floor), args.repeat, command, written, folder, args.seed,
                            python=args.python, before=args.before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
