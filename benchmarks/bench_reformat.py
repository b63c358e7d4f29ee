"""Benchmark `legalaid reformat` against a naive serial baseline (openpyxl read + openpyxl write per file).

Generates N returns (default 1,000; ≈40 rows each) in varied layouts — title rows, one- or two-row merged headers,
columns reordered and named by aliases, 元 or 万元, text amounts and dates, 合计/小计 rows, notes, a CSV (UTF-8 or
GBK) now and then — then, in the same run:
  1. the command end to end (parallel processes, python-calamine reader, the toolkit's table writer);
  2. the baseline: the same layout discovery and normalisation (toolkit.monthly.normalise), but each file read with
     openpyxl.load_workbook and each output (per-file workbook and the consolidated workbook) written with openpyxl,
     one file after another.
Prints files/s for both, the ratio, and peak RSS (summed over the process tree).

Run: python benchmarks/bench_reformat.py [--files 1000] [--jobs N] [--repeat 3] [--keep DIR]
     python benchmarks/bench_reformat.py --floor [--repeat 3]   # against a bare read loop, --jobs 1 and 2, no baseline
     python benchmarks/bench_reformat.py --phases [--before DIR]  # CPU ms per return of each step, in process
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import psutil
import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.io.excel_read import RawSheet, read_csv  # noqa: E402
from toolkit.monthly.normalise import default_template, parse_return, return_aliases, template_rows  # noqa: E402

TYPES = ["民事", "刑事", "行政", "仲裁", "非诉讼", "民事案件", "刑事辩护"]
ROWS = 40


def _record(rng: random.Random, unit: str, i: int) -> dict:
    subsidy = rng.choice([800, 1500, 1800, 2000, 3200, 5000])
    recovered = round(rng.uniform(0, 50000), 2)
    d = dt.date(2023, 3, 1) + dt.timedelta(days=rng.randrange(28))
    return {"案号": f"(2023)沅法援字第{i:05d}号", "受援人": f"受援人{i}", "案件类型": rng.choice(TYPES),
            "承办律师": f"律师{rng.randrange(30)}", "律师事务所": f"律所{rng.randrange(12)}", "指派日期": d,
            "补贴金额": subsidy / 10000 if unit == "万元" else subsidy,
            "挽回经济损失": recovered / 10000 if unit == "万元" else recovered}


def make_return(path: Path, layout: int, rng: random.Random, n: int) -> None:
    """One return in one of five layouts."""
    unit = "万元" if layout == 1 else "元"
    recs = [_record(rng, unit, n * 100 + i) for i in range(ROWS)]
    if layout in (3, 4):                                    # CSV, UTF-8 with BOM or GBK, a title line
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([f"某工作站2023年3月法律援助案件统计（{n}）"])
        w.writerow(["案号", "当事人", "案件类别", "承办人", "律所", "受理日期", "办案补贴", "挽回损失"])
        for r in recs:
            w.writerow([r["案号"], r["受援人"], r["案件类型"], r["承办律师"], r["律师事务所"],
                        r["指派日期"].isoformat(), r["补贴金额"], r["挽回经济损失"]])
        data = buf.getvalue()
        path.with_suffix(".csv").write_bytes(("\ufeff" + data).encode("utf-8") if layout == 3 else data.encode("gbk"))
        return
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = book.add_worksheet("Sheet1")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    if layout == 0:          # title, unit line, one header row, 合计
        ws.merge_range(0, 0, 0, 8, f"沅江市法律援助中心2023年3月案件统计表（{n}）")
        ws.write(1, 8, "单位：元")
        header = ["序号", "案号", "受援人", "案件类型", "承办律师", "律师事务所", "指派日期", "补贴金额", "挽回经济损失"]
        ws.write_row(2, 0, header)
        for i, r in enumerate(recs):
            ws.write_row(3 + i, 0, [i + 1, r["案号"], r["受援人"], r["案件类型"], r["承办律师"], r["律师事务所"]])
            ws.write_datetime(3 + i, 6, dt.datetime.combine(r["指派日期"], dt.time()), date_fmt)
            ws.write_number(3 + i, 7, r["补贴金额"])
            ws.write_number(3 + i, 8, r["挽回经济损失"])
        ws.write_row(3 + ROWS, 0, ["合计", None, None, None, None, None, None,
                                   sum(r["补贴金额"] for r in recs), sum(r["挽回经济损失"] for r in recs)])
        ws.write(5 + ROWS, 0, "注：本表每月5日前报送。")
    elif layout == 1:        # two-row merged header, 万元, reordered columns
        ws.merge_range(0, 0, 0, 6, f"某律师事务所2023年3月法律援助案件报表（{n}）")
        ws.write(1, 5, "金额单位：万元")
        ws.merge_range(2, 0, 2, 2, "案件信息")
        ws.merge_range(2, 3, 2, 4, "金额")
        ws.merge_range(2, 5, 2, 6, "办理情况")
        ws.write_row(3, 0, ["援助案号", "受援人姓名", "类别", "办案补贴", "挽回损失", "承办律师", "受理日期"])
        for i, r in enumerate(recs):
            ws.write_row(4 + i, 0, [r["案号"], r["受援人"], r["案件类型"], r["补贴金额"], r["挽回经济损失"],
                                    r["承办律师"], r["指派日期"].strftime("%Y.%m.%d")])
        ws.write_row(4 + ROWS, 0, ["合计", None, None, sum(r["补贴金额"] for r in recs)])
    else:                    # aliases, amounts and dates as text, 小计 blocks and a 合计
        ws.write_row(0, 0, ["编号", "当事人", "案件类别", "援助律师", "承办单位", "立案日期", "补贴", "挽回损失（元）"])
        row = 1
        for block in (recs[:20], recs[20:]):
            for r in block:
                d = r["指派日期"]
                ws.write_row(row, 0, [r["案号"], r["受援人"], r["案件类型"], r["承办律师"], r["律师事务所"],
                                      f"{d.year}年{d.month}月{d.day}日", f"{r['补贴金额']:,}元", r["挽回经济损失"]])
                row += 1
            ws.write_row(row, 0, ["小计", None, None, None, None, None, sum(r["补贴金额"] for r in block)])
            row += 1
        ws.write_row(row, 0, ["合计", None, None, None, None, None, sum(r["补贴金额"] for r in recs)])
    book.close()


def make_corpus(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for n in range(count):
        layout = n % 10 if n % 10 < 3 else (0, 1, 2, 0, 1, 3, 4)[n % 10 - 3]
        sub = folder / f"县{n % 25:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        make_return(sub / f"月报_{n:04d}_2023年3月.xlsx", layout, rng, n)


class PeakRSS:
    """Samples the RSS of this process and all its descendants; keeps the peak of the sum."""

    def __init__(self, pid: int | None = None):
        self.proc = psutil.Process(pid or os.getpid())
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


COLD_BYTECODE = False     # --cold-bytecode: every child compiles the toolkit's sources, as before 2026-11-30 evening


def child_env(root: Path) -> dict:
    """The environment of a child running the toolkit of `root`: its bytecode cached as after a user's first run
    (in a cache folder per tree outside the checkout, compiled once here), even where PYTHONDONTWRITEBYTECODE is set
    (then every child would compile every module from source: ≈ 0.3 s CPU a process on this machine)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    if COLD_BYTECODE:
        return env
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "bench_reformat_pyc"
                                     / str(root.resolve()).strip("/").replace("/", "_"))
    if root not in _COMPILED:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "toolkit")], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        _COMPILED.add(root)
    return env


