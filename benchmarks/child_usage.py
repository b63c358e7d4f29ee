"""Run a command and write its own wall seconds, CPU seconds and peak RSS to a JSON file.

The benchmarks start a job through this small launcher rather than directly: on Linux a child's `ru_maxrss`
includes the high-water RSS of the process it was forked from (the memory map it left at exec), so a job started
straight from a benchmark that had just compared two 100 MB outputs reported the benchmark's peak, not its own.
Started from this launcher (a bare interpreter, ~10 MB), the job's figure is its own.

    python benchmarks/child_usage.py REPORT.json COMMAND [ARG ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> int:
    report, cmd = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)   # kB on Linux, bytes on macOS
    with open(report, "w", encoding="utf-8") as f:
        json.dump({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak, "returncode": code}, f)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
