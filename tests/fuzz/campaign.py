"""Fuzz campaign: mutate a small ledger (and the hostile builders), run every command on each mutant in a child
process, and check per run: exit code in {0,1,2}, no traceback, no "意外问题", peak memory bounded, input unchanged,
no formula from user text in the outputs, no unmasked ID number. Run by hand for a large count:

    python tests/fuzz/campaign.py --count 2000 --seed 1             (a child process per run, with peak memory)
    python tests/fuzz/campaign.py --count 2000 --seed 1 --in-process (faster, no memory figure)

tests/fuzz/test_campaign.py runs a bounded count in the test suite."""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz import hostile as h  # noqa: E402
ID = h.an_id("43090219850312001")
PEAK_LIMIT_MB = 1024
_VALUES = [ID, f"民事{ID}", "=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", 1e18, -1e12, "1" * 30, "9" * 400,
           "", " ", None, "２０２３年１３月", "一千五百", "0.15万", float("nan"), "长" * 40, 2 ** 63, -0.0,
           "1,500元", "2023.2.30", "张三", "合计", True, "（2023）"]   # (control characters: see corrupt_parts)
_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"')


def mutate_ledger(rng: random.Random, folder: Path, n: int) -> Path:
    """A ledger with a few cells replaced by hostile values, or its XML/zip mangled."""
    rows = h.ledger_rows(rng.randint(0, 20))
    for _ in range(rng.randint(1, 6)):
        if rows:
            r, c = rng.randrange(len(rows)), rng.randrange(len(h.HEADER))
            rows[r][c] = rng.choice(_VALUES)
    base = h.write_ledger(folder / f"m{n}.xlsx", rows)
    how = rng.random()
    if how < 0.5:
        return base
    data = base.read_bytes()
    if how < 0.65:    # flip bytes in the zip
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        out = folder / f"m{n}_bytes.xlsx"
        out.write_bytes(bytes(b))
        return out
    if how < 0.75:    # truncate
        out = folder / f"m{n}_cut.xlsx"
        out.write_bytes(data[: rng.randrange(len(data))])
        return out
    def mangle(xml: str) -> str:   # sheet XML: far cells, odd types, broken markup
        choice = rng.randrange(6)
        if choice == 0:
            return h.add_cell_xml(xml, rng.choice(["XFD1", "A1048576", "ZZ9", "A99999", "XFE1", "A1048577"]))
        if choice == 1:
            return xml.replace("</sheetData>", '<row r="70"><c r="B70" t="s"><v>abc</v></c></row></sheetData>')
        if choice == 2:
            return xml.replace("</sheetData>", '<row r="71"><c r="H71" t="d"><v>x</v></c></row></sheetData>')
        if choice == 3:
            cut = rng.randrange(len(xml))
            return xml[:cut] + xml[cut + rng.randint(1, 40):]
        if choice == 4:
            return xml.replace("</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="D10:A4"/></mergeCells>', 1)
        return xml.replace("<v>", "<v>-1e12", 1)
    return h.edit_sheet(base, folder / f"m{n}_xml.xlsx", mangle)


def commands(path: Path, out: Path) -> list[list[str]]:
    budget = ROOT / "workbooks" / "示例决算.xlsx"
    return [["subsidy", str(path), "-o", str(out / "s.xlsx"), "--json"],
            ["stats", str(path), "-o", str(out / "t.xlsx")],
            ["validate", str(path)],
            ["report", "--budget", str(budget), "--ledger", str(path), "-o", str(out / "r.docx")],
            ["reformat", str(path.parent), "-o", str(out / "ref"), "--jobs", "1"]]


def _unmasked(text: str) -> bool:
    return ID in text


def _formulas_from_user_text(xlsx: Path) -> list[str]:
    """Formulas in an output that are not the toolkit's own (its own are SUM/ROUND/IF/… over cell references)."""
    bad = []
    try:
        with zipfile.ZipFile(xlsx) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    for f in re.findall(rb"<f>([^<]*)</f>", z.read(name)):
                        if re.search(rb"HYPERLINK|1\+1|@SUM", f):
                            bad.append(f.decode("utf-8", "replace"))
    except (zipfile.BadZipFile, OSError):
        pass
    return bad


def run_one(argv: list[str], timeout: float = 120) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak MB) of `legalaid argv` in a child process."""
    code = ("import resource, sys\nfrom toolkit.cli.main import console\nsys.argv = ['legalaid'] + sys.argv[1:]\n"
            "try:\n    c = console()\nfinally:\n"
            "    print('@@PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)\n"
            "sys.exit(c)\n")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=timeout, cwd=ROOT, env=env)
    m = re.search(r"@@PEAK (\d+)", proc.stderr)
    err = re.sub(r"@@PEAK \d+\n?", "", proc.stderr)
    return proc.returncode, proc.stdout, err, int(m.group(1)) if m else 0


def run_in_process(argv: list[str]) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, 0) of cli.main(argv) in this process: fast, for many mutants; no memory figure."""
    import contextlib
    import io

    from toolkit.cli import main as cli
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:        # argparse
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:     # anything past the boundary is a defect: show it like a traceback
            code, err = 99, io.StringIO(f"Traceback: {type(exc).__name__}: {exc}")
    return code, out.getvalue(), err.getvalue(), 0