_COMPILED: set = set()


def run_toolkit(in_dir: Path, out_dir: Path, jobs: int | None, root: Path = ROOT) -> tuple[float, float, int, int]:
    """The command in a fresh process, as a user runs it (the toolkit of `root`): (seconds, CPU seconds of the
    process tree, peak RSS bytes, exit code)."""
    cmd = [sys.executable, "-m", "toolkit", "reformat", str(in_dir), "-o", str(out_dir), "--json"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    env = child_env(root)
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    with PeakRSS(proc.pid) as rss:
        _, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"reformat failed ({proc.returncode}): {err.decode()}")
    return seconds, _children_cpu() - cpu, rss.peak, proc.returncode


def _openpyxl_sheets(path: Path) -> list[RawSheet]:
    import openpyxl
    if path.suffix.lower() == ".csv":
        return [read_csv(path)]
    book = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in book.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        sheets.append(RawSheet(ws.title, rows, merged))
    return sheets


def run_baseline(in_dir: Path, out_dir: Path) -> tuple[float, float, int, int]:
    """Naive and serial: openpyxl read, the same normalisation, openpyxl write per file and for the consolidation."""
    import openpyxl
    from openpyxl.styles import Font

    template = default_template()
    aliases = return_aliases()
    out_dir.mkdir(parents=True, exist_ok=True)
    start, cpu = time.perf_counter(), time.process_time()
    total_rows = 0
    with PeakRSS() as rss:
        consolidated = openpyxl.Workbook()
        cws = consolidated.active
        cws.title = "汇总"
        cws.append(["来源文件", "工作表", "源行号", *[c.header for c in template.columns]])
        for path in sorted(in_dir.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(in_dir).as_posix()
            result = parse_return(_openpyxl_sheets(path), rel, aliases, file_stem=path.stem)
            book = openpyxl.Workbook()
            ws = book.active
            ws.title = template.sheet
            ws.append([template.render_title(result.period, rel)])
            ws.append([c.header for c in template.columns])
            for cell in ws[2]:
                cell.font = Font(bold=True)
            for table in result.tables:
                for record, row in zip(table.rows, template_rows(table, template)):
                    ws.append(row)
                    cws.append([rel, table.sheet, record["_row"], *row])
                    total_rows += 1
            for c, column in enumerate(template.columns, 1):
                ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = column.width
                for row in ws.iter_rows(min_row=3, min_col=c, max_col=c):
                    row[0].number_format = column.num_format
            ws.freeze_panes = "A3"
            book.save(out_dir / (rel.replace("/", "_").rsplit(".", 1)[0] + ".xlsx"))
        consolidated.save(out_dir / "汇总.xlsx")
    return time.perf_counter() - start, time.process_time() - cpu, rss.peak, total_rows


def read_loop(in_dir: Path) -> tuple[float, float, int]:
    """The floor: a bare python-calamine read loop over the same files (every sheet to Python rows; a CSV read and
    split with csv.reader): (seconds, CPU seconds, rows)."""
    from python_calamine import CalamineWorkbook

    wall, cpu, rows = time.perf_counter(), time.process_time(), 0
    for path in sorted(p for p in in_dir.rglob("*") if p.is_file()):
        if path.suffix.lower() == ".csv":
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gbk")
            rows += sum(1 for _ in csv.reader(io.StringIO(text)))
            continue
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows += len(book.get_sheet_by_name(name).to_python())
    return time.perf_counter() - wall, time.process_time() - cpu, rows


def floor_main(args, in_dir: Path, ours: Path, files: int) -> None:
    """The command with --jobs 1 and --jobs 2 against the bare read loop, alternating, `repeat` rounds (and the
    checkout `--before` the same way, its outputs compared member by member with ours)."""
    trees = [("", ROOT)] + ([("before ", args.before.resolve())] if args.before else [])
    names = [f"{label}--jobs {jobs}" for label, _ in trees for jobs in (1, 2)]
    runs: dict[str, list] = {"read loop": [], **{name: [] for name in names}}
    for i in range(max(args.repeat, 1)):
        runs["read loop"].append(read_loop(in_dir)[:2])
        for label, root in trees:
            for jobs in (1, 2):
                out = ours if not label else ours.with_name(ours.name + "_before")
                shutil.rmtree(out, ignore_errors=True)
                t, cpu, rss, code = run_toolkit(in_dir, out, jobs, root)
                runs[f"{label}--jobs {jobs}"].append((t, cpu, rss))
        print(f"round {i + 1}: read loop {runs['read loop'][-1][0]:.2f} s (CPU {runs['read loop'][-1][1]:.2f} s); "
              + "; ".join(f"{name} {runs[name][-1][0]:.2f} s (CPU {runs[name][-1][1]:.2f} s, "
                          f"peak {runs[name][-1][2] / 2**20:.0f} MB)" for name in names))
    if args.before:
        print(f"outputs of the last runs: {'identical' if same_outputs(ours, ours.with_name(ours.name + '_before')) else 'DIFFERENT'}")
    floor, floor_cpu = min(r[0] for r in runs["read loop"]), min(r[1] for r in runs["read loop"])
    print(f"{files} files, best of {args.repeat}: bare read loop {floor:.2f} s (CPU {floor_cpu:.2f} s)")
    for name in names:
        t, cpu = min(r[0] for r in runs[name]), min(r[1] for r in runs[name])
        print(f"reformat {name}: {t:.2f} s = {t / floor:.1f}x the read loop (CPU {cpu:.2f} s = {cpu / floor_cpu:.1f}x); "
              f"peak RSS {max(r[2] for r in runs[name]) / 2**20:.0f} MB (process tree)")
    print(f"load     : average {os.getloadavg()[0]:.2f} at the end (other processes share the cores)")


PHASES_CHILD = r"""
import sys, time, tempfile, shutil
from pathlib import Path
root, in_dir = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(root))
from toolkit.io import excel_read, limits, returns_batch as rb
from toolkit.io.xlsx.table_writer import RowXml, write_xlsx
from toolkit.monthly.job import decide_return, output_names, return_record, summary_tables
from toolkit.monthly.normalise import default_template, return_aliases
import gc
gc.freeze(); gc.set_threshold(1_000_000, 20, 100)     # as toolkit/cli/main.py does for every command
files = rb.list_returns(in_dir)
rels = [p.relative_to(in_dir).as_posix() for p in files]
template, aliases = default_template(), return_aliases()
renderer, out = rb._renderer(template), Path(tempfile.mkdtemp())
cpu = time.process_time
spent = dict(check=0.0, read=0.0, decide=0.0, render=0.0, write=0.0, summary=0.0)
package = limits.check_package
def timed_check(*a, **k):
    t = cpu(); r = package(*a, **k); spent["check"] += cpu() - t; return r
limits.check_package = timed_check
records = []
for path, rel, name in zip(files, rels, output_names(rels)):
    t = cpu(); sheets = excel_read.read_workbook(path); spent["read"] += cpu() - t
    t = cpu(); d = decide_return(sheets, rel, path.stem, template, aliases, {}, False); spent["decide"] += cpu() - t
    t = cpu()
    if hasattr(renderer, "render_rows"):    # as process_file renders them (the tree before: row by row, as str)
        rows = [x.encode("utf-8") for x in renderer.render_rows(d.summary, 0)]
    else:
        rows = [renderer.render(row, 0).xml for row in d.summary]
    spent["render"] += cpu() - t
    t = cpu(); write_xlsx(out / name, d.sheets, durable=False); spent["write"] += cpu() - t
    records.append(return_record(d.result, name, rows, d.period_sums))
t = cpu()
for r in records:
    r["summary_rows"] = [RowXml(x) for x in r["summary_rows"]]
write_xlsx(out / "summary.xlsx", summary_tables(records, template)); spent["summary"] += cpu() - t
shutil.rmtree(out)
print(" ".join(f"{k}={v * 1000 / len(files):.2f}" for k, v in spent.items()))
"""


def phases_main(args, in_dir: Path) -> None:
    """CPU ms per return of each step of the --jobs 1 path in one cold pass, in process (a child per tree and
    round, this tree and --before alternating): reading (the package check inside it), decide_return, rendering
    the 汇总 rows, writing the return's workbook, 汇总.xlsx."""
    trees = [("after ", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
    for i in range(max(args.repeat, 1)):
        for label, root in trees:
            got = subprocess.run([sys.executable, "-c", PHASES_CHILD, str(root), str(in_dir)], capture_output=True,
                                 text=True, cwd=tempfile.gettempdir(), env=child_env(root))
            if got.returncode:
                raise SystemExit(got.stderr)
            print(f"round {i + 1} {label}: {got.stdout.strip()} (ms per return; load {os.getloadavg()[0]:.1f})")


def same_outputs(a: Path, b: Path) -> bool:
    """Every file under a and b the same; workbooks compared member by member."""
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    if files_a != sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()):
        return False
    for rel in files_a:
        if rel.suffix == ".xlsx":
            with zipfile.ZipFile(a / rel) as za, zipfile.ZipFile(b / rel) as zb:
                if za.namelist() != zb.namelist() or any(za.read(n) != zb.read(n) for n in za.namelist()):
                    return False
        elif (a / rel).read_bytes() != (b / rel).read_bytes():
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpus and outputs in this folder")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the toolkit (short, so a burst of other load hits it hard); all are printed")
    parser.add_argument("--before", type=Path, default=None,
                        help="with --floor: another checkout (e.g. `git worktree add ../before HEAD~3`) measured "
                             "alternating with this one in the same run, outputs compared")
    parser.add_argument("--floor", action="store_true",
                        help="compare with a bare python-calamine read loop (--jobs 1 and 2) instead of the baseline")
    parser.add_argument("--phases", action="store_true",
                        help="CPU ms per return of each step, in process, this tree and --before alternating")
    parser.add_argument("--cold-bytecode", action="store_true",
                        help="children compile the toolkit from source (PYTHONDONTWRITEBYTECODE kept), as measured "
                             "before 2026-11-30 evening")
    args = parser.parse_args()
    global COLD_BYTECODE
    COLD_BYTECODE = args.cold_bytecode
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_reformat_"))
    in_dir, ours, base = work / "in", work / "out_toolkit", work / "out_baseline"
    for d in (ours, base):
        shutil.rmtree(d, ignore_errors=True)
    if not in_dir.exists():
        t = time.perf_counter()
        make_corpus(in_dir, args.files)
        print(f"generated {args.files} returns in {time.perf_counter() - t:.1f} s ({in_dir})")
    files = sum(1 for p in in_dir.rglob("*") if p.is_file())
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    if args.phases:
        phases_main(args, in_dir)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        return
    if args.floor:
        floor_main(args, in_dir, ours, files)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        return

    runs = []
    for _ in range(max(args.repeat, 1)):
        shutil.rmtree(ours, ignore_errors=True)
        runs.append(run_toolkit(in_dir, ours, args.jobs))
    import json
    log = json.loads((ours / "处理日志.json").read_text(encoding="utf-8"))
    t_base, cpu_base, rss_base, base_rows = run_baseline(in_dir, base)
    for i, (t, cpu, rss, code) in enumerate(runs, 1):
        print(f"toolkit {i}: {files} files, {log['rows']} rows, ok {log['ok']}, warnings {log['warnings']}, "
              f"failed {log['failed']} in {t:.2f} s = {files / t:.1f} files/s (CPU {cpu:.2f} s, process start and "
              f"imports included); peak RSS {rss / 2**20:.0f} MB (exit {code})")
    print(f"baseline : {files} files, {base_rows} rows in {t_base:.2f} s = {files / t_base:.1f} files/s "
          f"(CPU {cpu_base:.2f} s); peak RSS {rss_base / 2**20:.0f} MB")
    times = sorted(r[0] for r in runs)
    cpus = sorted(r[1] for r in runs)
    median = times[len(times) // 2]
    print(f"ratio    : {t_base / times[0]:.1f}x faster than the baseline in elapsed time with the best toolkit run, "
          f"{t_base / median:.1f}x with the median (target >= 10x); {cpu_base / cpus[0]:.1f}x less CPU (best)")
    print(f"load     : average {os.getloadavg()[0]:.2f} at the end (other processes share the cores)")
    if base_rows != log["rows"]:
        print(f"WARNING: row counts differ (toolkit {log['rows']}, baseline {base_rows})")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
