"""Runs tests/server/ in its own pytest process with the xlwings PRO key and XLWINGS_ON_SERVER set there only.
It covers the entry modules, every button through xw.Book(json=...), the xlwings Server app started over HTTPS and
the entry modules without python-calamine (xlwings Lite).

xlwings reads XLWINGS_ON_SERVER when it is first imported, and this process has already imported it in classic mode
(where @xw.func leaves functions plain): so the server-mode tests need a fresh interpreter.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_server_mode_suite():
    env = dict(os.environ, XLWINGS_LICENSE_KEY="noncommercial", XLWINGS_ON_SERVER="true",
               XLWINGS_ENABLE_SOCKETIO="false")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/server"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    report = proc.stdout[-6000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, report
    passed = re.search(r"(\d+) passed", proc.stdout)
    assert passed and int(passed.group(1)) >= 30 and "skipped" not in proc.stdout, report
