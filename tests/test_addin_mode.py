"""Runs tests/addin/ in its own pytest process with the xlwings PRO key and XLWINGS_ON_SERVER set there only (as
tests/test_server_mode.py does for tests/server/): the add-in's jobs on an xw.Book(json=…) active workbook."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_addin_jobs_on_the_active_workbook():
    env = dict(os.environ, XLWINGS_LICENSE_KEY="noncommercial", XLWINGS_ON_SERVER="true",
               XLWINGS_ENABLE_SOCKETIO="false")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/addin"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    report = proc.stdout[-6000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, report
    passed = re.search(r"(\d+) passed", proc.stdout)
    assert passed and int(passed.group(1)) >= 5 and "skipped" not in proc.stdout, report
