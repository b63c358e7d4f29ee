"""Peak memory and time of every command on the full-size hostile inputs of issue 18 (zip bombs past the real caps,
far cells, a cell beyond Excel's grid, a Rust panic); reformat on a folder holding the input alone, as a return.
Each run is a child process; peak RSS from its rusage.

    python benchmarks/hostile_peaks.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz import hostile as h  # noqa: E402
from fuzz.campaign import run_one  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="folder for the generated inputs (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        inputs = {
            "whitespace bomb (1 GB inflated)": h.zip_bomb(folder, 1024, "space"),
            "row bomb (1.2 GB inflated)": h.zip_bomb(folder, 1024, "rows"),
            "shared-string bomb (600 MB string)": h.shared_string_bomb(folder, 600),
            "words in XFD1 and A1048576": h.far_cells(folder),
            "word in A1048576": h.far_cells(folder, ("A1048576",)),
            "cell at row 4,294,967,295": h.beyond_excel(folder),
            "date cell holding -1e12 (panic)": h.panic_date(folder),
        }
        worst = 0
        for k, (label, path) in enumerate(inputs.items()):
            returns = folder / f"returns{k}"          # reformat reads a folder: this input alone, as a return
            returns.mkdir(exist_ok=True)
            if not (returns / path.name).exists():
                (returns / path.name).hardlink_to(path)
            for command in (["subsidy", str(path), "-o", str(folder / "o.xlsx")], ["stats", str(path), "-o",
                            str(folder / "t.xlsx")], ["validate", str(path)],
                            ["reformat", str(returns), "-o", str(folder / f"reformat{k}"), "--jobs", "1"]):
                started = time.time()
                code, out, err, peak = run_one(command, timeout=600)
                worst = max(worst, peak)
                said = [ln.strip() for ln in out.splitlines() if "已跳过" in ln] if command[0] == "reformat" else []
                reason = (said or err.strip().splitlines() or [""])[-1][:70]
                print(f"{label:36s} {command[0]:9s} exit {code}  {peak:5d} MB  {time.time() - started:5.1f} s  "
                      f"{path.stat().st_size / 2**20:6.2f} MB on disk  {reason}")
        print(f"highest peak: {worst} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
