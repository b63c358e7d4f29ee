"""Benchmark: how long `legalaid --help`, `-h`, `legalaid 命令 -h` and `legalaid functions` take against
`python -c pass`, measured alternately in the same run (wall and CPU seconds of each child process; best and
median of --repeat rounds), and which heavy libraries each one ran.

    python benchmarks/bench_startup.py [--repeat 15]

Target: ≤ 0.15 s for `--help` and `functions` (on a quiet machine; on a loaded one, read the ratio to `pass`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_subsidy import run_measured  # noqa: E402
from benchmarks.floor import REPO, child_env, compile_toolkit, load_average  # noqa: E402

CASES = [["--help"], ["-h"], ["subsidy", "-h"], ["stats", "-h"], ["functions"]]
HEAVY = ("pandas", "numpy", "xlwings", "openpyxl", "python_calamine")
# the `legalaid` program (toolkit.cli.main.console), then the heavy libraries whose code actually ran
PROBE = ("import sys, types; sys.argv = ['legalaid'] + sys.argv[1:]\n"
         "from toolkit.cli.main import console\n"
         "try:\n    console()\nexcept SystemExit:\n    pass\n"
         "print('@@', *sorted({k.split('.')[0] for k, m in list(sys.modules.items()) "
         "if type(m) is types.ModuleType} & set(%r)), file=sys.stderr)" % (HEAVY,))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="启动时间基准：legalaid --help / functions 对比 python -c pass。")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    env = child_env()
    compile_toolkit(env)
    print(f"startup: load average {load_average()} at the start; {args.repeat} rounds, alternating")
    commands = {"python -c pass": [sys.executable, "-c", "pass"]}
    commands.update({"legalaid " + " ".join(c): [sys.executable, "-m", "toolkit", *c] for c in CASES})
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            run = run_measured(cmd, REPO, env)
            runs[name].append(run)
    base = runs["python -c pass"]
    base_wall = statistics.median(r["seconds"] for r in base)
    base_cpu = statistics.median(r["cpu"] for r in base)
    print(f"{'command':<26} {'best s':>7} {'median s':>9} {'median CPU s':>13} {'÷ pass (wall)':>14} "
          f"{'÷ pass (CPU)':>13} {'peak MB':>8}  heavy libraries run")
    for name, rs in runs.items():
        wall = statistics.median(r["seconds"] for r in rs)
        cpu = statistics.median(r["cpu"] for r in rs)
        heavy = ""
        if name != "python -c pass":
            probe = subprocess.run([sys.executable, "-c", PROBE, *commands[name][3:]], cwd=REPO, env=env,
                                   capture_output=True, text=True)
            heavy = " ".join(probe.stderr.strip().splitlines()[-1].split()[1:]) or "none"
        print(f"{name:<26} {min(r['seconds'] for r in rs):>7.3f} {wall:>9.3f} {cpu:>13.3f} {wall / base_wall:>13.1f}x "
              f"{cpu / base_cpu:>12.1f}x {max(r['peak_mb'] for r in rs):>8.0f}  {heavy}")
    print(f"load average {load_average()} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