def check_run(argv, path: Path, out: Path, in_process: bool = False) -> tuple[list[str], int]:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        code, stdout, stderr, peak = run_in_process(argv) if in_process else run_one(argv)
    except subprocess.TimeoutExpired:
        return [f"超时：{argv[0]}"], 0
    problems = []
    text = stdout + stderr
    if code not in (0, 1, 2):
        problems.append(f"退出码 {code}")
    if "Traceback" in text or "意外问题" in text or "panicked" in text:
        problems.append("内部错误：" + text.strip()[-300:])
    if peak > PEAK_LIMIT_MB:
        problems.append(f"峰值内存 {peak} MB")
    if hashlib.sha256(path.read_bytes()).hexdigest() != before:
        problems.append("输入被改动")
    if _unmasked(text):
        problems.append("输出中有未打码的身份证号")
    for produced in out.rglob("*.xlsx"):
        formulas = _formulas_from_user_text(produced)
        if formulas:
            problems.append(f"{produced.name} 中有来自用户文字的公式：{formulas[:2]}")
    for produced in list(out.rglob("*.json")) + [p for p in out.rglob("汇总.xlsx")]:
        if produced.suffix == ".json" and _unmasked(produced.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{produced.name} 中有未打码的身份证号")
    return problems, peak


def campaign(count: int, seed: int, folder: Path, log=print, in_process: bool = False) -> dict:
    rng = random.Random(seed)
    runs = failures = 0
    peak_max = 0
    started = time.time()
    found = []
    for n in range(count):
        case = folder / f"case{n}"
        inputs, out = case / "in", case / "out"
        inputs.mkdir(parents=True)
        out.mkdir()
        path = mutate_ledger(rng, inputs, n)
        argv = rng.choice(commands(path, out))
        problems, peak = check_run(argv, path, out, in_process)
        runs += 1
        peak_max = max(peak_max, peak)
        if problems:
            failures += 1
            found.append((path.name, argv[0], problems))
            log(f"[{n}] {path.name} {argv[0]}: {problems}")
    return {"runs": runs, "failures": failures, "peak_mb": peak_max, "seconds": round(time.time() - started, 1),
            "found": found}


def main() -> int:
    parser = argparse.ArgumentParser(description="legalaid fuzz campaign")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--in-process", action="store_true", help="run the commands in this process (fast, no memory figure)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = campaign(args.count, args.seed, Path(tmp), in_process=args.in_process)
    print(f"runs {result['runs']}, failures {result['failures']}, peak {result['peak_mb']} MB, "
          f"{result['seconds']} s")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
