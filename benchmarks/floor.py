"""The I/O floor a job is compared with, measured in the same run as the job (the machine is shared and noisy,
so only ratios within one run mean anything).

- read floor: unzip one worksheet's XML (and sharedStrings.xml) and parse it with expat, no handlers, no Python
  objects per cell — what any reader must at least do;
- write floor: deflate (zlib level 1, raw) of the XML of the worksheets a job writes, taken from its own output;
- the job: a child process (`run_measured` of bench_subsidy: wall seconds, CPU seconds, peak RSS from wait4).

    from benchmarks.floor import read_floor, write_floor, ledger_job_vs_floor
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')


def sheet_members(book: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: zip member of its XML}, in workbook order."""
    workbook = book.read("xl/workbook.xml")
    rels = {rid.decode(): target.decode() for rid, target in _REL.findall(book.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for name, rid in _SHEET.findall(workbook):
        target = rels[rid.decode()]
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out[expat_unescape(name.decode())] = member
    return out


def expat_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def read_floor(path: Path, sheet: str | None = None) -> dict:
    """Unzip + expat-parse one sheet (default: the first) and the shared strings: wall and CPU seconds, MB of XML."""
    wall, cpu = time.perf_counter(), time.process_time()
    size = 0
    with zipfile.ZipFile(path) as book:
        members = sheet_members(book)
        wanted = [members[sheet] if sheet else next(iter(members.values()))]
        if "xl/sharedStrings.xml" in book.namelist():
            wanted.append("xl/sharedStrings.xml")
        for member in wanted:
            data = book.read(member)
            size += len(data)
            expat.ParserCreate().Parse(data, True)
    return {"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "xml_mb": size / 1e6}


def write_floor(path: Path, sheets: list[str] | None = None) -> dict:
    """zlib level-1 deflate of the XML of `sheets` (default: all) of a workbook already written (not timed:
    reading it back)."""
    with zipfile.ZipFile(path) as book:
        members = sheet_members(book)
        datas = [book.read(members[s]) for s in (sheets or list(members))]
    wall, cpu = time.perf_counter(), time.process_time()
    for data in datas:
        z = zlib.compressobj(1, zlib.DEFLATED, -15)
        z.compress(data)
        z.flush()
    return {"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
            "xml_mb": sum(map(len, datas)) / 1e6}


def compile_toolkit(env: dict, tree: Path = REPO, python: str | None = None) -> None:
    """Start from compiled bytecode, as an installed package does (this machine sets PYTHONDONTWRITEBYTECODE)."""
    subprocess.run([python or sys.executable, "-m", "compileall", "-q", str(tree / "toolkit")], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def child_env(tree: Path = REPO) -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")])))


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def same_members(a: Path, b: Path) -> bool:
    """Two workbooks hold the same members with the same bytes."""
    with zipfile.ZipFile(a) as x, zipfile.ZipFile(b) as y:
        return x.namelist() == y.namelist() and all(x.read(m) == y.read(m) for m in x.namelist())


def ledger_job_vs_floor(job: str, sizes: list[int], repeat: int, command, written_sheets, folder: Path,
                        seed: int = 0, python: str | None = None, before: Path | None = None) -> list[dict]:
    """For each ledger size: generate the ledger (benchmarks.ledger_gen), then `repeat` times, alternating, the
    read floor, the job (`command(ledger, out)` → argv) and the write floor of the sheets it wrote
    (`written_sheets(out)` → sheet names). Prints one line per run and the best of each; returns the summaries.
    `python`: the interpreter the job runs with (another venv, e.g. one with pyarrow); `before`: an older checkout
    run alternating with this one, its output compared member by member."""
    from benchmarks.bench_subsidy import run_measured
    from benchmarks.ledger_gen import LEDGER_SHEET, write_ledger

    trees = {"after": REPO, "before": before.resolve()} if before else {"": REPO}
    if python:
        python = os.path.abspath(python)   # (not resolved: a venv's python is a link to the base interpreter)
    envs = {name: child_env(tree) for name, tree in trees.items()}
    for name, tree in trees.items():
        compile_toolkit(envs[name], tree, python)
    print(f"{job}: {os.cpu_count()} cores, load average {load_average()} at the start; job interpreter "
          f"{python or sys.executable}" + (f"; before = {trees['before']}" if before else ""))
    results = []
    for rows in sizes:
        ledger = folder / f"台账_{rows}.xlsx"
        if not ledger.exists():
            start = time.perf_counter()
            write_ledger(ledger, rows, seed)
            print(f"  generated {rows} rows in {time.perf_counter() - start:.1f} s ({ledger.stat().st_size / 1e6:.1f} MB)")
        runs: dict[str, list] = {name: [] for name in trees}
        for i in range(repeat):
            read = read_floor(ledger, LEDGER_SHEET)
            outs = {}
            for name in (list(trees) if i % 2 == 0 else list(trees)[::-1]):
                out = outs[name] = folder / f"{job}_{name + '_' if name else ''}{rows}.xlsx"
                out.unlink(missing_ok=True)
                cmd = command(ledger, out)
                if python:
                    cmd = [python, *cmd[1:]]
                run = run_measured(cmd, trees[name], envs[name])
                if run["returncode"] not in (0, 1) or not out.exists():
                    raise SystemExit(f"{job} {name} failed ({run['returncode']}):\n{run['stderr'][-2000:]}")
                write = write_floor(out, written_sheets(out))
                floor, floor_cpu = read["seconds"] + write["seconds"], read["cpu"] + write["cpu"]
                runs[name].append({"seconds": run["seconds"], "cpu": run["cpu"], "peak_mb": run["peak_mb"],
                                   "floor": floor, "floor_cpu": floor_cpu, "read": read, "write": write})
                print(f"  [{rows} rows, run {i + 1}] {job} {name} {run['seconds']:6.2f} s (CPU {run['cpu']:6.2f}), "
                      f"peak {run['peak_mb']:5.0f} MB | floor {floor:5.2f} s = read {read['seconds']:.2f} "
                      f"({read['xml_mb']:.0f} MB XML) + deflate {write['seconds']:.2f} ({write['xml_mb']:.0f} MB) "
                      f"| ratio {run['seconds'] / floor:4.1f}x wall, {run['cpu'] / floor_cpu:4.1f}x CPU")
            if before:
                print(f"  outputs {'identical' if same_members(outs['before'], outs['after']) else 'DIFFER'}")
        for name, tree_runs in runs.items():
            best = {"rows": rows, "tree": name, "seconds": min(r["seconds"] for r in tree_runs),
                    "cpu": min(r["cpu"] for r in tree_runs), "peak_mb": max(r["peak_mb"] for r in tree_runs),
                    "floor": min(r["floor"] for r in tree_runs), "floor_cpu": min(r["floor_cpu"] for r in tree_runs)}
            best["ratio"] = best["seconds"] / best["floor"]
            best["ratio_cpu"] = best["cpu"] / best["floor_cpu"]
            results.append(best)
    print(f"\n{job}: best of {repeat} per size (load average {load_average()} at the end)")
    print(f"{'rows':>8} {'tree':>7} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'floor s':>8} {'ratio':>7} "
          f"{'CPU ratio':>9}")
    for b in results:
        print(f"{b['rows']:>8} {b['tree']:>7} {b['seconds']:>8.2f} {b['cpu']:>8.2f} {b['peak_mb']:>8.0f} "
              f"{b['floor']:>8.2f} {b['ratio']:>6.1f}x {b['ratio_cpu']:>8.1f}x")
    for name in trees:
        mine = [b for b in results if b["tree"] == name]
        if len(mine) > 1:
            a, b = mine[-2], mine[-1]
            print(f"memory per extra 1k rows{' (' + name + ')' if name else ''} ({a['rows']}→{b['rows']}): "
                  f"{(b['peak_mb'] - a['peak_mb']) / ((b['rows'] - a['rows']) / 1000):.2f} MB")
    return results


def parse_sizes(text: str) -> list[int]:
    return [int(float(s.strip().lower().replace("k", "e3"))) for s in text.split(",") if s.strip()]
